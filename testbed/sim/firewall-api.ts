/**
 * The firewall endpoints `pvesh` reaches for a container and the datacenter (pve-firewall API2/Firewall/
 * {Rules,VM,Cluster}.pm): `…/lxc/<vmid>/firewall/rules` (GET list with `pos` and `digest`, POST inserts at
 * position 0, and a new rule without `--enable` is stored disabled), `…/rules/<pos>` (GET, PUT with `moveto` or
 * field changes, DELETE), `…/firewall/options` and `/cluster/firewall/options` (GET with `digest`, PUT).
 * Writes hold the guest's firewall lock (PVE: the pmxcfs lock `firewall-vm-<vmid>`; here a flock on
 * `etc/pve/priv/lock/firewall-vm-<vmid>`), check a given `digest`, verify the rule like `verify_rule`, and save.
 */
import * as path from "node:path";
import { isIP } from "node:net";
import { OptKind } from "./cli-args";
import { Die, paramError, Param400 } from "./sim-errors";
import { SimEnv } from "./sim-env";
import { withFileLock, lockTimeoutS } from "./flock";
import { ApiValue } from "./api-data";
import { digestOf, firewallPath, FwFile, FwRule, ipVersionOf, loadFirewall, saveFirewall } from "./firewall-file";

/** A firewall API path, resolved. */
export interface FwTarget {
  scope: number | "cluster";
  what: "rules" | "rule" | "options";
  pos?: number;
}

/** Parses `nodes/<n>/lxc/<vmid>/firewall/…` or `cluster/firewall/options`; undefined for other paths. */
export function firewallTarget(parts: string[]): FwTarget | undefined {
  if (parts.join("/") === "cluster/firewall/options") return { scope: "cluster", what: "options" };
  if (parts[0] !== "nodes" || parts[2] !== "lxc" || parts[4] !== "firewall" || !/^[1-9]\d{2,8}$/.test(parts[3] ?? "")) return undefined;
  const vmid = Number(parts[3]);
  if (parts.length === 6 && parts[5] === "options") return { scope: vmid, what: "options" };
  if (parts.length === 6 && parts[5] === "rules") return { scope: vmid, what: "rules" };
  if (parts.length === 7 && parts[5] === "rules") {
    if (!/^\d+$/.test(parts[6]!)) throw paramError([["pos", `type check ('integer') failed - got '${parts[6]}'`]]);
    return { scope: vmid, what: "rule", pos: Number(parts[6]) };
  }
  return undefined;
}

const RULE_OPTS = ["pos", "digest", "type", "action", "macro", "iface", "source", "dest", "proto", "enable", "log", "sport", "dport", "comment", "icmp-type"];
const VM_OPTS = ["enable", "dhcp", "ipfilter", "macfilter", "ndp", "radv", "policy_in", "policy_out", "log_level_in", "log_level_out", "delete", "digest"];
const CLUSTER_OPTS = ["enable", "ebtables", "policy_in", "policy_out", "policy_forward", "log_ratelimit", "delete", "digest"];
const VM_BOOLS = new Set(["enable", "dhcp", "ipfilter", "macfilter", "ndp", "radv"]);

/** The API options a method on a target takes (unknown ones fail like pvesh's argument parser). */
export function firewallOptions(method: string, t: FwTarget): Record<string, OptKind> {
  let names: string[] = [];
  if (method === "create" && t.what === "rules") names = RULE_OPTS;
  else if (method === "set" && t.what === "rule") names = [...RULE_OPTS, "moveto", "delete"];
  else if (method === "delete" && t.what === "rule") names = ["digest"];
  else if (method === "set" && t.what === "options") names = t.scope === "cluster" ? CLUSTER_OPTS : VM_OPTS;
  const kinds: Record<string, OptKind> = {};
  for (const n of names) kinds[n] = t.what === "options" && t.scope !== "cluster" && VM_BOOLS.has(n) ? "bool" : "string";
  return kinds;
}

function lockFw<T>(env: SimEnv, scope: number | "cluster", fn: () => T): T {
  const name = scope === "cluster" ? "firewall-cluster" : `firewall-vm-${scope}`;
  return withFileLock(path.join(env.root, "etc/pve/priv/lock", name), `/etc/pve/priv/lock/${name}`, lockTimeoutS(), fn);
}

function assertDigest(current: string, given: string | undefined): void {
  if (given !== undefined && given !== current) throw new Die("detected modified configuration - file changed by other user? Try again.\n");
}

function listWithDigest(fw: FwFile): { list: Array<Record<string, ApiValue>>; digest: string } {
  const digest = digestOf(fw.rules);
  return { list: fw.rules.map((r, pos) => ({ ...r, pos, digest })), digest };
}

function optionsWithDigest(fw: FwFile): Record<string, ApiValue> {
  return { ...fw.options, digest: digestOf([fw.options]) };
}

