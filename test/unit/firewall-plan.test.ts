// The firewall planner against PVE's own list semantics (pve-firewall API2/Firewall/Rules.pm: create unshifts,
// moveto inserts before the rule that was at that index, delete splices), on fixed cases and random lists.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { planFirewall, planRules, RuleOp, describePlan } from "../../core/firewall/plan";
import { formatRuleLine, isManagedRule, MANAGED_RULE_MARK, PveRule, toPveRule } from "../../core/firewall/rule";

const ours = (port: number, comment?: string): PveRule => toPveRule({ type: "in", action: "ACCEPT", proto: "tcp", port: String(port), comment });
const hand = (port: number): PveRule => ({ type: "in", action: "DROP", enable: 1, proto: "tcp", dport: String(port) });

/** Applies one operation as PVE does. */
function applyAsPve(list: PveRule[], op: RuleOp): PveRule[] {
  if (op.kind === "create") return [op.rule, ...list];
  if (op.kind === "delete") return list.filter((_, i) => i !== op.pos);
  const rule = list[op.pos]!;
  const out: PveRule[] = [];
  for (let i = 0; i < list.length; i++) {
    if (i === op.pos) continue;
    if (i === op.moveto) out.push(rule);
    out.push(list[i]!);
  }
  if (op.moveto >= list.length) out.push(rule);
  return out;
}

function run(current: PveRule[], desired: PveRule[]) {
  const plan = planRules(current, desired);
  let list = current;
  for (const op of plan.ops) {
    assert.deepEqual(op.before, list.map(formatRuleLine), "each op names the list it expects");
    list = applyAsPve(list, op);
  }
  return { plan, list };
}

describe("planRules", () => {
  it("creates new rules in reverse so that they land in config order at the top, without moves", () => {
    const { plan, list } = run([hand(22)], [ours(80), ours(443)]);
    assert.deepEqual(plan.ops.map((o) => o.kind), ["create", "create"]);
    assert.deepEqual(list.map(formatRuleLine), [ours(80), ours(443), hand(22)].map(formatRuleLine));
  });

  it("changes nothing when converged, whatever hand-made rules sit between ours", () => {
    const { plan } = run([hand(1), ours(80), hand(2), ours(443)], [ours(80), ours(443)]);
    assert.deepEqual(plan.ops, []);
    assert.deepEqual(plan.handMade, [hand(1), hand(2)].map(formatRuleLine));
  });

  it("reorders with one move and never moves a hand-made rule", () => {
    const { plan, list } = run([ours(443), hand(22), ours(80)], [ours(80), ours(443)]);
    assert.equal(plan.ops.length, 1);
    assert.deepEqual(plan.moved.length, 1);
    assert.deepEqual(list.filter(isManagedRule).map(formatRuleLine), [ours(80), ours(443)].map(formatRuleLine));
  });

  it("replaces a managed rule edited by hand and removes managed rules no longer wanted", () => {
    const edited = { ...ours(80), dport: "81" };
    const { plan, list } = run([edited, ours(8080), hand(22)], [ours(80)]);
    assert.deepEqual(plan.removed, [edited, ours(8080)].map(formatRuleLine));
    assert.deepEqual(plan.added, [formatRuleLine(ours(80))]);
    assert.deepEqual(list.map(formatRuleLine), [ours(80), hand(22)].map(formatRuleLine));
  });

  it("puts the replacement of a rule edited by hand where it was, below the hand-made rules above it", () => {
    const edited = { ...ours(80), dport: "81" };
    const { list } = run([hand(22), edited, hand(23)], [ours(80), ours(443)]);
    assert.deepEqual(list.map(formatRuleLine), [hand(22), ours(80), ours(443), hand(23)].map(formatRuleLine));
  });

  it("converges any list: managed rules exactly as desired, hand-made ones kept in their order", () => {
    const rule = fc.record({ port: fc.integer({ min: 1, max: 6 }), managed: fc.boolean() });
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 6 }), (cur, want) => {
        const current = cur.map((r) => (r.managed ? ours(r.port) : hand(r.port)));
        const desired = want.map((p) => ours(p));
        const { list } = run(current, desired);
        assert.deepEqual(list.filter(isManagedRule).map(formatRuleLine), desired.map(formatRuleLine));
        assert.deepEqual(list.filter((r) => !isManagedRule(r)).map(formatRuleLine), current.filter((r) => !isManagedRule(r)).map(formatRuleLine));
        assert.deepEqual(planRules(list, desired).ops, [], "a second plan is empty");
      }),
      { numRuns: 300 },
    );
  });
});

describe("planFirewall options and preview text", () => {
  it("sets what differs, unsets what this stack set and the config dropped, leaves hand-set options alone", () => {
    const plan = planFirewall({ rules: [], options: { enable: "0", policy_in: "DROP", log_level_in: "info" } }, { rules: [], options: { enable: "1" } }, ["enable", "policy_in"]);
    assert.deepEqual(plan.options, { set: { enable: "1" }, delete: ["policy_in"] });
    assert.deepEqual(describePlan(plan, { enable: "0", policy_in: "DROP" }), ["firewall option enable: 0 -> 1", "firewall option policy_in: DROP -> (unset, no longer in the config)"]);
  });

  it("marks rules as ours with the user's comment after the mark", () => {
    assert.equal(formatRuleLine(ours(443, " from the proxy ")), `IN ACCEPT -p tcp -dport 443 # ${MANAGED_RULE_MARK} from the proxy`);
    assert.equal(isManagedRule({ ...hand(1), comment: "phoenix-lxc:managedX" }), false);
  });
});
