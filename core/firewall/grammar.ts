/**
 * PVE's firewall rule grammar, as pve-firewall checks it when a rule is created through the API
 * (`verify_rule`, the `pve-fw-*-spec` formats): so `validate` refuses what `pvesh create …/firewall/rules`
 * would refuse, with the fix, before anything touches a node.
 *
 * Deliberately stricter than PVE in one place: ports are numbers or ranges only. PVE also takes service
 * names, but resolves them through the node's `/etc/services`, which validation cannot see.
 * Whether a referenced IP set or alias exists is only known on the node; PVE's error then names it.
 */
import { isIP } from "node:net";

/** Protocols that take ports (PVE's `$PROTOCOLS_WITH_PORTS`, by name). */
export const PROTOCOLS_WITH_PORTS = ["tcp", "udp", "udplite", "dccp", "sctp"] as const;

/** Protocol names this tool accepts: those with ports, ICMP, and common others from /etc/protocols. */
export const FIREWALL_PROTOCOLS = [...PROTOCOLS_WITH_PORTS, "icmp", "icmpv6", "ipv6-icmp", "igmp", "gre", "esp", "ah", "ospf", "vrrp", "ipip"] as const;

/** ICMP type names PVE accepts with `proto: icmp` (iptables -p icmp -h). */
export const ICMP_TYPES = [
  "any", "echo-reply", "destination-unreachable", "network-unreachable", "host-unreachable", "protocol-unreachable",
  "port-unreachable", "fragmentation-needed", "source-route-failed", "network-unknown", "host-unknown",
  "network-prohibited", "host-prohibited", "TOS-network-unreachable", "TOS-host-unreachable", "communication-prohibited",
  "host-precedence-violation", "precedence-cutoff", "source-quench", "redirect", "network-redirect", "host-redirect",
  "TOS-network-redirect", "TOS-host-redirect", "echo-request", "router-advertisement", "router-solicitation",
  "time-exceeded", "ttl-zero-during-transit", "ttl-zero-during-reassembly", "parameter-problem", "ip-header-bad",
  "required-option-missing", "timestamp-request", "timestamp-reply", "address-mask-request", "address-mask-reply",
] as const;

/** ICMPv6 type names PVE accepts with `proto: icmpv6` / `ipv6-icmp`. */
export const ICMPV6_TYPES = [
  "destination-unreachable", "no-route", "communication-prohibited", "beyond-scope", "address-unreachable",
  "port-unreachable", "failed-policy", "reject-route", "packet-too-big", "time-exceeded", "ttl-zero-during-transit",
  "ttl-zero-during-reassembly", "parameter-problem", "bad-header", "unknown-header-type", "unknown-option",
  "echo-request", "echo-reply", "router-solicitation", "router-advertisement", "neighbor-solicitation",
  "neighbour-solicitation", "neighbor-advertisement", "neighbour-advertisement", "redirect",
] as const;

/** PVE log levels of a rule (`pve-fw-loglevel`). */
export const FIREWALL_LOG_LEVELS = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", "nolog"] as const;

// PVE's `$ip_alias_pattern` / `$ipset_name_pattern`, and their 64-character limits.
const NAME = "[A-Za-z][A-Za-z0-9\\-_]+";
const IPSET_REF = new RegExp(`^\\+(?:guest/|dc/|sdn/)?${NAME}$`);
const ALIAS_REF = new RegExp(`^(?:dc/|guest/)?${NAME}$`);
const NAME_MAX = 64;

/** The problem with a port list (`dport`/`sport`), or undefined when PVE takes it. */
export function checkPortList(value: string): string | undefined {
  const items = value.split(",");
  if (items.some((i) => i === "")) return `extraneous commas in port list '${value}'`;
  let count = 0;
  for (const item of items) {
    const range = /^([0-9]+):([0-9]+)$/.exec(item);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (a > 65535 || b > 65535) return `invalid port in '${item}': ports are 0–65535`;
      if (a > b) return `backwards range '${item}', write '${b}:${a}'`;
      count += 2;
    } else if (/^[0-9]+$/.test(item)) {
      if (Number(item) > 65535) return `invalid port '${item}': ports are 0–65535`;
      count += 1;
    } else {
      return `invalid port '${item}': use numbers such as "443", ranges "8000:8010" or lists "80,443"`;
    }
  }
  // PVE counts a range as two entries (the iptables multiport limit).
  if (count > 15) return `too many entries in port list '${value}' (> 15 numbers, a range counts as 2): split the rule`;
  return undefined;
}

/** The IP version of an address list (4 or 6), an IP set or alias reference (undefined), or the problem. */
export function checkAddressList(value: string): { version?: 4 | 6; error?: string } {
  if (value.startsWith("+")) {
    if (value.length > NAME_MAX + 1) return { error: `IP set name '${value}' too long (> ${NAME_MAX} characters)` };
    return IPSET_REF.test(value) ? {} : { error: `invalid IP set reference '${value}': write '+name', '+dc/name' or '+guest/name'` };
  }
  if (ALIAS_REF.test(value)) {
    return value.length > NAME_MAX ? { error: `alias name '${value}' too long (> ${NAME_MAX} characters)` } : {};
  }
  const items = value.split(",");
  if (items.some((i) => i === "")) return { error: `extraneous commas in address list '${value}'` };
  let version: 4 | 6 | undefined;
  for (const item of items) {
    const v = checkAddress(item);
    if (typeof v === "string") return { error: v };
    if (version && v !== version) return { error: `mixed IPv4 and IPv6 addresses in '${value}': use one version per rule` };
    version = v;
  }
  if (items.length > 1 && items.some((i) => i.includes("-"))) return { error: `a range cannot be part of a list in '${value}'` };
  return { version };
}

