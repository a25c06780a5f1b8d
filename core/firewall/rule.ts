/**
 * A container firewall rule as PVE stores it (`/etc/pve/firewall/<vmid>.fw`, `[RULES]` section) and returns
 * it (`GET /nodes/<node>/lxc/<vmid>/firewall/rules`), the mapping from the config file's rule to it, and the
 * ownership mark: a rule this stack manages carries a comment starting with {@link MANAGED_RULE_MARK}, as
 * the snapshots this tool takes carry their marker in the description. Rules without it were made by hand and
 * are never changed.
 */
import { ParseError } from "../errors";

/** Comment prefix of the rules this tool manages. */
export const MANAGED_RULE_MARK = "phoenix-lxc:managed";

/** One rule, PVE's field names. `enable` is 0 or 1 (PVE reads a line starting with `|` as disabled). */
export interface PveRule {
  type: string;
  action: string;
  enable: number;
  macro?: string;
  iface?: string;
  source?: string;
  dest?: string;
  proto?: string;
  dport?: string;
  sport?: string;
  log?: string;
  "icmp-type"?: string;
  comment?: string;
}

/** The optional fields in the order PVE writes them on a rule's line. */
const LINE_FIELDS = [["source", "-source"], ["dest", "-dest"], ["proto", "-p"], ["dport", "-dport"], ["sport", "-sport"], ["log", "-log"], ["icmp-type", "-icmp-type"]] as const;

/** The rule as one line of the `.fw` file (pve-firewall `format_rules`): the identity of a rule, and how preview shows it. */
export function formatRuleLine(r: PveRule): string {
  let s = `${r.enable === 0 ? "|" : ""}${r.type.toUpperCase()} ${r.macro ? `${r.macro}(${r.action})` : r.action}`;
  if (r.iface) s += ` -i ${r.iface}`;
  if (r.type !== "group") for (const [k, flag] of LINE_FIELDS) if (r[k]) s += ` ${flag} ${r[k]}`;
  if (r.comment && r.comment.trim() !== "") s += ` # ${r.comment}`;
  return s;
}

/** True for a rule this tool manages. */
export function isManagedRule(r: PveRule): boolean {
  return r.comment !== undefined && (r.comment === MANAGED_RULE_MARK || r.comment.startsWith(`${MANAGED_RULE_MARK} `));
}

/** A rule of the config file (`lxc_configs.<id>.firewall.rules[]`, defaults applied). */
export interface ConfigRule {
  type: string;
  action: string;
  source?: string;
  dest?: string;
  proto?: string;
  port?: string;
  sport?: string;
  icmp_type?: string;
  iface?: string;
  log?: string;
  enabled?: boolean;
  comment?: string;
}

/** The config field of a PVE rule parameter (for messages that point into the config file). */
export function configFieldOf(pveName: string): string {
  return ({ dport: "port", "icmp-type": "icmp_type", enable: "enabled" } as Record<string, string>)[pveName] ?? pveName;
}

/** Maps a config rule to the rule PVE will store: marked as ours, the user's comment after the mark. */
export function toPveRule(c: ConfigRule): PveRule {
  const r: PveRule = { type: c.type, action: c.action, enable: c.enabled === false ? 0 : 1 };
  if (c.iface) r.iface = c.iface;
  if (c.source) r.source = c.source;
  if (c.dest) r.dest = c.dest;
  if (c.proto) r.proto = c.proto;
  if (c.port) r.dport = c.port;
  if (c.sport) r.sport = c.sport;
  if (c.log) r.log = c.log;
  if (c.icmp_type) r["icmp-type"] = c.icmp_type;
  // PVE trims a comment when it reads the file back; trimming here keeps the rule's identity stable.
  const text = c.comment?.trim();
  r.comment = text ? `${MANAGED_RULE_MARK} ${text}` : MANAGED_RULE_MARK;
  return r;
}

/** The rules list of one container as the API returns it, and its digest (PVE's guard against concurrent edits). */
export interface RuleList {
  rules: PveRule[];
  /** SHA-1 over the rules; every entry carries it. Empty for an empty list. */
  digest: string;
}

const STRING_FIELDS = ["type", "action", "macro", "iface", "source", "dest", "proto", "dport", "sport", "log", "icmp-type", "comment"] as const;

/** Parses `pvesh get /nodes/<n>/lxc/<vmid>/firewall/rules --output-format json` (sorted by `pos`). */
export function parseRuleList(json: string): RuleList {
  const command = "pvesh get …/firewall/rules";
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new ParseError(command, undefined, "a JSON array", json);
  }
  if (!Array.isArray(data)) throw new ParseError(command, undefined, "a JSON array", json);
  let digest = "";
  const entries = data.map((e: Record<string, unknown>) => {
    if (typeof e !== "object" || e === null || typeof e.type !== "string" || typeof e.action !== "string") {
      throw new ParseError(command, undefined, "rule objects with type and action", JSON.stringify(e));
    }
    const r: PveRule = { type: e.type, action: e.action, enable: Number(e.enable ?? 1) === 0 ? 0 : 1 };
    for (const k of STRING_FIELDS) if (e[k] !== undefined && e[k] !== null && e[k] !== "") (r as unknown as Record<string, string>)[k] = String(e[k]);
    if (typeof e.digest === "string") digest = e.digest;
    return { pos: Number(e.pos ?? 0), r };
  });
  entries.sort((a, b) => a.pos - b.pos);
  return { rules: entries.map((e) => e.r), digest };
}

/** A firewall options object (`…/firewall/options`): option → value, and its digest. */
export interface OptionValues {
  values: Record<string, string>;
  digest: string;
}

/** Parses `pvesh get …/firewall/options --output-format json` (the container's or `/cluster/…`). */
export function parseOptions(json: string): OptionValues {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new ParseError("pvesh get …/firewall/options", undefined, "a JSON object", json);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new ParseError("pvesh get …/firewall/options", undefined, "a JSON object", json);
  const values: Record<string, string> = {};
  let digest = "";
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    if (k === "digest") digest = String(v);
    else if (v !== null && v !== undefined) values[k] = String(v);
  }
  return { values, digest };
}

/** The config's `firewall` object (defaults applied). */
export interface ConfigFirewall {
  enabled: boolean;
  policy_in?: string;
  policy_out?: string;
  rules: ConfigRule[];
}

/** What the firewall step converges to: `enable` follows `enabled`; the policies only when the config sets them. */
export function desiredFirewall(fw: ConfigFirewall): { enabled: boolean; options: Record<string, string>; rules: PveRule[] } {
  const options: Record<string, string> = { enable: fw.enabled ? "1" : "0" };
  if (fw.policy_in) options.policy_in = fw.policy_in;
  if (fw.policy_out) options.policy_out = fw.policy_out;
  return { enabled: fw.enabled, options, rules: fw.rules.map(toPveRule) };
}
