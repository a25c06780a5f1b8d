import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { buildFleetTasks, computeCriticalPathBound, PathTask, planColdOps } from "../../bench/critical-path";
import { planFleetMembers } from "../../bench/fleet-config";

const task = (id: number, node: string, durationMs: number, after: number[] = []): PathTask => ({ id, node, durationMs, after });

describe("critical-path bound", () => {
  it("is the longest dependency chain when the nodes have slots to spare", () => {
    const bound = computeCriticalPathBound([task(1, "a", 100), task(2, "a", 50, [1]), task(3, "b", 120), task(4, "a", 10, [2])], 4);
    assert.equal(bound.boundMs, 160);
    assert.deepEqual(bound.criticalPath, [1, 2, 4]);
  });

  it("is a node's total work over its slots when that is longer than any chain", () => {
    const tasks = Array.from({ length: 8 }, (_, i) => task(i + 1, "a", 100));
    assert.equal(computeCriticalPathBound(tasks, 2).boundMs, 400);
  });

  it("refuses a dependency cycle", () => {
    assert.throws(() => computeCriticalPathBound([task(1, "a", 1, [2]), task(2, "a", 1, [1])], 1), /cycle/);
  });

  it("is never below any single task nor any node's work over its slots", () => fc.assert(fc.property(
    fc.array(fc.tuple(fc.constantFrom("a", "b"), fc.integer({ min: 0, max: 5000 })), { minLength: 1, maxLength: 30 }),
    fc.integer({ min: 1, max: 8 }),
    (specs, limit) => {
      // Each task may depend on the one before it: an arbitrary forest of chains.
      const tasks = specs.map(([node, ms], i) => task(i, node, ms, i > 0 && ms % 2 === 0 ? [i - 1] : []));
      const bound = computeCriticalPathBound(tasks, limit);
      const work = (n: string) => tasks.filter((t) => t.node === n).reduce((s, t) => s + t.durationMs, 0);
      return tasks.every((t) => bound.boundMs >= t.durationMs) && bound.boundMs >= work("a") / limit && bound.boundMs >= work("b") / limit;
    })));
});

describe("cold operations of a fleet member", () => {
  it("clones then sets, and takes the template snapshot before the final one", () => {
    assert.deepEqual(planColdOps({ ctid: 1001, node: "a", cloneOf: 1000, templateSnapshot: true, features: [] }), ["clone", "set", "start", "snapshot", "snapshot"]);
  });

  it("makes every clone wait for its source", () => {
    const members = planFleetMembers({ nodes: ["a", "b"], containers: 20 });
    const tasks = buildFleetTasks(members, { create: 3, clone: 2, start: 1, snapshot: 1, set: 0 });
    for (const m of members.filter((x) => x.cloneOf !== undefined)) assert.deepEqual(tasks.find((t) => t.id === m.ctid)!.after, [m.cloneOf]);
  });
});
