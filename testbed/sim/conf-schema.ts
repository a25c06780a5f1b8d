/**
 * The CT option schema (docs/pve-behaviour.md §6, pve-container `$confdesc`) and per-key validation/normalisation as
 * `pct set` / `pct create` apply it.
 */
import {
  PropSchema, ValueType, checkDnsName, checkIp, checkIpv4Config, checkIpv6Config, checkMac, checkValue,
  parsePropertyString, parseSize, printPropertyString, splitList,
} from "./value-formats";
import { randomMac } from "./sim-env";

const bool: ValueType = { type: "boolean" };
const str: ValueType = { type: "string" };

/** The lock values of §4. */
export const LOCKS = ["backup", "create", "destroyed", "disk", "fstrim", "migrate", "mounted", "rollback", "snapshot", "snapshot-delete"] as const;

const OSTYPES = ["debian", "devuan", "ubuntu", "centos", "fedora", "opensuse", "archlinux", "alpine", "gentoo", "nixos", "unmanaged"] as const;

function checkStartup(v: string): string | undefined {
  const ok = v.split(",").every((p) => /^((order=)?\d+|up=\d+|down=\d+)$/.test(p));
  return ok ? undefined : "unable to parse startup options\n";
}

function checkTags(v: string): string | undefined {
  return splitList(v).every((t) => /^[a-z0-9_][a-z0-9_\-+.]*$/i.test(t)) ? undefined : "invalid characters in tag\n";
}

function checkList(each: (x: string) => string | undefined): (v: string) => string | undefined {
  return (v) => splitList(v).map(each).find((e) => e !== undefined);
}

const SIMPLE: Record<string, ValueType> = {
  arch: { type: "string", enum: ["amd64", "i386", "arm64", "armhf", "riscv32", "riscv64"] },
  cmode: { type: "string", enum: ["shell", "console", "tty"] },
  console: bool,
  cores: { type: "integer", min: 1, max: 8192 },
  cpulimit: { type: "number", min: 0, max: 8192 },
  cpuunits: { type: "integer", min: 0, max: 500000 },
  debug: bool,
  description: { type: "string", maxLength: 8192 },
  entrypoint: str,
  env: str,
  hookscript: { type: "string", pattern: /^[^:\s]+:snippets\/\S+$/ },
  hostname: { type: "string", maxLength: 255, format: checkDnsName },
  lock: { type: "string", enum: LOCKS },
  memory: { type: "integer", min: 16 },
  nameserver: { type: "string", format: checkList(checkIp) },
  onboot: bool,
  ostype: { type: "string", enum: OSTYPES },
  protection: bool,
  searchdomain: { type: "string", format: checkList(checkDnsName) },
  startup: { type: "string", format: checkStartup },
  swap: { type: "integer", min: 0 },
  tags: { type: "string", format: checkTags },
  template: bool,
  timezone: { type: "string", pattern: /^(host|[A-Za-z0-9_+\-/]+)$/ },
  tty: { type: "integer", min: 0, max: 6 },
  unprivileged: bool,
};

/** net[n] property string (`$netconf_desc`). */
export const NET_SCHEMA: PropSchema = {
  required: ["name"],
  keys: {
    name: { type: "string", pattern: /^[-_.\w\d]+$/ }, bridge: { type: "string", pattern: /^[-_.\w\d]+$/ },
    firewall: bool, gw: { type: "string", format: (v) => (checkIp(v) === undefined && !v.includes(":") ? undefined : "value does not look like a valid IPv4 address\n") },
    gw6: { type: "string", format: (v) => (v.includes(":") && checkIp(v) === undefined ? undefined : "value does not look like a valid IPv6 address\n") },
    "host-managed": bool, hwaddr: { type: "string", format: checkMac }, ip: { type: "string", format: checkIpv4Config },
    ip6: { type: "string", format: checkIpv6Config }, link_down: bool, mtu: { type: "integer", min: 64, max: 65535 },
    rate: { type: "number", min: 0 }, tag: { type: "integer", min: 1, max: 4094 }, trunks: { type: "string", pattern: /^\d+(;\d+)*$/ },
    type: { type: "string", enum: ["veth"] },
  },
};

const MOUNT_OPTS = ["discard", "lazytime", "noatime", "nodev", "noexec", "nosuid"];
const diskKeys: Record<string, ValueType> = {
  volume: str, acl: bool, idmap: str, quota: bool, replicate: bool, ro: bool, shared: bool,
  size: { type: "string", format: (v) => (parseSize(v) === undefined ? "unable to parse size\n" : undefined) },
  mountoptions: { type: "string", format: (v) => (v.split(";").every((o) => MOUNT_OPTS.includes(o)) ? undefined : "invalid mount option\n") },
};

/** rootfs property string (`$rootfs_desc`). */
export const ROOTFS_SCHEMA: PropSchema = { defaultKey: "volume", required: ["volume"], keys: diskKeys };

/** mp[n] property string (`$mp_desc`). */
export const MP_SCHEMA: PropSchema = {
  defaultKey: "volume", required: ["volume", "mp"],
  keys: { ...diskKeys, mp: { type: "string", pattern: /^\/\S*$/ }, backup: bool, keepattrs: bool },
};

