import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as feature from "../../providers/impl/feature";

const inputs: feature.FeatureInputs = {
  vmid: 100, node: "pve1", connection: { host: "127.0.0.1", port: 22, user: "root" }, feature: "docker",
  scripts: { guard: "true", install: "true", verify: "true" }, env: {}, contentHash: "h", trigger: 1, siblings: ["docker", "nvidia"],
};
const outputs: feature.FeatureOutputs = { ...inputs, installed: true, guardOutput: "", lastAction: "guard-passed", generation: 0 };

describe("feature diff", () => {
  it("changes nothing for the same inputs", async () => {
    assert.equal((await feature.diff("100/docker", outputs, inputs)).changes, false);
  });

  it("changes when the container's feature list changed, so the refresh guard batch waits for the right group", async () => {
    assert.equal((await feature.diff("100/docker", outputs, { ...inputs, siblings: ["docker"] })).changes, true);
  });

  it("says in the preview which variable makes a feature run again", async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => void lines.push(line);
    try {
      const before = { ...outputs, env: { PHX_DOCKER_NVIDIA_RUNTIME: "0" } };
      const result = await feature.diff("100/docker", before, { ...inputs, env: { PHX_DOCKER_NVIDIA_RUNTIME: "1" }, contentHash: "h2" });
      assert.equal(result.changes, true);
    } finally {
      console.log = log;
    }
    assert.deepEqual(lines, ["[phoenix] CT 100 on pve1: feature docker runs again: PHX_DOCKER_NVIDIA_RUNTIME 0 → 1"]);
  });

  it("does not change state recorded before siblings existed", async () => {
    const { siblings: _none, ...old } = outputs;
    assert.equal((await feature.diff("100/docker", old, inputs)).changes, false);
  });
});
