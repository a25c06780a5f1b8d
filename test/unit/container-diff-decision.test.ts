/**
 * The decision behind a container's diff, as a pure function of the state and the program: drift found on the
 * node, a start as the only change, a change left waiting for a restart, a replacement, a shrink PVE cannot make.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decideContainerDiff, StoredContainer } from "../../core/container/diff-decision";
import type { ObservedContainer } from "../../core/container/apply-plan";
import { baseInputs } from "./container-changes.test";
import { convergedObserved } from "./container-apply-plan.test";

const stored = (inputs: ReturnType<typeof baseInputs>, observed: ObservedContainer = convergedObserved(inputs)): StoredContainer => ({ ...inputs, observed });

describe("container diff decision", () => {
  it("a converged container with an unchanged config is no change and says nothing", () => {
    const d = decideContainerDiff(stored(baseInputs()), baseInputs());
    assert.equal(d.changes, false);
    assert.equal(d.drifted, false);
    assert.deepEqual(d.lines, []);
  });

  it("a key changed by hand on the node is drift under an unchanged config, and preview names it", () => {
    const inputs = baseInputs();
    const observed = convergedObserved(inputs);
    const d = decideContainerDiff(stored(inputs, { ...observed, options: { ...observed.options, memory: "2048" } }), inputs);
    assert.equal(d.changes, true);
    assert.equal(d.drifted, true);
    assert.deepEqual(d.changeSet.changed, []);
    assert.equal(d.lines.length, 1);
    assert.match(d.lines[0]!, /^CT 950 on pve1: drift — memory: 2048 → 1024$/);
  });

  it("a config change is described by its fields, not as drift", () => {
    const d = decideContainerDiff(stored(baseInputs()), baseInputs({ memoryMiB: 2048 }));
    assert.equal(d.changes, true);
    assert.equal(d.drifted, false);
    assert.deepEqual(d.lines, ["CT 950: memory_mb 1024 → 2048 (live)"]);
    assert.equal(d.onlyStart, false);
  });

  it("a managed container found stopped is only a start: the steps after it keep their key", () => {
    const refreshed = baseInputs({ running: false });
    const d = decideContainerDiff(stored(refreshed), baseInputs());
    assert.equal(d.changes, true);
    assert.equal(d.onlyStart, true);
    assert.deepEqual(d.lines, ['CT 950 on pve1: running: false → true (found stopped; "started" is true)']);
    // A start together with another change is no longer only a start.
    assert.equal(decideContainerDiff(stored(refreshed), baseInputs({ memoryMiB: 2048 })).onlyStart, false);
  });

  it("with started: false a container found stopped is no change", () => {
    const d = decideContainerDiff(stored(baseInputs({ running: false, started: false })), baseInputs({ started: false }));
    assert.equal(d.changes, false);
    assert.equal(d.onlyStart, false);
  });

  it("a changed replace field replaces the container", () => {
    const d = decideContainerDiff(stored(baseInputs()), baseInputs({ storage: "local-zfs" }));
    assert.deepEqual(d.replaces, ["storage"]);
    assert.deepEqual(d.refused, []);
  });

  it("a shrink is refused with the size and the fix; a disk grown by hand under an unchanged config is a note", () => {
    assert.match(decideContainerDiff(stored(baseInputs({ rootfsGiB: 2 })), baseInputs({ rootfsGiB: 1 })).refused.join(), /rootfs is 2 GiB and PVE cannot shrink it to 1 GiB/);
    const grown = decideContainerDiff(stored(baseInputs({ rootfsGiB: 2 }), convergedObserved(baseInputs({ rootfsGiB: 4 }))), baseInputs({ rootfsGiB: 2 }));
    assert.deepEqual(grown.refused, []);
    assert.equal(grown.changes, false);
    assert.equal(grown.lines.length, 1);
    assert.match(grown.lines[0]!, /^note: .*rootfs is 4 GiB.*; until then the disk stays as it is$/);
  });
});

describe("restart_policy never", () => {
  it("a change waiting for a restart is not a change, and stays one with restart_policy restart", () => {
    const inputs = baseInputs({ nameservers: ["9.9.9.9"], restartPolicy: "never" });
    const observed = convergedObserved(baseInputs(), { pending: { nameserver: "9.9.9.9" } });
    const never = decideContainerDiff(stored(inputs, observed), inputs);
    assert.equal(never.changes, false);
    assert.deepEqual(never.waiting, ["nameserver"]);
    assert.deepEqual(never.lines, ["CT 950 on pve1: nameserver pending until the container restarts (restart_policy: never; 'phoenix restart 950' applies it)"]);
    const restart = { ...inputs, restartPolicy: "restart" as const };
    const d = decideContainerDiff(stored(restart, observed), restart);
    assert.equal(d.changes, true);
    assert.deepEqual(d.waiting, []);
    assert.equal(d.drifted, true);
  });

  it("a field restored while its edit is still pending is a live change: the up drops the pending value, restarting nothing", () => {
    const before = baseInputs({ features: ["keyctl=1"], restartPolicy: "never" });
    const restored = baseInputs({ features: [], restartPolicy: "never" });
    const observed = convergedObserved(restored, { pending: { features: "keyctl=1" } });
    const d = decideContainerDiff({ ...before, observed }, restored);
    assert.equal(d.changes, true);
    assert.deepEqual([d.changeSet.restart, d.changeSet.live, d.drift?.revert, d.waiting], [[], ["features"], ["features"], []]);
    assert.match(d.lines.join("\n"), /pct_options keyctl=1 → \(none\) \(live\)/);
  });
});