/** Runs one firewall request; returns the API result (undefined for `null` returns, which pvesh prints as nothing). */
export function firewallRequest(env: SimEnv, method: string, t: FwTarget, opts: Record<string, string>): ApiValue | undefined {
  const file = firewallPath(env, t.scope);
  if (method === "get") {
    const fw = loadFirewall(file);
    if (t.what === "options") return optionsWithDigest(fw);
    const { list } = listWithDigest(fw);
    if (t.what === "rules") return list;
    if (t.pos! >= list.length) throw new Die(`no rule at position ${t.pos}\n`);
    return list[t.pos!]!;
  }
  lockFw(env, t.scope, () => {
    const fw = loadFirewall(file);
    if (t.what === "options") setOptions(fw, t.scope, opts);
    else if (method === "create") fw.rules.unshift(buildRule({}, opts, fw, env));
    else {
      assertDigest(listWithDigest(fw).digest, opts.digest);
      if (t.pos! >= fw.rules.length) throw new Die(`no rule at position ${t.pos}\n`);
      if (method === "delete") fw.rules.splice(t.pos!, 1);
      else if (opts.moveto !== undefined && Number(opts.moveto) !== t.pos) fw.rules = moved(fw.rules, t.pos!, integer("moveto", opts.moveto));
      else if (opts.moveto === undefined) fw.rules[t.pos!] = buildRule(fw.rules[t.pos!]!, opts, fw, env);
    }
    saveFirewall(file, fw);
  });
  return undefined;
}

function integer(name: string, v: string): number {
  if (!/^\d+$/.test(v)) throw paramError([[name, `type check ('integer') failed - got '${v}'`]]);
  return Number(v);
}

function moved(rules: FwRule[], pos: number, moveto: number): FwRule[] {
  const out: FwRule[] = [];
  rules.forEach((r, i) => {
    if (i === pos) return;
    if (i === moveto) out.push(rules[pos]!);
    out.push(r);
  });
  if (moveto >= rules.length) out.push(rules[pos]!);
  return out;
}

function setOptions(fw: FwFile, scope: number | "cluster", opts: Record<string, string>): void {
  assertDigest(digestOf([fw.options]), opts.digest);
  for (const o of (opts.delete ?? "").split(/[,;\s]+/).filter(Boolean)) {
    if (!(scope === "cluster" ? CLUSTER_OPTS : VM_OPTS).includes(o)) throw paramError([["delete", `no such option '${o}'`]]);
    delete fw.options[o];
  }
  for (const [k, v] of Object.entries(opts)) {
    if (k === "delete" || k === "digest") continue;
    if (k.startsWith("policy_") && !["ACCEPT", "REJECT", "DROP"].includes(v)) throw paramError([[k, `value '${v}' does not have a value in the enumeration 'ACCEPT, REJECT, DROP'`]]);
    fw.options[k] = VM_BOOLS.has(k) || k === "enable" ? Number(v) : v;
  }
}

const PORT_PROTOS = new Set(["tcp", "udp", "udplite", "dccp", "sctp", "6", "17", "136", "33", "132"]);
// The node's /etc/protocols names the simulator knows (a Debian host has more; numbers always work).
const PROTOCOLS = new Set([...PORT_PROTOS, "icmp", "icmpv6", "ipv6-icmp", "igmp", "gre", "esp", "ah", "ospf", "vrrp", "ipip"]);

function checkPorts(name: string, v: string, icmp: boolean): void {
  const items = v.split(",");
  const bad = (m: string) => paramError([[name, `invalid format - ${m}\n`]]);
  if (v !== items.join(",") || items.includes("")) throw bad("extraneous commas in list");
  let count = 0;
  for (const it of items) {
    const r = /^(\d+):(\d+)$/.exec(it);
    if (r) {
      if (Number(r[1]) > 65535) throw bad(`invalid port '${r[1]}'`);
      if (Number(r[2]) > 65535) throw bad(`invalid port '${r[2]}'`);
      if (Number(r[1]) > Number(r[2])) throw bad(`backwards range '${r[1]}:${r[2]}' not allowed, did you mean '${r[2]}:${r[1]}'?`);
      count += 2;
    } else if (/^\d+$/.test(it)) {
      if (Number(it) > 65535) throw bad(`invalid port '${it}'`);
      count += 1;
    } else if (!(icmp && /^[a-z-]+$/.test(it)) && !["ssh", "http", "https", "domain"].includes(it)) throw bad(`invalid port '${it}'`);
  }
  if (count > 15) throw bad("too many entries in port list (> 15 numbers)");
}

