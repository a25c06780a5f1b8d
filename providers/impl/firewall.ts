/**
 * A container's PVE firewall as managed state: its options (`enable`, the policies the config carries) and the
 * rules this stack marks as its own (core/firewall). `diff` is pure: it plans against the rules and options
 * stored at the last up or refresh and prints every addition, removal and move, the hand-made rules it keeps,
 * and a warning when the datacenter firewall is off (rules stored, nothing enforced). `read` (refresh) records
 * what the node has, so rules changed by hand show up in the next preview. `update` re-reads and applies.
 */
import { ENABLE_DATACENTER_FIREWALL } from "../../core/firewall/argv";
import { describePlan, FirewallPlan, isEmptyPlan, planFirewall } from "../../core/firewall/plan";
import { formatRuleLine, PveRule } from "../../core/firewall/rule";
import { applyFirewallPlan, FirewallState, readFirewall } from "../../host/firewall-io";
import { UNKNOWN } from "../../core/unknown";
import { nodeTarget, sequencer, transport } from "./runtime";
import { StepTarget, stepLog } from "./step-common";

/** Inputs of a firewall resource. */
export interface FirewallInputs extends StepTarget {
  /** The config's `firewall.enabled`. */
  enabled: boolean;
  /** Desired options: `enable` always, `policy_in`/`policy_out` when the config carries them. */
  options: Record<string, string>;
  /** The managed rules, in order, as PVE will store them (core/firewall/rule `toPveRule`). */
  rules: PveRule[];
  /** The container's step key (instance and generation): a changed or new container has its firewall read again. */
  trigger: number | string;
}

/** What the node had at the last up or refresh. */
export interface ObservedFirewall {
  rules: PveRule[];
  options: Record<string, string>;
  datacenterEnabled: boolean;
}

/** Outputs. */
export interface FirewallOutputs extends FirewallInputs {
  observed: ObservedFirewall;
  /** Options this stack set (removed again when the config drops them). */
  managedOptions: string[];
}

function plan(observed: ObservedFirewall, inputs: FirewallInputs, managedOptions: readonly string[]): FirewallPlan {
  return planFirewall(observed, { rules: inputs.rules, options: inputs.options }, managedOptions);
}

/** The warnings that say what is stored but not enforced. */
function warnings(inputs: FirewallInputs, observed: ObservedFirewall): string[] {
  const out: string[] = [];
  if (inputs.enabled && !observed.datacenterEnabled) {
    out.push(`WARNING: the datacenter firewall is off: the firewall rules of CT ${inputs.vmid} are stored but not enforced; enable it with: ${ENABLE_DATACENTER_FIREWALL}`);
  }
  if (!inputs.enabled && inputs.rules.length) out.push(`WARNING: firewall.enabled is false: CT ${inputs.vmid}'s ${inputs.rules.length} rule(s) are stored but not enforced`);
  return out;
}

/** Creation has no `diff`: the preview of a new firewall lists its options and rules here. */
export async function check(olds: Partial<FirewallInputs> | undefined, news: FirewallInputs) {
  if (!olds || olds.rules === undefined) {
    const p = plan({ rules: [], options: {}, datacenterEnabled: true }, news, []);
    for (const line of describePlan(p, {})) stepLog(news, line);
  }
  return { inputs: news };
}

/** Pure: plans against the stored observation and prints the plan. */
export async function diff(_id: string, olds: FirewallOutputs, news: FirewallInputs) {
  const p = plan(olds.observed, news, olds.managedOptions ?? []);
  const moved = olds.vmid !== news.vmid || olds.node !== news.node || olds.trigger !== news.trigger || news.trigger === UNKNOWN;
  // Compared as lines and sorted entries: state round trips may reorder object keys.
  const same = (a: FirewallInputs) => JSON.stringify([Object.entries(a.options).sort(), a.rules.map(formatRuleLine)]);
  const changes = !isEmptyPlan(p) || moved || same(olds) !== same(news);
  for (const line of describePlan(p, olds.observed.options)) stepLog(news, line);
  if (moved) stepLog(news, "firewall: the container changes first; its firewall is read again and converged");
  for (const w of warnings(news, olds.observed)) stepLog(news, w);
  return { changes };
}

const observe = (s: FirewallState): ObservedFirewall => JSON.parse(JSON.stringify({ rules: s.rules, options: s.options, datacenterEnabled: s.datacenterEnabled }));

async function apply(inputs: FirewallInputs, managedOptions: readonly string[], warn = true): Promise<FirewallOutputs> {
  const node = nodeTarget(inputs.node, inputs.connection);
  const start = await readFirewall(transport(), node, inputs.vmid);
  const p = plan(start, inputs, managedOptions);
  let end = start;
  if (!isEmptyPlan(p)) {
    for (const line of describePlan(p, start.options)) stepLog(inputs, line);
    const whereIs = (r: PveRule) => `lxc_configs.${inputs.vmid}.firewall.rules.${inputs.rules.findIndex((d) => formatRuleLine(d) === formatRuleLine(r))}`;
    await applyFirewallPlan(transport(), node, inputs.vmid, p, start, (what, fn) => sequencer().mutate(inputs.node, [inputs.vmid], what, fn), whereIs);
    end = await readFirewall(transport(), node, inputs.vmid);
  }
  if (warn) for (const w of warnings(inputs, end)) stepLog(inputs, w);
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
