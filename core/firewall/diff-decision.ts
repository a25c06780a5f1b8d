/**
 * The decision behind a firewall resource's `diff`, and the warnings it and the up print: the plan against the
 * rules and options stored at the last up or refresh, whether the container under it changed (then the firewall
 * is read again and converged), and what is stored but not enforced. Pure: the provider logs the lines.
 */
import { UNKNOWN } from "../unknown";
import { ENABLE_DATACENTER_FIREWALL } from "./argv";
import { describePlan, FirewallPlan, isEmptyPlan, planFirewall } from "./plan";
import { formatRuleLine, PveRule } from "./rule";

/** What the node had at the last up or refresh. */
export interface ObservedFirewall {
  rules: PveRule[];
  options: Record<string, string>;
  datacenterEnabled: boolean;
}

/** What a firewall resource is asked for, and where. */
export interface FirewallSettings {
  /** Container ID. */
  vmid: number;
  /** Node name. */
  node: string;
  /** The config's `firewall.enabled`. */
  enabled: boolean;
  /** Desired options: `enable` always, `policy_in`/`policy_out` when the config carries them. */
  options: Record<string, string>;
  /** The managed rules, in order, as PVE will store them (core/firewall/rule `toPveRule`). */
  rules: PveRule[];
  /** The container's step key (instance and generation): a changed or new container has its firewall read again. */
  trigger: number | string;
}

/** The plan that converges `observed` to the settings' rules and options; `managedOptions` are the ones this stack set. */
export function planFirewallFor(observed: ObservedFirewall, settings: FirewallSettings, managedOptions: readonly string[]): FirewallPlan {
  return planFirewall(observed, { rules: settings.rules, options: settings.options }, managedOptions);
}

/** The warnings that say what is stored but not enforced. */
export function buildFirewallWarnings(settings: FirewallSettings, observed: ObservedFirewall): string[] {
  const out: string[] = [];
  if (settings.enabled && !observed.datacenterEnabled) {
    out.push(`WARNING: the datacenter firewall is off: the firewall rules of CT ${settings.vmid} are stored but not enforced; enable it with: ${ENABLE_DATACENTER_FIREWALL}`);
  }
  if (!settings.enabled && settings.rules.length) out.push(`WARNING: firewall.enabled is false: CT ${settings.vmid}'s ${settings.rules.length} rule(s) are stored but not enforced`);
  return out;
}

/** The diff of one firewall, decided. */
export interface FirewallDiffDecision {
  /** True when the up runs the firewall step. */
  changes: boolean;
  /** The plan against the stored observation. */
  plan: FirewallPlan;
  /** True when the container under it changed (moved, replaced, converged): its firewall is read again. */
  moved: boolean;
  /** What preview says, one line each: the plan, the re-read, the warnings. */
  lines: string[];
}

/** Decides the diff of the stored firewall `olds` against the program's `news`. */
export function decideFirewallDiff(olds: FirewallSettings & { observed: ObservedFirewall; managedOptions?: readonly string[] }, news: FirewallSettings): FirewallDiffDecision {
  const plan = planFirewallFor(olds.observed, news, olds.managedOptions ?? []);
  const moved = olds.vmid !== news.vmid || olds.node !== news.node || olds.trigger !== news.trigger || news.trigger === UNKNOWN;
  // Compared as lines and sorted entries: state round trips may reorder object keys.
  const same = (a: FirewallSettings) => JSON.stringify([Object.entries(a.options).sort(), a.rules.map(formatRuleLine)]);
  const changes = !isEmptyPlan(plan) || moved || same(olds) !== same(news);
  const lines = [
    ...describePlan(plan, olds.observed.options),
    ...(moved ? ["firewall: the container changes first; its firewall is read again and converged"] : []),
    ...buildFirewallWarnings(news, olds.observed),
  ];
  return { changes, plan, moved, lines };
}
