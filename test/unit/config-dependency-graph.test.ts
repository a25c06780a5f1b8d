import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError } from "../../core/errors";
import { buildDependencyGraph, dependencyClosure, dependents, findCycles, planBootOrder, planCreateOrder } from "../../core/config";

// The original dispatcher tests (docs/pve-behaviour.md §O): 9990 depends on 9991, 9992 depends on 9990.
const DEPS = buildDependencyGraph([
  { ctid: 9990, dependencies: [9991] },
  { ctid: 9991, dependencies: [] },
  { ctid: 9992, dependencies: [9990] },
]);
// The shipped data's chain (docs/pve-behaviour.md §O): clone edges first, then dependencies in file order.
const SHIPPED = buildDependencyGraph([
  { ctid: 900, dependencies: [] },
  { ctid: 901, cloneFrom: 900, dependencies: [] },
  { ctid: 902, cloneFrom: 900, dependencies: [] },
  { ctid: 920, cloneFrom: 901, dependencies: [] },
  { ctid: 950, cloneFrom: 920, dependencies: [953] },
  { ctid: 953, cloneFrom: 900, dependencies: [] },
  { ctid: 955, cloneFrom: 901, dependencies: [] },
  { ctid: 956, cloneFrom: 902, dependencies: [953, 955] },
]);

describe("dependency ordering", () => {
  it("orders the dispatcher test targets 9991 9990 9992", () => {
    assert.deepEqual(planCreateOrder(DEPS, [9990, 9991, 9992]), [9991, 9990, 9992]);
  });
  it("orders create 950 as 900 901 920 953 950", () => {
    assert.deepEqual(planCreateOrder(SHIPPED, [950]), [900, 901, 920, 953, 950]);
  });
  it("orders create 956 as 900 902 953 901 955 956", () => {
    assert.deepEqual(planCreateOrder(SHIPPED, [956]), [900, 902, 953, 901, 955, 956]);
  });
  it("sorts boot orders 2/1/3 of 9980/9981/9982 to 9981 9980 9982", () => {
    const g = buildDependencyGraph([
      { ctid: 9980, dependencies: [], bootOrder: 2 },
      { ctid: 9981, dependencies: [], bootOrder: 1 },
      { ctid: 9982, dependencies: [], bootOrder: 3 },
    ]);
    assert.deepEqual(planBootOrder(g, [9980, 9981, 9982]), [9981, 9980, 9982]);
  });
  it("starts containers without a boot order last, ties by ctid", () => {
    const g = buildDependencyGraph([
      { ctid: 300, dependencies: [] },
      { ctid: 200, dependencies: [], bootOrder: 1 },
      { ctid: 100, dependencies: [] },
      { ctid: 400, dependencies: [], bootOrder: 1 },
    ]);
    assert.deepEqual(planBootOrder(g, [300, 200, 100, 400]), [200, 400, 100, 300]);
  });
  it("reports a cycle with the cycle itself", () => {
    const g = buildDependencyGraph([{ ctid: 9990, dependencies: [9991] }, { ctid: 9991, dependencies: [9990] }]);
    assert.deepEqual(findCycles(g), [[9990, 9991]]);
    assert.throws(() => planCreateOrder(g, [9991]), (e: unknown) => e instanceof ConfigError && e.message.includes("9991 → 9990 → 9991"));
  });
  it("gives the closure of a target with everything it needs", () => {
    assert.deepEqual(dependencyClosure(SHIPPED, [920]), [900, 901, 920]);
  });
  it("lists everything that needs a container, transitively or directly", () => {
    assert.deepEqual(dependents(SHIPPED, 901), [920, 950, 955, 956]);
    assert.deepEqual(dependents(SHIPPED, 901, { direct: true }), [920, 955]);
  });
  it("always places prerequisites before what needs them (acyclic graphs)", () => {
    // Random DAGs: edges only from higher to lower ids, so there is no cycle.
    const arbDag = fc.uniqueArray(fc.integer({ min: 100, max: 130 }), { minLength: 1, maxLength: 12 }).chain((ids) =>
      fc.tuple(fc.constant(ids), fc.array(fc.tuple(fc.nat(ids.length - 1), fc.nat(ids.length - 1)), { maxLength: 20 })),
    );
    fc.assert(
      fc.property(arbDag, ([ids, pairs]) => {
        const deps = new Map(ids.map((id) => [id, [] as number[]]));
        for (const [a, b] of pairs) if (ids[a] > ids[b]) deps.get(ids[a])?.push(ids[b]);
        const g = buildDependencyGraph(ids.map((ctid) => ({ ctid, dependencies: deps.get(ctid) ?? [] })));
        const order = planCreateOrder(g, ids);
        return ids.every((id) => (deps.get(id) ?? []).every((d) => order.indexOf(d) < order.indexOf(id)));
      }),
    );
  });
});
