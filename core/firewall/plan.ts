/**
 * The firewall planner: desired options and managed rules against what the node has → the API operations
 * that converge it, in order, each with the rule list it expects to find (so the executor can stop when
 * someone else edits the rules in between).
 *
 * Policy (documented in the README):
 * - Only rules carrying the ownership mark are added, removed or moved; hand-made rules keep their places and
 *   their relative order, and are reported.
 * - Managed rules appear in config order. A managed rule that is already there in the right relative order
 *   stays (the longest such run is kept); others move next to their neighbour in the config. New rules go next to
 *   a config neighbour already on the node, else where the topmost removed managed rule was, else where PVE puts a
 *   new rule: the top.
 * - A managed rule whose line differs from every desired one (edited by hand) is removed and the desired one
 *   added: the rule's identity is its whole line.
 *
 * PVE semantics the operations rely on: `POST …/rules` inserts at position 0; `PUT …/rules/<pos> --moveto <m>`
 * takes the rule out and inserts it before the rule that was at index m (so moving down by k needs m = pos+k+1),
 * or at the end when m ≥ the list's length; `DELETE …/rules/<pos>` removes one.
 */
import { formatRuleLine, isManagedRule, PveRule } from "./rule";

/** One API operation on the rules list. `before` is the list (as lines) the operation expects to find. */
export type RuleOp =
  | { kind: "create"; rule: PveRule; before: string[] }
  | { kind: "move"; pos: number; moveto: number; rule: PveRule; before: string[] }
  | { kind: "delete"; pos: number; rule: PveRule; before: string[] };

/** The firewall options to write (`enable`, `policy_in`, `policy_out`). */
export interface OptionsPlan {
  /** option → new value; empty when nothing changes. */
  set: Record<string, string>;
  /** Options this stack set before and the config no longer carries. */
  delete: string[];
}

/** What to do, and what it means for the preview. */
export interface FirewallPlan {
  options: OptionsPlan;
  ops: RuleOp[];
  /** Rules (lines) that will be added, removed, moved; hand-made rules kept. */
  added: string[];
  removed: string[];
  moved: string[];
  handMade: string[];
  /** The list (as lines) after the operations. */
  after: string[];
}

/** Desired options: `enable` always, the policies when the config carries them. */
export function planOptions(current: Record<string, string>, desired: Record<string, string>, previouslyManaged: readonly string[]): OptionsPlan {
  const set: Record<string, string> = {};
  for (const [k, v] of Object.entries(desired)) if (normalizeOption(current[k]) !== normalizeOption(v)) set[k] = v;
  const del = previouslyManaged.filter((k) => !(k in desired) && current[k] !== undefined).sort();
  return { set, delete: del };
}

function normalizeOption(v: string | undefined): string | undefined {
  return v === undefined ? undefined : v.toUpperCase();
}

interface Item {
  line: string;
  rule: PveRule;
  /** Index in the desired list for a matched managed rule. */
  want?: number;
}

