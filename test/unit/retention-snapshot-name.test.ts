// Names of the snapshots this tool takes, and how it recognizes its own.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  buildSnapshotDescription,
  buildSnapshotName,
  checkSnapshotName,
  isOwnedSnapshot,
  MAX_SNAPSHOT_PREFIX_LENGTH,
  OWNERSHIP_MARKER,
} from "../../core/retention/snapshot-name";
import { PhoenixError } from "../../core/errors";

const arbDate = fc.date({ min: new Date("1000-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true });
const arbPrefix = fc.stringMatching(new RegExp(`^[A-Za-z][A-Za-z0-9_-]{0,${MAX_SNAPSHOT_PREFIX_LENGTH - 1}}$`));

describe("buildSnapshotName", () => {
  it("stamps the UTC time to the second, without ':'", () => {
    assert.equal(buildSnapshotName(undefined, new Date("2026-11-25T21:44:55.789Z")), "phx-20261125T214455Z");
  });

  it("builds names PVE accepts for any valid prefix, date and collision", () => {
    fc.assert(fc.property(arbPrefix, arbDate, fc.integer({ min: 0, max: 98 }), (prefix, date, collisions) => {
      const taken: string[] = [];
      for (let i = 0; i <= collisions; i++) taken.push(buildSnapshotName(prefix, date, taken));
      assert.deepEqual(taken.flatMap(checkSnapshotName), []);
    }), { numRuns: 50 });
  });

  it("sorts as strings in the order of the dates", () => {
    fc.assert(fc.property(arbDate, arbDate, (a, b) => {
      fc.pre(Math.floor(a.getTime() / 1000) !== Math.floor(b.getTime() / 1000));
      const [na, nb] = [buildSnapshotName("phx", a), buildSnapshotName("phx", b)];
      assert.equal(na < nb, a < b);
    }));
  });

  it("appends -02, -03 … when the second's name is taken, and these sort in creation order", () => {
    const date = new Date("2026-11-25T21:44:55Z");
    const taken: string[] = [];
    for (let i = 0; i < 12; i++) taken.push(buildSnapshotName("phx", date, taken));
    assert.deepEqual(taken.slice(0, 3), ["phx-20261125T214455Z", "phx-20261125T214455Z-02", "phx-20261125T214455Z-03"]);
    assert.deepEqual([...taken].sort(), taken);
  });

  it("gives up after 99 snapshots in one second", () => {
    const date = new Date("2026-11-25T21:44:55Z");
    const taken: string[] = [];
    for (let i = 0; i < 99; i++) taken.push(buildSnapshotName("phx", date, taken));
    assert.throws(() => buildSnapshotName("phx", date, taken), PhoenixError);
  });

  for (const prefix of ["1phx", "phx:", "", "p".repeat(MAX_SNAPSHOT_PREFIX_LENGTH + 1)]) {
    it(`refuses the prefix ${JSON.stringify(prefix)}`, () => {
      assert.throws(() => buildSnapshotName(prefix, new Date()), (e: unknown) => e instanceof PhoenixError && e.code === "config");
    });
  }
});

describe("checkSnapshotName", () => {
  for (const [name, problem] of [["a", /letter/], ["phx.1", /letter/], ["current", /reserved/], ["vzdump", /reserved/], [`a${"b".repeat(40)}`, /40/]] as const) {
    it(`refuses ${JSON.stringify(name)} as PVE does`, () => assert.match(checkSnapshotName(name).join("; "), problem));
  }

  it("accepts a two-character name with '-' and '_'", () => assert.deepEqual(checkSnapshotName("a-_"), []));
});

describe("isOwnedSnapshot", () => {
  const name = "phx-20261125T214455Z";

  it("recognizes every name and description this tool builds", () => {
    fc.assert(fc.property(arbPrefix, arbDate, fc.option(fc.string()), (prefix, date, note) => {
      assert.equal(isOwnedSnapshot({ name: buildSnapshotName(prefix, date), description: buildSnapshotDescription(note ?? undefined) }, prefix), true);
    }));
  });

  it("does not own a snapshot whose description lacks the marker", () => {
    assert.equal(isOwnedSnapshot({ name, description: "before upgrade" }), false);
  });

  it("does not own a snapshot with the marker but a hand-made name", () => {
    assert.equal(isOwnedSnapshot({ name: "before-upgrade", description: OWNERSHIP_MARKER }), false);
  });

  it("does not own a snapshot of another prefix", () => {
    assert.equal(isOwnedSnapshot({ name, description: OWNERSHIP_MARKER }, "nightly"), false);
  });

  it("does not take the marker inside a longer line as the marker", () => {
    assert.equal(isOwnedSnapshot({ name, description: `not ${OWNERSHIP_MARKER}` }), false);
  });

  it("accepts the marker with a trailing newline, as PVE may return it", () => {
    assert.equal(isOwnedSnapshot({ name: `${name}-02`, description: `${OWNERSHIP_MARKER}\n` }), true);
  });
});
