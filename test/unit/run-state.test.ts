import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { planConvergeRunning, planDesiredForDiff, planRefreshedRunning } from "../../core/container/run-state";
import { planApply } from "../../core/container/apply-plan";
import { classifyContainerChanges } from "../../core/container/classify-changes";
import { buildContainerInputs } from "../../core/container/from-spec";
import { loadConfigText } from "../../core/config/load-config";
import { baseConfig } from "../fixtures/configs/base-config";

/** Container 960 of the base config, with `started` set as given, as the container resource's inputs. */
function inputsWithStarted(started: boolean) {
  const cfg = baseConfig();
  cfg.lxc_configs["960"].started = started;
  const spec = loadConfigText(JSON.stringify(cfg), { nodes: ["pve1", "pve2"] }).specs.get(960)!;
  return buildContainerInputs(spec, { node: "pve2", connection: { host: "h", port: 22, user: "root" }, owner: "p/s" });
}

describe("run state on the model of the Terraform provider's `started` (default true)", () => {
  const managed = inputsWithStarted(true);
  const unmanaged = inputsWithStarted(false);
  const stoppedObserved = { exists: true, running: false, options: {}, pending: {}, rawLines: [] };

  it("a refresh records a managed container found stopped as running: false, so the diff against the program is a live start", () => {
    const refreshed = { ...managed, running: planRefreshedRunning(managed, false) };
    assert.equal(refreshed.running, false);
    const changes = classifyContainerChanges(refreshed, planDesiredForDiff(refreshed, managed), false);
    assert.deepEqual(changes.changed, ["running"]);
    assert.deepEqual(changes.live, ["running"]);
    assert.equal(planApply(stoppedObserved, { ...managed, running: planConvergeRunning(managed, false, false) }).power, "start");
  });

  it("with started: false a container found stopped shows no change and no up starts it; a new one is still started", () => {
    const refreshed = { ...unmanaged, running: planRefreshedRunning(unmanaged, false) };
    assert.equal(refreshed.running, true, "the stored value stands");
    assert.deepEqual(classifyContainerChanges(refreshed, planDesiredForDiff(refreshed, unmanaged), false).changed, []);
    assert.equal(planApply(stoppedObserved, { ...unmanaged, running: planConvergeRunning(unmanaged, false, false) }).power, undefined);
    assert.equal(planApply(stoppedObserved, { ...unmanaged, running: planConvergeRunning(unmanaged, false, true) }).power, "start");
    assert.equal(planConvergeRunning(unmanaged, true, false), true, "a running one is not stopped either");
  });

  it("state written before `started` existed counts as managed", () => {
    const { started: _omit, ...old } = managed;
    assert.equal(planRefreshedRunning(old, false), false);
  });

  it("the config's started reaches the container inputs", () => {
    assert.equal(managed.started, true);
    assert.equal(unmanaged.started, false);
  });
});
