/**
 * The guest firewall file `/etc/pve/firewall/<vmid>.fw` and the datacenter's `cluster.fw`, read and written as
 * pve-firewall does (`generic_fw_config_parser`, `save_vmfw_conf`): sections `[OPTIONS]`, `[ALIASES]`,
 * `[IPSET name]`, `[RULES]`; a rule is `[|]TYPE ACTION [-i iface] [-source s] [-dest d] [-p proto] [-dport p]
 * [-sport p] [-log l] [-icmp-type t] [# comment]`, `|` meaning disabled. Writes go through a temp file and a
 * rename; a file that would be empty is removed, as PVE does.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { isIP } from "node:net";
import { SimEnv, writeFileAtomic } from "./sim-env";

/** A rule with PVE's field names; `enable` 0/1, `ipversion` as verify_rule derives it. */
export type FwRule = Record<string, string | number>;

/** One parsed firewall file. */
export interface FwFile {
  options: Record<string, string | number>;
  aliases: Array<{ name: string; cidr: string; comment?: string }>;
  ipsets: Record<string, { comment?: string; lines: string[] }>;
  rules: FwRule[];
}

/** `<root>/etc/pve/firewall`. */
export function firewallDir(env: SimEnv): string {
  return path.join(env.root, "etc", "pve", "firewall");
}

/** The file of a guest (`<vmid>.fw`) or of the datacenter (`cluster.fw`). */
export function firewallPath(env: SimEnv, vmid: number | "cluster"): string {
  return path.join(firewallDir(env), `${vmid}.fw`);
}

const VM_BOOL = /^(enable|dhcp|ndp|radv|macfilter|ipfilter|ips):\s*(0|1)\s*$/i;
const VM_LOG = /^(log_level_in|log_level_out):\s*((emerg|alert|crit|err|warning|notice|info|debug|nolog)\s*)?$/i;
const POLICY = /^(policy_(?:in|out|forward)):\s*(ACCEPT|DROP|REJECT)\s*$/i;

function parseRule(line: string): FwRule | undefined {
  const rule: FwRule = {};
  const c = /#\s*(.*?)\s*$/.exec(line);
  if (c) {
    rule.comment = c[1]!;
    line = line.slice(0, c.index);
  }
  rule.enable = line.startsWith("|") ? 0 : 1;
  if (line.startsWith("|")) line = line.slice(1);
  const head = /^(\S+)\s+(\S+)\s*/.exec(line);
  if (!head) return undefined;
  rule.type = head[1]!.toLowerCase();
  rule.action = head[2]!;
  const macro = /^(\S+)\((ACCEPT|DROP|REJECT)\)$/.exec(String(rule.action));
  if (macro) [rule.macro, rule.action] = [macro[1]!, macro[2]!];
  let rest = line.slice(head[0].length);
  const flags: Array<[RegExp, string]> = [[/^-i (\S+)\s*/, "iface"], [/^(?:-p|--?proto) (\S+)\s*/, "proto"], [/^--?dport (\S+)\s*/, "dport"], [/^--?sport (\S+)\s*/, "sport"], [/^--?source (\S+)\s*/, "source"], [/^--?dest (\S+)\s*/, "dest"], [/^--?log (emerg|alert|crit|err|warning|notice|info|debug|nolog)\s*/, "log"], [/^--?icmp-type (\S+)\s*/, "icmp-type"]];
  while (rest.length) {
    const hit = flags.find(([re]) => re.test(rest));
    if (!hit) return undefined;
    const m = hit[0].exec(rest)!;
    rule[hit[1]] = m[1]!;
    rest = rest.slice(m[0].length);
  }
  const version = ipVersionOf(rule);
  if (version) rule.ipversion = version;
  return rule;
}

/** verify_rule's ipversion: from the protocol (icmp 4, icmpv6 6) or a literal address. */
export function ipVersionOf(rule: FwRule): number | undefined {
  if (rule.proto === "icmp") return 4;
  if (rule.proto === "icmpv6" || rule.proto === "ipv6-icmp") return 6;
  for (const k of ["source", "dest"]) {
    const first = String(rule[k] ?? "").split(/[,/-]/)[0]!;
    const v = isIP(first);
    if (v) return v;
  }
  return undefined;
}