/** 4 or 6 for an address, CIDR or range PVE (Net::IP) accepts, else the problem. */
function checkAddress(item: string): 4 | 6 | string {
  const range = /^([^-/]+)-([^-/]+)$/.exec(item);
  if (range) {
    const [a, b] = [range[1]!, range[2]!];
    const va = isIP(a);
    if (!va || va !== isIP(b)) return `invalid address range '${item}'`;
    if (addressValue(a) > addressValue(b)) return `address range '${item}' begins after it ends`;
    return va as 4 | 6;
  }
  const m = /^([^/]+)(?:\/([0-9]{1,3}))?$/.exec(item);
  const version = m ? isIP(m[1]!) : 0;
  if (!m || !version) return `invalid IP address '${item}': use an address, a CIDR, a range 'a-b', '+ipset' or an alias name`;
  if (m[2] !== undefined) {
    const bits = version === 4 ? 32 : 128;
    const prefix = Number(m[2]);
    if (prefix > bits) return `invalid prefix length in '${item}'`;
    // Net::IP refuses a network with host bits set (e.g. 10.0.0.1/24): PVE would reject it.
    const host = (1n << BigInt(bits - prefix)) - 1n;
    if ((addressValue(m[1]!) & host) !== 0n) return `'${item}' has host bits set: write the network address, e.g. '${networkOf(m[1]!, prefix, version)}/${prefix}'`;
  }
  return version as 4 | 6;
}

function addressValue(ip: string): bigint {
  if (isIP(ip) === 4) return ip.split(".").reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, undefined];
  const part = (s: string | undefined) => (s ? s.split(":") : []);
  let groups = part(head);
  let rest = part(tail);
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  const fix = (g: string[]) => g.flatMap((x) => (x.includes(".") ? [(Number(addressValue(x) >> 16n)).toString(16), (Number(addressValue(x) & 0xffffn)).toString(16)] : [x]));
  groups = fix(groups);
  rest = fix(rest);
  const all = tail === undefined ? groups : [...groups, ...Array(8 - groups.length - rest.length).fill("0"), ...rest];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || "0", 16)), 0n);
}

function networkOf(ip: string, prefix: number, version: number): string {
  const bits = version === 4 ? 32 : 128;
  const net = addressValue(ip) & ~((1n << BigInt(bits - prefix)) - 1n);
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((net >> s) & 255n)).join(".");
  const groups = Array.from({ length: 8 }, (_, i) => ((net >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  return groups.join(":");
}

/** A rule as the config writes it, in PVE's field names (see core/firewall/rule.ts). */
export interface RuleFields {
  proto?: string;
  dport?: string;
  sport?: string;
  "icmp-type"?: string;
  source?: string;
  dest?: string;
  comment?: string;
}

/**
 * Every problem PVE's `verify_rule` would raise for this rule, as [config field, message with the fix].
 * `fieldOf` maps PVE's parameter name to the config's field name.
 */
export function checkRule(rule: RuleFields, fieldOf: (pveName: string) => string): Array<[string, string]> {
  const issues: Array<[string, string]> = [];
  const proto = rule.proto;
  const isIcmp = proto === "icmp" || proto === "icmpv6" || proto === "ipv6-icmp";
  const withPorts = (PROTOCOLS_WITH_PORTS as readonly string[]).includes(proto ?? "");
  for (const name of ["dport", "sport"] as const) {
    const v = rule[name];
    if (v === undefined) continue;
    const problem = checkPortList(v);
    if (problem) issues.push([fieldOf(name), problem]);
    if (!proto) issues.push([fieldOf("proto"), `"${fieldOf(name)}" needs "proto" (one of ${PROTOCOLS_WITH_PORTS.join(", ")}); PVE rejects a port without a protocol`]);
    else if (!withPorts) issues.push([fieldOf(name), `protocol '${proto}' has no ports${isIcmp ? `: use "${fieldOf("icmp-type")}" for ICMP` : ""}`]);
  }
  const icmpType = rule["icmp-type"];
  if (icmpType !== undefined) {
    if (!isIcmp) issues.push([fieldOf("proto"), `"${fieldOf("icmp-type")}" needs "proto": "icmp" (or "icmpv6")`]);
    else if (proto === "icmp" && !(ICMP_TYPES as readonly string[]).includes(icmpType)) issues.push([fieldOf("icmp-type"), `unknown ICMP type '${icmpType}' for proto 'icmp', e.g. "echo-request"`]);
    else if (proto !== "icmp" && !(ICMPV6_TYPES as readonly string[]).includes(icmpType)) issues.push([fieldOf("icmp-type"), `unknown ICMPv6 type '${icmpType}' for proto '${proto}', e.g. "echo-request"`]);
  }
  let version: 4 | 6 | undefined = proto === "icmp" ? 4 : isIcmp ? 6 : undefined;
  for (const name of ["source", "dest"] as const) {
    const v = rule[name];
    if (v === undefined) continue;
    const r = checkAddressList(v);
    if (r.error) issues.push([fieldOf(name), r.error]);
    else if (r.version && version && r.version !== version) issues.push([fieldOf(name), `IPv${r.version} address with IPv${version} elsewhere in the rule (proto or the other address): use one IP version per rule`]);
    else if (r.version) version = r.version;
  }
  if (rule.comment !== undefined && /[\r\n]/.test(rule.comment)) issues.push([fieldOf("comment"), "a comment must be one line: PVE stores it at the end of the rule's line"]);
  return issues;
}
