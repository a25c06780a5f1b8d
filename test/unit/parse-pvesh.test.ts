import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ParseError } from "../../core/errors";
import { parsePveshSnapshots } from "../helpers/pve-oracle";

const fixture = (name: string) => readFileSync(join(__dirname, "../../../test/fixtures", name), "utf8");

describe("pvesh snapshot list parsing", () => {
  it("separates the current pseudo-entry from the snapshots", () => {
    const list = parsePveshSnapshots(fixture("pct-synthetic/pvesh-snapshot-list.json"));
    assert.deepEqual(list.snapshots.map((s) => s.name), ["base", "upgraded", "half"]);
    assert.deepEqual(list.head, { parent: "upgraded", running: true, digest: "3f2a9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b" });
  });

  it("treats snaptime 0 as unknown and keeps snapstate", () => {
    const half = parsePveshSnapshots(fixture("pct-synthetic/pvesh-snapshot-list.json")).snapshots[2]!;
    assert.deepEqual(half, { name: "half", parent: "upgraded", description: "cut short", snapstate: "delete" });
  });

  it("keeps a description's trailing newline", () => {
    const base = parsePveshSnapshots(fixture("pct-synthetic/pvesh-snapshot-list.json")).snapshots[0]!;
    assert.deepEqual(base, { name: "base", snaptime: 1714550000, description: "clean install\n" });
  });

  it("reads a CT without snapshots as an empty list with a parentless head", () => {
    const list = parsePveshSnapshots(fixture("pct-synthetic/pvesh-snapshot-list-none.json"));
    assert.deepEqual(list.snapshots, []);
    assert.equal(list.head!.parent, undefined);
    assert.equal(list.head!.running, false);
  });
});

describe("pvesh junk", () => {
  it("names the line of a JSON syntax error", () => {
    assert.throws(
      () => parsePveshSnapshots('[\n{"name":"a"},\n{oops}\n]'),
      (e: unknown) => e instanceof ParseError && e.line === 3,
    );
  });
});
