import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ParseError } from "../../core/errors";
import { parseSnapshotTree } from "../../core/parse-snapshot-tree";

const fixture = (name: string) => readFileSync(join(__dirname, "../../../test/fixtures", name), "utf8");

describe("pct listsnapshot parsing", () => {
  it("reads the current 1-space tree with names, parents, times and depths", () => {
    assert.deepEqual(parseSnapshotTree(fixture("pct-synthetic/listsnapshot-1space-nested.txt")), [
      { name: "base", time: "2024-05-01 10:00:00", description: "clean install", depth: 0 },
      { name: "upgraded", parent: "base", time: "2024-05-02 09:30:12", description: "", depth: 1 },
      { name: "current", parent: "upgraded", description: "You are here!", depth: 2 },
    ]);
  });

  it("reads the 2-space tree and returns to the right parent after a branch", () => {
    const entries = parseSnapshotTree(fixture("pct-synthetic/listsnapshot-2space-branches.txt"));
    assert.deepEqual(
      entries.map((e) => [e.name, e.parent, e.depth]),
      [
        ["base", undefined, 0],
        ["before-php8", "base", 1],
        ["after-php8", "before-php8", 2],
        ["side-branch-with-a-long-name", "base", 1],
        ["current", "side-branch-with-a-long-name", 2],
      ],
    );
  });

  it("keeps the time of a name that overflows its column", () => {
    const entries = parseSnapshotTree(fixture("pct-synthetic/listsnapshot-2space-branches.txt"));
    assert.equal(entries[3]!.time, "2021-07-01 07:07:07");
    assert.equal(entries[3]!.description, "rolled back and branched");
  });

  it("reads the old 4-space tree without a current line (fixture 16)", () => {
    const entries = parseSnapshotTree(fixture("pct-real/16-listsnapshot-qm310-old-4space-nested-no-current-cv4pve-pr12.txt"));
    assert.deepEqual(entries, [
      { name: "autodaily190623230006", time: "2019-06-23 23:00:13", description: "eve4pve-autosnap", depth: 0 },
      {
        name: "autodaily190624230004",
        parent: "autodaily190623230006",
        time: "2019-06-24 23:00:11",
        description: "eve4pve-autosnap",
        depth: 1,
      },
      {
        name: "autodaily190625230017",
        parent: "autodaily190624230004",
        time: "2019-06-25 23:01:10",
        description: "eve4pve-autosnap",
        depth: 2,
      },
    ]);
  });

  it("keeps a long description whole (fixture 03)", () => {
    const [snap, current] = parseSnapshotTree(fixture("pct-real/03-listsnapshot-qm122-one-snap-long-desc.txt"));
    assert.equal(snap!.name, "baseline-tiles-2026-07-28");
    assert.match(snap!.description, /^Kasm baseline 2026-07-28: 6 vCPU.*three concurrent sessions$/);
    assert.deepEqual(current, { name: "current", parent: "baseline-tiles-2026-07-28", description: "You are here!", depth: 1 });
  });

  it("reads a CT without snapshots as a lone current root (fixture 04)", () => {
    assert.deepEqual(parseSnapshotTree(fixture("pct-real/04-listsnapshot-qm122-current-only.txt")), [
      { name: "current", description: "You are here!", depth: 0 },
    ]);
  });

  it("reads the legacy flat format and derives depth from the parent chain (fixture 17)", () => {
    const entries = parseSnapshotTree(fixture("pct-real/17-listsnapshot-qm1902-legacy-flat-noparent-cv4pve-pr12.txt"));
    assert.deepEqual(entries, [
      { name: "autodaily190627160118", description: "eve4pve-autosnap", depth: 0 },
      { name: "autodaily190627174021", parent: "autodaily190627173751", description: "eve4pve-autosnap", depth: 2 },
      { name: "autodaily190627173751", parent: "autodaily190627160118", description: "eve4pve-autosnap", depth: 1 },
    ]);
  });

  it("returns no entries for empty output", () => {
    assert.deepEqual(parseSnapshotTree(""), []);
  });

  it("rejects junk with the line number", () => {
    const junk = "`-> base                        2024-05-01 10:00:00     ok\nsomething went wrong here\n";
    assert.throws(() => parseSnapshotTree(junk), (e: unknown) => e instanceof ParseError && e.line === 2);
  });

  it("rejects a line indented deeper than one level below its predecessor", () => {
    const skipped = "`-> a1                          2024-05-01 10:00:00     x\n `-> b1   2024-05-01 10:00:00     x\n   `-> c1   2024-05-01 10:00:00     x\n";
    assert.throws(() => parseSnapshotTree(skipped), (e: unknown) => e instanceof ParseError && e.line === 3);
  });
});
