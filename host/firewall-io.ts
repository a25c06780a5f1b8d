/**
 * A container's firewall on its node through `pvesh` (see core/firewall/argv.ts for why the API and not the
 * file): the reads (rules, options, the datacenter switch — issued together, so the read coalescer sends them
 * in one round trip) and the execution of a plan, one operation at a time, each against the digest of a fresh
 * read, stopping when the list is not the one the plan expected (someone edited it meanwhile).
 */
import { PctError, PhoenixError } from "../core/errors";
import * as argv from "../core/firewall/argv";
import { FirewallPlan } from "../core/firewall/plan";
import { formatRuleLine, parseOptions, parseRuleList, PveRule, RuleList } from "../core/firewall/rule";
import { classifyPctFailure } from "../core/pct-failure";
import type { CommandTransport, NodeTarget } from "./transport";

/** What the node has for one container. */
export interface FirewallState {
  rules: PveRule[];
  /** Digest of the rules list (PVE refuses a move or delete with a stale one). */
  rulesDigest: string;
  options: Record<string, string>;
  optionsDigest: string;
  /** The datacenter firewall switch (`/cluster/firewall/options` `enable`). */
  datacenterEnabled: boolean;
}

async function run(transport: CommandTransport, node: NodeTarget, vmid: number | undefined, args: string[], idempotent: boolean): Promise<string> {
  const result = await transport.exec(node, args, { idempotent });
  const error = classifyPctFailure(args, result, { node: node.name, vmid });
  if (error) throw error;
  return result.stdout;
}

/** Reads the rules list only (between the operations of a plan). */
export async function readRules(transport: CommandTransport, node: NodeTarget, vmid: number): Promise<RuleList> {
  return parseRuleList(await run(transport, node, vmid, argv.buildRulesGetArgv(node.name, vmid), true));
}

/** Reads rules, options and the datacenter switch in one round trip. */
export async function readFirewall(transport: CommandTransport, node: NodeTarget, vmid: number): Promise<FirewallState> {
  const [rules, options, cluster] = await Promise.all([
    readRules(transport, node, vmid),
    run(transport, node, vmid, argv.buildOptionsGetArgv(node.name, vmid), true).then(parseOptions),
    run(transport, node, undefined, argv.buildClusterOptionsGetArgv(), true).then(parseOptions),
  ]);
  return { rules: rules.rules, rulesDigest: rules.digest, options: options.values, optionsDigest: options.digest, datacenterEnabled: Number(cluster.values.enable ?? 0) >= 1 };
}

/**
 * Executes a plan: the options in one `pvesh set`, then each rule operation after checking that the list is
 * still the one the plan expected. `mutate` wraps each write (the sequencer: one mutation per container).
 */
export async function applyFirewallPlan(
  transport: CommandTransport,
  node: NodeTarget,
  vmid: number,
  plan: FirewallPlan,
  start: FirewallState,
  mutate: (what: string, fn: () => Promise<unknown>) => Promise<unknown>,
  whereIs: (rule: PveRule) => string = () => "a rule of this stack",
): Promise<void> {
  if (Object.keys(plan.options.set).length || plan.options.delete.length) {
    const args = argv.buildOptionsSetArgv(node.name, vmid, plan.options.set, plan.options.delete, start.optionsDigest);
    await mutate(`set firewall options of CT ${vmid}`, () => run(transport, node, vmid, args, false));
  }
  let list: RuleList = { rules: start.rules, digest: start.rulesDigest };
  for (const [n, op] of plan.ops.entries()) {
    if (n > 0) list = await readRules(transport, node, vmid);
    const lines = list.rules.map(formatRuleLine);
    if (JSON.stringify(lines) !== JSON.stringify(op.before)) {
      throw new PhoenixError("step-failed", `the firewall rules of CT ${vmid} on node '${node.name}' changed while this up was applying them (expected ${op.before.length} rules as planned, found ${lines.length})`, {
        hint: `run the up again; it re-reads the rules (pvesh get /nodes/${node.name}/lxc/${vmid}/firewall/rules)`,
      });
    }
    const args =
      op.kind === "create" ? argv.buildRuleCreateArgv(node.name, vmid, op.rule)
      : op.kind === "move" ? argv.buildRuleMoveArgv(node.name, vmid, op.pos, op.moveto, list.digest)
      : argv.buildRuleDeleteArgv(node.name, vmid, op.pos, list.digest);
    try {
      await mutate(`${op.kind} firewall rule of CT ${vmid}`, () => run(transport, node, vmid, args, false));
    } catch (e) {
      // PVE refused the rule itself (e.g. an IP set or alias it references does not exist): say which rule.
      if (e instanceof PctError && e.code === "pct-parameter") {
        const hint = `fix that rule in the config; IP sets and aliases it names must exist (Datacenter or CT ${vmid} → Firewall)`;
        const detail = e.message.replace(/next step: .*$/m, `next step: ${hint}`);
        throw new PhoenixError("pct-parameter", `PVE refused the firewall rule '${formatRuleLine(op.rule)}' (${whereIs(op.rule)}):\n${detail}`, { hint, cause: e });
      }
      throw e;
    }
  }
}
