import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_ENGINE_PARALLEL, engineParallel } from "../../cli/engine";

describe("engine parallelism of the phoenix CLI", () => {
  it("is 64 unless PULUMI_PARALLEL names a positive integer", () => {
    assert.equal(DEFAULT_ENGINE_PARALLEL, 64);
    assert.equal(engineParallel({}), 64);
    assert.equal(engineParallel({ PULUMI_PARALLEL: "12" }), 12);
    for (const bad of ["0", "-3", "1.5", "many", ""]) assert.equal(engineParallel({ PULUMI_PARALLEL: bad }), 64, bad);
  });
});
