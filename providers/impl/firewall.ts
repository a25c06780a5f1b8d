/**
 * A container's PVE firewall as managed state: its options (`enable`, the policies the config carries) and the
 * rules this stack marks as its own (core/firewall). `diff` is pure: it plans against the rules and options
 * stored at the last up or refresh and prints every addition, removal and move, the hand-made rules it keeps,
 * and a warning when the datacenter firewall is off (rules stored, nothing enforced). `read` (refresh) records
 * what the node has, so rules changed by hand show up in the next preview. `update` re-reads and applies.
 */
import { buildFirewallWarnings, decideFirewallDiff, FirewallSettings, ObservedFirewall, planFirewallFor } from "../../core/firewall/diff-decision";
import { describePlan, isEmptyPlan } from "../../core/firewall/plan";
import { formatRuleLine, PveRule } from "../../core/firewall/rule";
import { applyFirewallPlan, FirewallState, readFirewall } from "../../host/firewall-io";
import { nodeTarget, sequencer, transport } from "./runtime";
import { StepTarget, stepLog } from "./step-common";

/** Inputs of a firewall resource: the container, and its rules and options (core/firewall/diff-decision). */
export interface FirewallInputs extends StepTarget, FirewallSettings {}

/** Outputs. */
export interface FirewallOutputs extends FirewallInputs {
  observed: ObservedFirewall;
  /** Options this stack set (removed again when the config drops them). */
  managedOptions: string[];
}

/** Creation has no `diff`: the preview of a new firewall lists its options and rules here. */
export async function check(olds: Partial<FirewallInputs> | undefined, news: FirewallInputs) {
  if (!olds || olds.rules === undefined) {
    const p = planFirewallFor({ rules: [], options: {}, datacenterEnabled: true }, news, []);
    for (const line of describePlan(p, {})) stepLog(news, line);
  }
  return { inputs: news };
}

/** Pure: the decision is core's (core/firewall/diff-decision); this logs its lines. */
export async function diff(_id: string, olds: FirewallOutputs, news: FirewallInputs) {
  const decision = decideFirewallDiff(olds, news);
  for (const line of decision.lines) stepLog(news, line);
  return { changes: decision.changes };
}

const observe = (s: FirewallState): ObservedFirewall => JSON.parse(JSON.stringify({ rules: s.rules, options: s.options, datacenterEnabled: s.datacenterEnabled }));

async function apply(inputs: FirewallInputs, managedOptions: readonly string[], warn = true): Promise<FirewallOutputs> {
  const node = nodeTarget(inputs.node, inputs.connection);
  const start = await readFirewall(transport(), node, inputs.vmid);
  const p = planFirewallFor(start, inputs, managedOptions);
  let end = start;
  if (!isEmptyPlan(p)) {
    for (const line of describePlan(p, start.options)) stepLog(inputs, line);
    const whereIs = (r: PveRule) => `lxc_configs.${inputs.vmid}.firewall.rules.${inputs.rules.findIndex((d) => formatRuleLine(d) === formatRuleLine(r))}`;
    await applyFirewallPlan(transport(), node, inputs.vmid, p, start, (what, fn) => sequencer().mutate(inputs.node, [inputs.vmid], what, fn), whereIs);
    end = await readFirewall(transport(), node, inputs.vmid);
  }
  if (warn) for (const w of buildFirewallWarnings(inputs, end)) stepLog(inputs, w);
  return { ...inputs, observed: observe(end), managedOptions: Object.keys(inputs.options).sort() };
}

/** Provider create. */
export async function create(inputs: FirewallInputs) {
  return { id: `${inputs.vmid}/firewall`, outs: await apply(inputs, []) };
}
/** Provider update. */
export async function update(_id: string, olds: FirewallOutputs, news: FirewallInputs) {
  return { outs: await apply(news, olds.managedOptions ?? []) };
}

/** Refresh: what the node has now (hand-made changes appear in the next preview's plan). */
export async function read(id: string, props: FirewallOutputs) {
  const state = await readFirewall(transport(), nodeTarget(props.node, props.connection), props.vmid);
  return { id, props: { ...props, observed: observe(state) } };
}

/** Removed from the config: this stack's rules and options go; hand-made rules stay. */
export async function remove(_id: string, props: FirewallOutputs) {
  await apply({ ...props, rules: [], options: {} }, props.managedOptions ?? [], false);
}
export { remove as delete };