/** Plans the rule operations that turn `current` into a list whose managed rules are exactly `desired`, in order. */
export function planRules(current: readonly PveRule[], desired: readonly PveRule[]): Omit<FirewallPlan, "options"> {
  const list: Item[] = current.map((rule) => ({ line: formatRuleLine(rule), rule }));
  const wanted = desired.map((rule) => ({ line: formatRuleLine(rule), rule }));
  const ops: RuleOp[] = [];
  const lines = () => list.map((i) => i.line);

  // Match each desired rule to the first unmatched managed rule with the same line.
  wanted.forEach((w, idx) => {
    const hit = list.find((i) => i.want === undefined && isManagedRule(i.rule) && i.line === w.line);
    if (hit) hit.want = idx;
  });
  // Managed rules nobody wants: delete, bottom up (positions above stay valid). The topmost one's place is where
  // replacements go when no managed rule stays, so a rule edited by hand comes back below the hand-made rules above it.
  const removed: string[] = [];
  let anchor = 0;
  for (let pos = list.length - 1; pos >= 0; pos--) {
    const item = list[pos]!;
    if (!isManagedRule(item.rule) || item.want !== undefined) continue;
    ops.push({ kind: "delete", pos, rule: item.rule, before: lines() });
    removed.unshift(item.line);
    list.splice(pos, 1);
    anchor = pos;
  }
  const keep = longestIncreasingRun(list.filter((i) => i.want !== undefined).map((i) => i.want!));
  const added: string[] = [];
  const moved: string[] = [];
  // Place from the last desired rule to the first: each goes right before its successor (already placed).
  for (let idx = wanted.length - 1; idx >= 0; idx--) {
    if (keep.has(idx)) continue;
    const w = wanted[idx]!;
    const from = list.findIndex((i) => i.want === idx);
    const item: Item = from >= 0 ? list[from]! : { line: w.line, rule: w.rule, want: idx };
    const without = list.filter((i) => i !== item);
    let target: number;
    if (idx < wanted.length - 1) target = without.findIndex((i) => i.want === idx + 1);
    else {
      // The last desired rule: right after the last managed rule that stays, else where the topmost removed one
      // was, else at the top.
      let last = -1;
      without.forEach((i, n) => { if (i.want !== undefined && keep.has(i.want)) last = n; });
      target = last >= 0 ? last + 1 : anchor;
    }
    if (from < 0) {
      ops.push({ kind: "create", rule: w.rule, before: lines() });
      added.unshift(w.line);
      list.unshift(item);
      if (target !== 0) {
        ops.push({ kind: "move", pos: 0, moveto: target + 1, rule: w.rule, before: lines() });
        list.splice(0, 1);
        list.splice(target, 0, item);
      }
    } else if (target !== from) {
      ops.push({ kind: "move", pos: from, moveto: target > from ? target + 1 : target, rule: w.rule, before: lines() });
      moved.unshift(w.line);
      list.splice(from, 1);
      list.splice(target, 0, item);
    }
  }
  const handMade = list.filter((i) => !isManagedRule(i.rule)).map((i) => i.line);
  return { ops, added, removed, moved, handMade, after: lines() };
}

/** Indices (values) of one longest strictly increasing subsequence: the managed rules that need not move. */
function longestIncreasingRun(values: number[]): Set<number> {
  const n = values.length;
  const len = new Array<number>(n).fill(1);
  const prev = new Array<number>(n).fill(-1);
  let best = -1;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (values[j]! < values[i]! && len[j]! + 1 > len[i]!) {
        len[i] = len[j]! + 1;
        prev[i] = j;
      }
    }
    if (best < 0 || len[i]! > len[best]!) best = i;
  }
  const keep = new Set<number>();
  for (let i = best; i >= 0; i = prev[i]!) keep.add(values[i]!);
  return keep;
}

/** The full plan. */
export function planFirewall(
  current: { rules: readonly PveRule[]; options: Record<string, string> },
  desired: { rules: readonly PveRule[]; options: Record<string, string> },
  previouslyManagedOptions: readonly string[],
): FirewallPlan {
  return { options: planOptions(current.options, desired.options, previouslyManagedOptions), ...planRules(current.rules, desired.rules) };
}

/** True when the plan changes nothing on the node. */
export function isEmptyPlan(plan: FirewallPlan): boolean {
  return plan.ops.length === 0 && Object.keys(plan.options.set).length === 0 && plan.options.delete.length === 0;
}

/** The preview's lines for one container: option changes, then added, removed and moved rules, then hand-made ones kept. */
export function describePlan(plan: FirewallPlan, currentOptions: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(plan.options.set)) out.push(`firewall option ${k}: ${currentOptions[k] ?? "(unset)"} -> ${v}`);
  for (const k of plan.options.delete) out.push(`firewall option ${k}: ${currentOptions[k]} -> (unset, no longer in the config)`);
  for (const l of plan.added) out.push(`firewall rule add:    ${l}`);
  for (const l of plan.removed) out.push(`firewall rule remove: ${l}`);
  for (const l of plan.moved) out.push(`firewall rule move:   ${l} (to position ${plan.after.indexOf(l)})`);
  if (plan.handMade.length) out.push(`firewall: ${plan.handMade.length} rule(s) not made by this stack are kept: ${plan.handMade.join(" | ")}`);
  return out;
}
