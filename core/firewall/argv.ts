/**
 * `pvesh` argv for a container's firewall (pve-firewall API2/Firewall/{VM,Rules,Cluster}.pm).
 *
 * Why pvesh and not the file: PVE guards `/etc/pve/firewall/<vmid>.fw` with a cluster-wide pmxcfs lock
 * (`cfs_lock_firewall("vm-<vmid>")`), which only PVE's own Perl code can take — there is no flock a shell could
 * share — and checks every rule (`verify_rule`) before it writes. The API endpoints take that lock, verify,
 * and refuse a stale `digest`; writing the file directly would race with the GUI and other API clients.
 */
import type { PveRule } from "./rule";
import { internalError } from "../errors";

const NODE = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

function base(node: string, vmid: number): string {
  if (!NODE.test(node)) throw internalError(`invalid node name ${JSON.stringify(node)}`);
  if (!Number.isInteger(vmid) || vmid < 100) throw internalError(`invalid VMID ${vmid}`);
  return `/nodes/${node}/lxc/${vmid}/firewall`;
}

/** `pvesh get /nodes/<n>/lxc/<vmid>/firewall/rules --output-format json`. */
export function buildRulesGetArgv(node: string, vmid: number): string[] {
  return ["pvesh", "get", `${base(node, vmid)}/rules`, "--output-format", "json"];
}

/** `pvesh get /nodes/<n>/lxc/<vmid>/firewall/options --output-format json`. */
export function buildOptionsGetArgv(node: string, vmid: number): string[] {
  return ["pvesh", "get", `${base(node, vmid)}/options`, "--output-format", "json"];
}

/** `pvesh get /cluster/firewall/options --output-format json`: the datacenter switch (`enable`). */
export function buildClusterOptionsGetArgv(): string[] {
  return ["pvesh", "get", "/cluster/firewall/options", "--output-format", "json"];
}

/** The command that turns the datacenter firewall on (printed in the warning when it is off). */
export const ENABLE_DATACENTER_FIREWALL = "pvesh set /cluster/firewall/options --enable 1";

const RULE_PARAMS = ["iface", "source", "dest", "proto", "dport", "sport", "log", "icmp-type", "comment"] as const;

/**
 * `pvesh create …/firewall/rules --type … --action … --enable 0|1 …`: PVE inserts it at position 0.
 * `--enable` is always given: without it PVE stores a new rule disabled.
 */
export function buildRuleCreateArgv(node: string, vmid: number, r: PveRule): string[] {
  const argv = ["pvesh", "create", `${base(node, vmid)}/rules`, "--type", r.type, "--action", r.action, "--enable", String(r.enable)];
  if (r.macro) argv.push("--macro", r.macro);
  for (const k of RULE_PARAMS) if (r[k] !== undefined) argv.push(`--${k}`, r[k]!);
  return argv;
}

/** `pvesh set …/firewall/rules/<pos> --moveto <m> --digest <d>`. */
export function buildRuleMoveArgv(node: string, vmid: number, pos: number, moveto: number, digest: string): string[] {
  return ["pvesh", "set", `${base(node, vmid)}/rules/${pos}`, "--moveto", String(moveto), "--digest", digest];
}

/** `pvesh delete …/firewall/rules/<pos> --digest <d>`. */
export function buildRuleDeleteArgv(node: string, vmid: number, pos: number, digest: string): string[] {
  return ["pvesh", "delete", `${base(node, vmid)}/rules/${pos}`, "--digest", digest];
}

/** `pvesh set …/firewall/options [--<opt> <v>…] [--delete a,b] --digest <d>`. */
export function buildOptionsSetArgv(node: string, vmid: number, set: Record<string, string>, del: readonly string[], digest: string): string[] {
  const argv = ["pvesh", "set", `${base(node, vmid)}/options`];
  for (const [k, v] of Object.entries(set).sort(([a], [b]) => a.localeCompare(b))) argv.push(`--${k}`, v);
  if (del.length) argv.push("--delete", del.join(","));
  if (digest) argv.push("--digest", digest);
  return argv;
}