function checkAddress(name: string, v: string, fw: FwFile, cluster: FwFile): number | undefined {
  const set = /^\+(?:guest\/|dc\/|sdn\/)?([A-Za-z][A-Za-z0-9\-_]+)$/.exec(v);
  if (v.startsWith("+")) {
    if (!set) throw paramError([[name, `invalid ipset name '${v}'`]]);
    if (!fw.ipsets[set[1]!.toLowerCase()] && !cluster.ipsets[set[1]!.toLowerCase()]) throw paramError([[name, `no such ipset '${set[1]}'`]]);
    return undefined;
  }
  const alias = /^(?:dc\/|guest\/)?([A-Za-z][A-Za-z0-9\-_]+)$/.exec(v);
  if (alias) {
    const a = [...fw.aliases, ...cluster.aliases].find((x) => x.name.toLowerCase() === alias[1]!.toLowerCase());
    if (!a) throw paramError([[name, `no such alias '${v}'`]]);
    return isIP(a.cidr.split("/")[0]!) || undefined;
  }
  let version: number | undefined;
  for (const item of v.split(",")) {
    const ip = item.split(/[/-]/)[0]!;
    const ver = isIP(ip);
    if (!ver) throw paramError([[name, `invalid format - invalid IP address: Invalid IP ${item}\n`]]);
    if (version && ver !== version) throw paramError([[name, `invalid format - detected mixed ipv4/ipv6 addresses in address list '${v}'\n`]]);
    version = ver;
  }
  return version;
}

/** copy_rule_data + verify_rule for a guest (rule_env 'ct'): the first error raises, as the API does. */
function buildRule(base: FwRule, opts: Record<string, string>, fw: FwFile, env: SimEnv): FwRule {
  const rule: FwRule = { ...base };
  for (const k of RULE_OPTS) {
    if (k === "pos" || k === "digest" || opts[k] === undefined) continue;
    if (opts[k] === "" || opts[k] === "-") delete rule[k];
    else rule[k] = k === "enable" ? integer("enable", opts[k]!) : opts[k]!;
  }
  for (const d of (opts.delete ?? "").split(/[,;\s]+/).filter(Boolean)) {
    if (d === "type" || d === "action") throw paramError([["delete", `unable to delete required property '${d}'`]]);
    delete rule[d];
  }
  if (rule.type !== undefined && !["in", "out", "forward", "group"].includes(String(rule.type))) throw paramError([["type", `value '${rule.type}' does not have a value in the enumeration 'in, out, forward, group'`]]);
  if (!rule.type) throw paramError([["type", "property is missing and it is not optional"]]);
  if (!rule.action) throw paramError([["action", "property is missing and it is not optional"]]);
  if (rule.type === "forward") throw paramError([["type", "invalid rule type 'forward' for rule_env 'ct'"]]);
  if (rule.type !== "group" && !/^(ACCEPT|DROP|REJECT)$/.test(String(rule.action))) throw paramError([["action", `unknown action '${rule.action}'`]]);
  if (rule.iface !== undefined && !/^net\d+$/.test(String(rule.iface))) throw paramError([["iface", "value does not match the regex pattern 'net\\d+'"]]);
  const proto = rule.proto === undefined ? undefined : String(rule.proto);
  if (proto !== undefined && !PROTOCOLS.has(proto) && !/^\d+$/.test(proto)) throw paramError([["proto", `invalid format - unknown protocol '${proto}'\n`]]);
  const icmp = proto === "icmp" || proto === "icmpv6" || proto === "ipv6-icmp";
  for (const k of ["dport", "sport"]) {
    if (rule[k] === undefined) continue;
    checkPorts(k, String(rule[k]), k === "dport" && icmp);
    if (!proto) throw paramError([["proto", `missing property - '${k}' requires this property`]]);
    if (!PORT_PROTOS.has(proto) && !(k === "dport" && icmp)) throw paramError([[k, `protocol '${proto}' does not support ports`]]);
  }
  if (rule["icmp-type"] !== undefined) {
    if (!icmp) throw paramError([["proto", "missing property - 'icmp-type' requires this property"]]);
    if (rule.dport) throw paramError([["icmp-type", "'icmp-type' cannot be specified together with 'dport'"]]);
  }
  const cluster = loadFirewall(firewallPath(env, "cluster"));
  let version = proto === "icmp" ? 4 : icmp ? 6 : undefined;
  for (const k of ["source", "dest"]) {
    if (rule[k] === undefined) continue;
    const v = checkAddress(k, String(rule[k]), fw, cluster);
    if (v && version && v !== version) throw paramError([[k, "detected mixed ipv4/ipv6 addresses in rule"]]);
    version = v ?? version;
  }
  if (rule.enable === undefined) rule.enable = 0;
  delete rule.ipversion;
  const ip = ipVersionOf(rule);
  if (ip) rule.ipversion = ip;
  return rule;
}

/** The usage line pvesh prints under a 400. */
export function withUsage(e: unknown, method: string): unknown {
  if (e instanceof Param400) e.usage = `pvesh ${method} <api_path> [OPTIONS] [FORMAT_OPTIONS]`;
  return e;
}
