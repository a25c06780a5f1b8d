import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { containerProvider } from "../../providers/container";

const REPO = path.resolve(__dirname, "..", "..", "..");

describe("container provider serialization", () => {
  it("captures nothing but lazy requires of the implementation by package name", async () => {
    const { text, containsSecrets } = await pulumi.runtime.serializeFunction(() => containerProvider, { allowSecrets: true });
    assert.equal(containsSecrets, false);
    assert.ok(text.includes('"phoenix-lxc/impl/container"'), "the implementation is named by its package path");
    assert.ok(!text.includes(REPO), "an absolute path of this checkout would break refresh from another checkout");
    assert.ok(!/zod|ssh2|BEGIN OPENSSH/.test(text), "the implementation must not be serialized by value");
    // Stored in every resource's inputs and outputs and rewritten with the state after every step: keep it small.
    assert.ok(text.length < 2500, `serialized provider is ${text.length} bytes`);
  });

  it("loads back from its text in a fresh module and exposes every provider method", async () => {
    const { text } = await pulumi.runtime.serializeFunction(() => containerProvider, { allowSecrets: true });
    const requireFromString = require("require-from-string");
    const provider = requireFromString(text).handler();
    for (const m of ["configure", "check", "diff", "create", "read", "update", "delete"]) assert.equal(typeof provider[m], "function", m);
    const checked = await provider.check({}, { vmid: 5 });
    assert.ok(checked.failures.some((f: { property: string }) => f.property === "vmid"));
  });
});
