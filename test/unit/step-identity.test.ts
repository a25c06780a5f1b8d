/**
 * What the steps after a container key on (a new container is a new key), what preview refuses because PVE cannot
 * do it (the error the container's diff raises): the pure parts of the container's and the steps' diffs. The rest of
 * the container's diff decision is tested as core in container-diff-decision.test.ts.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { classifyContainerChanges, planRefusals } from "../../core/container/classify-changes";
import { buildInstanceId, buildStepKey, planConvergedIdentity } from "../../core/container/identity";
import { planApply } from "../../core/container/apply-plan";
import * as container from "../../providers/impl/container";
import * as feature from "../../providers/impl/feature";
import * as app from "../../providers/impl/app-script";
import { baseInputs } from "./container-changes.test";
import { convergedObserved } from "./container-apply-plan.test";

const outputsOf = (inputs: ReturnType<typeof baseInputs>, observed = convergedObserved(inputs)): container.ContainerOutputs =>
  ({ ...inputs, observed, status: "running", pendingRestart: [], lastChanges: [], generation: 3, instance: "abc" });

describe("step identity", () => {
  it("gives every new container another key, and keeps state from before instances on the bare generation", () => {
    assert.notEqual(buildStepKey(buildInstanceId(1_700_000_000_000, 0.1), 1), buildStepKey(buildInstanceId(1_700_000_000_001, 0.1), 1));
    assert.notEqual(buildStepKey(buildInstanceId(1_700_000_000_000, 0.1), 1), buildStepKey(buildInstanceId(1_700_000_000_000, 0.2), 1));
    assert.equal(buildStepKey(undefined, 3), "3");
    assert.equal(buildStepKey("abc", 3), "abc:3");
  });

  it("a converge is a new generation, but for a plain start of the same container", () => {
    const prior = { generation: 3, instance: "abc" };
    assert.deepEqual(planConvergedIdentity(prior, { generation: 4, instance: "abc" }, false), { generation: 4, instance: "abc" });
    assert.deepEqual(planConvergedIdentity(prior, { generation: 4, instance: "abc" }, true), { generation: 3, instance: "abc" });
    // A container made anew (re-created after a create that died half-way) is another key, started or not.
    assert.deepEqual(planConvergedIdentity(prior, { generation: 4, instance: "def" }, true), { generation: 4, instance: "def" });
    // A create starts from generation 0: its first converge is generation 1 even when it only starts.
    assert.deepEqual(planConvergedIdentity({ generation: 0, instance: "abc" }, { generation: 1, instance: "abc" }, true), { generation: 1, instance: "abc" });
  });

  it("a feature keyed on a legacy numeric generation sees the same key as unchanged, a new container's as changed", async () => {
    const inputs = { vmid: 950, node: "pve1", connection: { host: "h", port: 22, user: "root" }, feature: "f", scripts: { guard: "g", install: "i", verify: "v" }, env: {}, contentHash: "h" };
    const olds: feature.FeatureOutputs = { ...inputs, trigger: 3, installed: true, guardOutput: "", lastAction: "guard-passed", generation: 1 };
    assert.equal((await feature.diff("", olds, { ...inputs, trigger: "3" })).changes, false);
    assert.equal((await feature.diff("", olds, { ...inputs, trigger: "abc:1" })).changes, true);
  });

  it("the application script runs again for a new or changed container", async () => {
    const inputs = { vmid: 950, node: "pve1", connection: { host: "h", port: 22, user: "root" }, name: "a.sh", script: "true", configJson: "{}", contentHash: "h" };
    assert.equal((await app.diff("", { ...inputs, trigger: "abc:1", generation: 1 }, { ...inputs, trigger: "abc:1" })).changes, false);
    assert.equal((await app.diff("", { ...inputs, trigger: "abc:1", generation: 1 }, { ...inputs, trigger: "def:1" })).changes, true);
    // State from before the trigger: only the content decides, so an upgrade re-runs nothing.
    assert.equal((await app.diff("", { ...inputs, generation: 1 }, { ...inputs, trigger: "4" })).changes, false);
  });
});

describe("changes PVE cannot make", () => {
  it("refuses a root disk shrink with the size and the fix, against the state and against the live size", async () => {
    const olds = outputsOf(baseInputs({ rootfsGiB: 2, vmid: 912 }));
    await assert.rejects(container.diff("912", olds, baseInputs({ rootfsGiB: 1, vmid: 912 })), (e: Error) => {
      assert.equal(e.message, "CT 912: rootfs is 2 GiB and PVE cannot shrink it to 1 GiB; set storage_size_gb to 2 or more (a smaller disk needs a new container: phoenix destroy 912, then phoenix up)");
      return true;
    });
    // Grown by hand to 4 GiB: a config asking for less is refused with the live size too.
    const grown = outputsOf(baseInputs({ rootfsGiB: 2 }), convergedObserved(baseInputs({ rootfsGiB: 4 })));
    await assert.rejects(container.diff("950", grown, baseInputs({ rootfsGiB: 1 })), /rootfs is 4 GiB and PVE cannot shrink it to 1 GiB/);
    // An unchanged config is no request to shrink (and a refresh's own diff must not fail): no change, a note.
    assert.equal((await container.diff("950", grown, baseInputs({ rootfsGiB: 2 }))).changes, false);
  });

  it("refuses a volume shrink on the same storage, not one moved to another storage, nor anything in a replacement", () => {
    const vol = (storage: string, sizeGiB: number) => baseInputs({ volumes: [{ mountPoint: "/data", storage, sizeGiB }] });
    const check = (a: ReturnType<typeof baseInputs>, b: ReturnType<typeof baseInputs>) => planRefusals(classifyContainerChanges(a, b, true), planApply(convergedObserved(a), b));
    assert.match(check(vol("local-lvm", 4), vol("local-lvm", 2)).join(), /volume \/data is 4 GiB and PVE cannot shrink it to 2 GiB/);
    assert.deepEqual(check(vol("local-lvm", 4), vol("local-zfs", 2)), []);
    assert.deepEqual(check(baseInputs({ rootfsGiB: 8 }), baseInputs({ rootfsGiB: 4, storage: "local-zfs" })), []);
  });
});
