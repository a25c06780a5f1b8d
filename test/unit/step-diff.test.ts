/**
 * Whether the steps after a container run again, as pure decisions: the final snapshot and the health checks
 * (the feature's and the application script's are also driven through their providers in feature-diff.test.ts
 * and step-identity.test.ts).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decideFeatureDiff, decideFinalSnapshotDiff, decideHealthCheckDiff } from "../../core/step-diff";

describe("final snapshot step", () => {
  const olds = { trigger: "abc:1.1", takeFinal: true, templateSnapshotName: "final-form", templateSnapshotPresent: true };
  it("runs when the trigger or final_snapshot changed, not for the same inputs", () => {
    assert.equal(decideFinalSnapshotDiff(olds, olds), false);
    assert.equal(decideFinalSnapshotDiff(olds, { ...olds, trigger: "abc:2.1" }), true);
    assert.equal(decideFinalSnapshotDiff(olds, { ...olds, takeFinal: false }), true);
  });
  it("runs when the template snapshot is missing or renamed, not when none is wanted", () => {
    assert.equal(decideFinalSnapshotDiff({ ...olds, templateSnapshotPresent: false }, olds), true);
    assert.equal(decideFinalSnapshotDiff(olds, { ...olds, templateSnapshotName: "base" }), true);
    assert.equal(decideFinalSnapshotDiff({ ...olds, templateSnapshotPresent: false }, { ...olds, templateSnapshotName: undefined }), false);
  });
});

describe("health check step", () => {
  const checks = [{ name: "http", script: "curl -fs localhost", args: [], retries: 3, intervalMs: 1000 }];
  it("runs again when anything upstream changed or the checks changed", () => {
    assert.equal(decideHealthCheckDiff({ trigger: "1", checks }, { trigger: "1", checks }), false);
    assert.equal(decideHealthCheckDiff({ trigger: "1", checks }, { trigger: "2", checks }), true);
    assert.equal(decideHealthCheckDiff({ trigger: "1", checks }, { trigger: "1", checks: [{ ...checks[0], retries: 5 }] }), true);
  });
});

describe("feature step", () => {
  it("installs a feature whose guard failed on refresh, and says what the guard found missing", () => {
    const news = { vmid: 100, feature: "docker", env: {}, contentHash: "h", trigger: "abc:1" };
    const d = decideFeatureDiff({ ...news, installed: false, guardOutput: "docker: not found\n" }, news);
    assert.deepEqual(d, { changes: true, lines: ["feature docker is not installed (docker: not found); the next up installs it"] });
  });
});