const DEV_SCHEMA: PropSchema = {
  defaultKey: "path", required: ["path"],
  keys: { path: { type: "string", pattern: /^\/dev\/\S+$/ }, "deny-write": bool, gid: { type: "integer", min: 0 }, mode: { type: "string", pattern: /^0?[0-7]{3,4}$/ }, uid: { type: "integer", min: 0 } },
};

const FEATURES_SCHEMA: PropSchema = {
  required: [],
  keys: { force_rw_sys: bool, fuse: bool, keyctl: bool, mknod: bool, mount: { type: "string", pattern: /^[a-z0-9]+(;[a-z0-9]+)*$/ }, nesting: bool },
};

function indexed(key: string): { base: string; index: number } | undefined {
  const m = /^(net|mp|dev|unused)(\d+)$/.exec(key);
  if (!m) return undefined;
  const max = m[1] === "net" ? 31 : 255;
  const index = Number(m[2]);
  return String(index) === m[2] && index <= max ? { base: m[1], index } : undefined;
}

/** True for every settable config key (`pct set` / `pct create` options). */
export function isOptionKey(key: string): boolean {
  return key in SIMPLE || key === "rootfs" || key === "features" || indexed(key) !== undefined;
}

/** True for every key a config file may hold (options plus internal keys). */
export function isConfigKey(key: string): boolean {
  return isOptionKey(key) || ["parent", "snaptime", "snapstate", "digest"].includes(key);
}

/** All settable option names, for Getopt-style prefix matching. */
export function allOptionKeys(): string[] {
  const keys = [...Object.keys(SIMPLE), "rootfs", "features"];
  for (let i = 0; i <= 31; i++) keys.push(`net${i}`);
  for (let i = 0; i <= 255; i++) keys.push(`mp${i}`, `dev${i}`, `unused${i}`);
  return keys;
}

/** Keys whose values are JSON numbers in the API (integer/number/boolean types). */
export function isNumericKey(key: string): boolean {
  if (key === "snaptime") return true;
  const t = SIMPLE[key];
  return t !== undefined && t.type !== "string";
}

/** Tags as written: split, de-duplicated, lower-cased, sorted, joined with `;` (GuestHelpers get_unique_tags). */
export function normalizeTags(v: string): string {
  return [...new Set(splitList(v).map((t) => t.toLowerCase()))].sort().join(";");
}

/** Canonical net[n]: `name=` first, the rest alphabetical; `type=veth` and a fresh hwaddr added when missing. */
export function canonicalNet(res: Record<string, string>): string {
  if (res.type === undefined) res.type = "veth";
  if (res.hwaddr === undefined) res.hwaddr = randomMac();
  return printPropertyString(res, ["name"]);
}

/** Canonical mp[n]: volume first, then `mp=`, then the rest alphabetical. */
export function canonicalMp(res: Record<string, string>): string {
  return printPropertyString(res, ["volume", "mp"], "volume");
}

/** Canonical rootfs: volume first, then the rest alphabetical. */
export function canonicalRootfs(res: Record<string, string>): string {
  return printPropertyString(res, ["volume"], "volume");
}

/** Parses a disk option (rootfs or mp[n]) that already passed validation. */
export function parseDisk(key: string, value: string): Record<string, string> {
  const r = parsePropertyString(key === "rootfs" ? ROOTFS_SCHEMA : MP_SCHEMA, value, key);
  if ("error" in r) throw new Error(r.error);
  return r.ok;
}

/**
 * Validates one option value like the REST schema check. Returns the value to store (normalised where
 * the API normalises: booleans, net, tags, lists) or the error lines for the 400 block.
 */
export function checkOption(key: string, value: string): { ok: string } | { error: string } {
  const simple = SIMPLE[key];
  if (simple) {
    const r = checkValue(simple, value);
    if ("error" in r) return r;
    if (key === "tags") return { ok: normalizeTags(value) };
    if (key === "nameserver" || key === "searchdomain") return { ok: splitList(value).join(" ") };
    return r;
  }
  const idx = indexed(key);
  const schema = key === "rootfs" ? ROOTFS_SCHEMA : key === "features" ? FEATURES_SCHEMA
    : idx?.base === "net" ? NET_SCHEMA : idx?.base === "mp" ? MP_SCHEMA : idx?.base === "dev" ? DEV_SCHEMA : undefined;
  if (idx?.base === "unused") return { ok: value };
  if (!schema) return { error: "property is not defined in schema and the schema does not allow additional properties" };
  const r = parsePropertyString(schema, value, key);
  if ("error" in r) return { error: `invalid format - ${r.error}` };
  if (idx?.base === "net") return { ok: canonicalNet(r.ok) };
  if (idx?.base === "mp") return { ok: canonicalMp(r.ok) };
  return { ok: value };
}

/** Getopt kinds of all config-key options (booleans take an optional value). */
export function configOptionKinds(): Record<string, "bool" | "string"> {
  const res: Record<string, "bool" | "string"> = {};
  for (const k of allOptionKeys()) res[k] = SIMPLE[k]?.type === "boolean" ? "bool" : "string";
  return res;
}
