// The PVE guard rails planRetention adds on top of the PBS algorithm (docs/pve-behaviour.md §R).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { planRetention, RetentionSnapshot } from "../../core/retention/plan";
import { PhoenixError } from "../../core/errors";

const T0 = Date.parse("2024-05-01T00:00:00Z") / 1000;
const UTC = { timeZone: "UTC" };

/** An owned, unpinned snapshot taken `hours` after T0. */
const snap = (name: string, hours: number, extra: Partial<RetentionSnapshot> = {}): RetentionSnapshot => ({
  name,
  snaptime: T0 + hours * 3600,
  owned: true,
  pinned: false,
  ...extra,
});

const verdictOf = (plan: ReturnType<typeof planRetention>, name: string) => plan.verdicts.find((v) => v.name === name);

describe("planRetention guard rails", () => {
  it("never removes a snapshot it does not own", () => {
    const plan = planRetention([snap("a", 1), snap("manual", 2, { owned: false }), snap("b", 3)], { keep_last: 1 }, UTC);
    assert.deepEqual(verdictOf(plan, "manual"), { name: "manual", verdict: "protected", reason: "not-owned" });
  });

  for (const [label, extra, reason] of [
    ["pinned", { pinned: true }, "pinned"],
    ["in snapstate prepare", { snapstate: "prepare" }, "incomplete"],
    ["in snapstate delete", { snapstate: "delete" }, "incomplete"],
    ["a clone source", { cloneSource: true }, "clone-source"],
    ["of unknown time (snaptime 0)", { snaptime: 0 }, "unknown-time"],
    ["of unknown time (no snaptime)", { snaptime: undefined }, "unknown-time"],
  ] as const) {
    it(`protects an old owned snapshot that is ${label}`, () => {
      const plan = planRetention([snap("old", 1, extra), snap("b", 2), snap("c", 3)], { keep_last: 1 }, UTC);
      assert.deepEqual(verdictOf(plan, "old"), { name: "old", verdict: "protected", reason });
    });
  }

  it("keeps the newest owned snapshot even when a newer manual snapshot exists", () => {
    const plan = planRetention([snap("a", 1), snap("b", 2), snap("manual", 3, { owned: false })], { keep_last: 1 }, UTC);
    assert.deepEqual(verdictOf(plan, "b"), { name: "b", verdict: "keep", reason: "keep-last" });
    assert.deepEqual(plan.remove, ["a"]);
  });

  it("counts the newest owned snapshot toward keep_last, so keep_last N keeps exactly N", () => {
    const plan = planRetention([1, 2, 3, 4, 5].map((h) => snap(`s${h}`, h)), { keep_last: 2 }, UTC);
    assert.deepEqual(plan.verdicts.map((v) => `${v.name}:${v.reason}`), ["s5:keep-last", "s4:keep-last", "s3:pruned", "s2:pruned", "s1:pruned"]);
  });

  it("reports a protection other than newest when the newest owned snapshot is pinned", () => {
    const plan = planRetention([snap("a", 1), snap("b", 2, { pinned: true })], { keep_last: 1 }, UTC);
    assert.deepEqual(plan.verdicts.map((v) => v.reason), ["pinned", "keep-last"]);
  });

  it("names not-owned first when a snapshot has several protections", () => {
    const plan = planRetention([snap("x", 1, { owned: false, pinned: true, snapstate: "prepare" }), snap("b", 2)], { keep_last: 1 }, UTC);
    assert.equal(verdictOf(plan, "x")?.reason, "not-owned");
  });

  it("keeps every candidate with reason keep-all when no rule is set", () => {
    const plan = planRetention([snap("a", 1), snap("b", 2), snap("c", 3)], {}, UTC);
    assert.deepEqual(plan.verdicts.map((v) => `${v.verdict}:${v.reason}`), ["keep:keep-all", "keep:keep-all", "keep:keep-all"]);
    assert.deepEqual(plan.remove, []);
  });
});

describe("planRetention order and output", () => {
  it("lists verdicts newest first and unknown times last", () => {
    const plan = planRetention([snap("u", 0, { snaptime: 0 }), snap("a", 1), snap("c", 3), snap("b", 2)], {}, UTC);
    assert.deepEqual(plan.verdicts.map((v) => v.name), ["c", "b", "a", "u"]);
  });

  it("deletes oldest first", () => {
    const plan = planRetention([4, 1, 3, 2, 5].map((h) => snap(`s${h}`, h)), { keep_last: 1 }, UTC);
    assert.deepEqual(plan.remove, ["s1", "s2", "s3", "s4"]);
  });

  it("breaks equal times by name, the later name counting as newer", () => {
    const plan = planRetention([snap("phx-20240501T010000Z", 1), snap("phx-20240501T010000Z-02", 1)], {}, UTC);
    assert.deepEqual(plan.verdicts.map((v) => `${v.name}:${v.reason}`), ["phx-20240501T010000Z-02:keep-all", "phx-20240501T010000Z:keep-all"]);
  });

  it("counts two snapshots of the same second as two for keep_last", () => {
    // PBS buckets keep-last by timestamp, which would keep only one of a, b, c.
    const plan = planRetention([snap("a", 1), snap("b", 1), snap("c", 1), snap("d", 2)], { keep_last: 2 }, UTC);
    assert.deepEqual(plan.remove, ["a", "b"]);
  });
});

describe("planRetention rejects bad input", () => {
  const rejects = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(fn, (e: unknown) => e instanceof PhoenixError && e.code === "config" && pattern.test(e.message));

  it("rejects a policy count below 1, naming the field", () => {
    rejects(() => planRetention([snap("a", 1)], { keep_daily: 0 }, UTC), /keep_daily/);
  });

  it("rejects a fractional policy count, naming the field", () => {
    rejects(() => planRetention([snap("a", 1)], { keep_weekly: 1.5 }, UTC), /keep_weekly/);
  });

  it("rejects an unknown time zone even when no rule needs one", () => {
    rejects(() => planRetention([snap("a", 1)], {}, { timeZone: "Mars/Olympus_Mons" }), /Mars\/Olympus_Mons/);
  });

  it("rejects a snapshot listed twice", () => {
    rejects(() => planRetention([snap("a", 1), snap("a", 2)], {}, UTC), /'a' is listed twice/);
  });
});
