/**
 * Value formats of pve-common `JSONSchema.pm` that CT options use (docs/pve-behaviour.md §2): type checks, sizes, IPs,
 * MACs, DNS names, and comma-separated property strings. Messages are the real ones; a message ending in
 * "\n" is a format error (`invalid format - ...`), which is what makes the blank lines of a 400 block.
 */
import { isIPv4, isIPv6 } from "node:net";

/** The schema of one simple value. */
export interface ValueType {
  type: "integer" | "number" | "boolean" | "string";
  min?: number;
  max?: number;
  enum?: readonly string[];
  maxLength?: number;
  pattern?: RegExp;
  /** A format verifier: returns the error text (ending in "\n") or undefined. */
  format?: (v: string) => string | undefined;
}

/** parse_boolean: 1/0 for the accepted spellings, undefined otherwise. */
export function parseBoolean(v: string): 0 | 1 | undefined {
  if (/^(1|on|yes|true)$/i.test(v)) return 1;
  if (/^(0|off|no|false)$/i.test(v)) return 0;
  return undefined;
}

/**
 * check_type + check_prop for one value: returns the error message (without the key) or the normalised
 * value (booleans → 1/0, everything else as given, like the API stores it).
 */
export function checkValue(t: ValueType, v: string): { ok: string } | { error: string } {
  if (t.type === "boolean") {
    const b = parseBoolean(v);
    return b === undefined ? { error: `type check ('boolean') failed - got '${v}'` } : { ok: String(b) };
  }
  if (t.type === "integer" && !/^[+-]?\d+$/.test(v)) return { error: `type check ('integer') failed - got '${v}'` };
  if (t.type === "number" && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) {
    return { error: `type check ('number') failed - got '${v}'` };
  }
  if (t.type === "integer" || t.type === "number") {
    if (t.min !== undefined && Number(v) < t.min) return { error: `value must have a minimum value of ${t.min}` };
    if (t.max !== undefined && Number(v) > t.max) return { error: `value must have a maximum value of ${t.max}` };
  }
  if (t.enum && !t.enum.includes(v)) {
    return { error: `value '${v}' does not have a value in the enumeration '${t.enum.join(", ")}'` };
  }
  if (t.maxLength !== undefined && v.length > t.maxLength) return { error: `value may only be ${t.maxLength} characters long` };
  if (t.pattern && !t.pattern.test(v)) return { error: "value does not match the regex pattern" };
  if (t.format) {
    const f = t.format(v);
    if (f) return { error: `invalid format - ${f}` };
  }
  return { ok: v };
}

const NAME_RE = "([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)";

/** dns-name */
export function checkDnsName(v: string): string | undefined {
  return new RegExp(`^(${NAME_RE}\\.)*${NAME_RE}$`).test(v) ? undefined : "value does not look like a valid DNS name\n";
}

/** ip: IPv4 or IPv6, link-local IPv6 with `%iface` allowed (nameserver). */
export function checkIp(v: string): string | undefined {
  const bare = v.replace(/%[\w.-]+$/, "");
  return isIPv4(v) || isIPv6(bare) ? undefined : "value does not look like a valid IP address\n";
}

/** pve-ipv4-config */
export function checkIpv4Config(v: string): string | undefined {
  const m = /^(.+)\/(\d+)$/.exec(v);
  if (v === "dhcp" || v === "manual" || (m && isIPv4(m[1]) && Number(m[2]) <= 32)) return undefined;
  return "value does not look like a valid IPv4 network configuration\n";
}

/** pve-ipv6-config */
export function checkIpv6Config(v: string): string | undefined {
  const m = /^(.+)\/(\d+)$/.exec(v);
  if (["auto", "dhcp", "manual"].includes(v) || (m && isIPv6(m[1]) && Number(m[2]) <= 128)) return undefined;
  return "value does not look like a valid IPv6 network configuration\n";
}

/** mac-addr (unicast only: the second hex digit must be even). */
export function checkMac(v: string): string | undefined {
  return /^[0-9a-f][02468ace](:[0-9a-f]{2}){5}$/i.test(v) ? undefined : "value does not look like a valid unicast MAC address\n";
}

/** disk-size → bytes; undefined when it does not parse. No unit = bytes. */
export function parseSize(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT])?(?:i?B)?$/i.exec(v);
  if (!m) return undefined;
  const mult = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[(m[2] ?? "").toUpperCase()] ?? 1;
  return Math.floor(Number(m[1]) * mult);
}

/** format_size: the largest unit that represents `bytes` exactly (`8G`, `512M`, `1536M`). */
export function formatSize(bytes: number): string {
  const size = Math.floor(bytes);
  const kb = Math.floor(size / 1024);
  if (kb * 1024 !== size) return String(size);
  const mb = Math.floor(kb / 1024);
  if (mb * 1024 !== kb) return `${kb}K`;
  const gb = Math.floor(mb / 1024);
  if (gb * 1024 !== mb) return `${mb}M`;
  const tb = Math.floor(gb / 1024);
  if (tb * 1024 !== gb) return `${gb}G`;
  return `${tb}T`;
}

/** split_list: `,` `;` and whitespace separate items. */
export function splitList(v: string): string[] {
  return v.split(/[,;\s]+/).filter((x) => x !== "");
}

/** The schema of a property string (net, mp, rootfs, dev, features). */
export interface PropSchema {
  defaultKey?: string;
  required: readonly string[];
  keys: Record<string, ValueType>;
}

/**
 * parse_property_string + check_object. Returns the parsed map, or the error text for the option
 * (`format error\n<path>.<k>: ...\n` or a one-line `...\n` message).
 */
export function parsePropertyString(schema: PropSchema, value: string, pathName: string): { ok: Record<string, string> } | { error: string } {
  const res: Record<string, string> = Object.create(null);
  for (const part of value.split(",")) {
    if (/^\s*$/.test(part)) continue;
    const m = /^([^=]+)=(.+)$/.exec(part);
    if (m) {
      const [, k, v] = m;
      if (res[k] !== undefined) return { error: `duplicate key in comma-separated list property: ${k}\n` };
      const t = schema.keys[k];
      if (!t) return { error: `invalid key in comma-separated list property: ${k}\n` };
      const b = t.type === "boolean" ? parseBoolean(v) : undefined;
      res[k] = b === undefined ? v : String(b);
    } else if (!part.includes("=")) {
      const dk = schema.defaultKey;
      if (!dk) return { error: "value without key, but schema does not define a default key\n" };
      if (res[dk] !== undefined) return { error: `duplicate key in comma-separated list property: ${dk}\n` };
      res[dk] = part;
    } else {
      return { error: "missing key in comma-separated list property\n" };
    }
  }
  const errors: string[] = [];
  for (const k of Object.keys(res)) {
    const r = checkValue(schema.keys[k], res[k]);
    if ("error" in r) errors.push(`${pathName}.${k}: ${r.error}\n`);
  }
  for (const k of schema.required) if (res[k] === undefined) errors.push(`${pathName}.${k}: property is missing and it is not optional\n`);
  if (errors.length) return { error: `format error\n${errors.join("")}` };
  return { ok: res };
}

/** print_property_string with an explicit order: `first` keys (the default key without `key=`), then the rest sorted. */
export function printPropertyString(res: Record<string, string>, first: readonly string[], defaultKey?: string): string {
  const parts: string[] = [];
  for (const k of first) if (res[k] !== undefined) parts.push(k === defaultKey ? res[k] : `${k}=${res[k]}`);
  for (const k of Object.keys(res).sort()) if (!first.includes(k)) parts.push(`${k}=${res[k]}`);
  return parts.join(",");
}