/** Parses a firewall file; a missing file is an empty one. Unparsable lines are skipped (PVE warns to syslog). */
export function loadFirewall(file: string): FwFile {
  const fw: FwFile = { options: {}, aliases: [], ipsets: {}, rules: [] };
  if (!fs.existsSync(file)) return fw;
  let section: string | undefined;
  let ipset: string | undefined;
  for (const raw of fs.readFileSync(file, "utf8").split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const set = /^\[ipset\s+(\S+)\]\s*(?:#\s*(.*?)\s*)?$/i.exec(line);
    if (set) {
      [section, ipset] = ["ipset", set[1]!.toLowerCase()];
      fw.ipsets[ipset] = { comment: set[2], lines: [] };
      continue;
    }
    const head = /^\[(options|aliases|rules)\]$/i.exec(line);
    if (head) {
      section = head[1]!.toLowerCase();
      continue;
    }
    if (section === "options") {
      let m: RegExpExecArray | null;
      if ((m = VM_BOOL.exec(line) ?? /^(ebtables):\s*(0|1)\s*$/i.exec(line) ?? /^(enable):\s*(\d+)\s*$/i.exec(line))) fw.options[m[1]!.toLowerCase()] = Number(m[2]);
      else if ((m = POLICY.exec(line))) fw.options[m[1]!.toLowerCase()] = m[2]!.toUpperCase();
      else if ((m = VM_LOG.exec(line))) fw.options[m[1]!.toLowerCase()] = (m[3] ?? "").toLowerCase();
    } else if (section === "aliases") {
      const m = /^(\S+)\s+(\S+)\s*(?:#\s*(.*?)\s*)?$/.exec(line);
      if (m) fw.aliases.push({ name: m[1]!, cidr: m[2]!, comment: m[3] });
    } else if (section === "ipset" && ipset) {
      fw.ipsets[ipset]!.lines.push(line);
    } else if (section === "rules") {
      const rule = parseRule(line);
      if (rule) fw.rules.push(rule);
    }
  }
  return fw;
}

function formatRule(r: FwRule): string {
  let s = `${r.enable === 0 ? "|" : ""}${String(r.type).toUpperCase()} ${r.macro ? `${r.macro}(${r.action})` : r.action}`;
  if (r.iface) s += ` -i ${r.iface}`;
  if (r.type !== "group") {
    for (const [k, flag] of [["source", "-source"], ["dest", "-dest"], ["proto", "-p"], ["dport", "-dport"], ["sport", "-sport"], ["log", "-log"], ["icmp-type", "-icmp-type"]]) {
      if (r[k!] !== undefined && r[k!] !== "") s += ` ${flag} ${r[k!]}`;
    }
  }
  if (r.comment !== undefined && String(r.comment).trim() !== "") s += ` # ${r.comment}`;
  return `${s}\n`;
}

/** save_vmfw_conf: options (PVE writes them in Perl hash order; sorted here), aliases, IP sets, rules. */
export function saveFirewall(file: string, fw: FwFile): void {
  let raw = "";
  const opts = Object.keys(fw.options).sort();
  if (opts.length) raw += `[OPTIONS]\n\n${opts.map((k) => `${k}: ${fw.options[k]}\n`).join("")}\n`;
  if (fw.aliases.length) raw += `[ALIASES]\n\n${[...fw.aliases].sort((a, b) => a.name.localeCompare(b.name)).map((a) => `${a.name} ${a.cidr}${a.comment ? ` # ${a.comment}` : ""}\n`).join("")}\n`;
  for (const name of Object.keys(fw.ipsets).sort()) {
    const s = fw.ipsets[name]!;
    raw += `[IPSET ${name}]${s.comment ? ` # ${s.comment}` : ""}\n\n${[...s.lines].sort().map((l) => `${l}\n`).join("")}\n`;
  }
  if (fw.rules.length) raw += `[RULES]\n\n${fw.rules.map(formatRule).join("")}\n`;
  if (raw) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, raw);
  } else {
    fs.rmSync(file, { force: true });
  }
}

/** copy_list_with_digest / copy_opject_with_digest: SHA-1 over each entry's sorted `key:value\n`. */
export function digestOf(entries: Array<Record<string, string | number>>): string {
  const sha = crypto.createHash("sha1");
  for (const e of entries) for (const k of Object.keys(e).sort()) sha.update(`${k}:${e[k]}\n`, "utf8");
  return sha.digest("hex");
}
