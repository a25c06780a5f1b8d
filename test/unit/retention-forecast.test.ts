/**
 * What preview promises retention will delete, from state alone, and how an up splits the live plan against that
 * promise: the pure forecast behind the retention step (the step itself runs against a node in
 * test/integration/retention-provider.test.ts).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decideRetentionDiff, planRetentionRun, predictDeletions, RetentionRecord, RetentionSettings, StoredSnapshot } from "../../core/retention/forecast";
import { buildSnapshotDescription } from "../../core/retention/snapshot-name";
import { UNKNOWN } from "../../core/unknown";

const day = (i: number) => new Date(Date.UTC(2026, 0, i));
const owned = (i: number) => `phx-202601${String(i).padStart(2, "0")}T000000Z`;
const snap = (i: number): StoredSnapshot => ({ name: owned(i), snaptime: day(i).getTime() / 1000, description: buildSnapshotDescription() });
const manual: StoredSnapshot = { name: "by-hand", snaptime: day(2).getTime() / 1000, description: "taken by hand" };
const settings = (over: Partial<RetentionSettings> = {}): RetentionSettings => ({ prefix: "phx", policy: { keep_last: 2 }, pins: [], cloneSources: [], trigger: owned(3), ...over });
const record = (snapshots: StoredSnapshot[], over: Partial<RetentionRecord> = {}): RetentionRecord => ({ ...settings(), snapshots, timeZone: "UTC", planned: [], ...over });
const now = day(10);

describe("retention forecast (what preview lists)", () => {
  it("predicts nothing for a first up: no snapshot list is known yet", () => {
    assert.deepEqual(predictDeletions(undefined, settings(), now), []);
  });

  it("counts the final snapshot the up is about to take, named from the clock when preview cannot know its name", () => {
    const olds = record([snap(1), manual, snap(2), snap(3)]);
    // Unchanged trigger: the list as it is, keep_last 2 removes the oldest owned one.
    assert.deepEqual(predictDeletions(olds, settings(), now), [owned(1)]);
    // A final snapshot still unknown at preview: one more owned snapshot, so one more goes.
    assert.deepEqual(predictDeletions(olds, settings({ trigger: UNKNOWN }), now), [owned(1), owned(2)]);
    // A known new name counts the same; an empty trigger (final snapshots off) adds nothing.
    assert.deepEqual(predictDeletions(olds, settings({ trigger: owned(4) }), now), [owned(1), owned(2)]);
    assert.deepEqual(predictDeletions(olds, settings({ trigger: "" }), now), [owned(1)]);
  });

  it("runs the step when the trigger, policy, pins or clone sources changed or a refresh planned deletions", () => {
    const olds = record([snap(1), snap(2), snap(3)]);
    assert.deepEqual(decideRetentionDiff(olds, settings(), now), { changes: false, predicted: [] });
    assert.deepEqual(decideRetentionDiff({ ...olds, planned: [owned(1)] }, settings(), now), { changes: true, predicted: [owned(1)] });
    assert.deepEqual(decideRetentionDiff(olds, settings({ pins: [owned(1)] }), now), { changes: true, predicted: [] });
    assert.deepEqual(decideRetentionDiff(olds, settings({ policy: { keep_last: 1 } }), now), { changes: true, predicted: [owned(1), owned(2)] });
  });
});

describe("retention run (what an up deletes of the live list)", () => {
  it("deletes nothing on a first up and defers every candidate to the next preview", () => {
    assert.deepEqual(planRetentionRun([snap(1), snap(2), snap(3)], settings(), undefined, "UTC", now), { toDelete: [], deferred: [owned(1)], dropped: [] });
  });

  it("deletes only what both plans name: a snapshot gone since the preview is dropped, a new candidate deferred", () => {
    // Preview saw 2, 3, 4 and listed 2. Then 2 was deleted by hand and 5 appeared: the live plan names 3.
    const olds = record([snap(2), snap(3)], { trigger: owned(3) });
    const news = settings({ trigger: owned(4) });
    assert.deepEqual(predictDeletions(olds, news, now), [owned(2)]);
    assert.deepEqual(planRetentionRun([snap(3), snap(4), snap(5)], news, olds, "UTC", now), { toDelete: [], deferred: [owned(3)], dropped: [owned(2)] });
    // Nothing changed in between: exactly the listed ones go.
    assert.deepEqual(planRetentionRun([snap(2), snap(3), snap(4)], news, olds, "UTC", now), { toDelete: [owned(2)], deferred: [], dropped: [] });
  });
});
