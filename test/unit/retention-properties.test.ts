// Invariants of planRetention over random snapshot sets, policies and zones.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { planRetention, RetentionPlan, RetentionSnapshot } from "../../core/retention/plan";
import { RetentionPolicy } from "../../core/retention/policy";

const START = Date.parse("2019-06-01T00:00:00Z") / 1000;
const SPAN = 3 * 365 * 86400;

// DST at 02:00/03:00 (Berlin, New York), at local midnight (Santiago), by 30 minutes (Lord Howe), none (Kolkata).
const arbZone = fc.constantFrom("UTC", "Europe/Berlin", "America/New_York", "America/Santiago", "Asia/Kolkata", "Australia/Lord_Howe");

/** `rare` about once in `odds + 1` draws, else `usual`. */
const rarely = <T>(rare: T, usual: T, odds = 9) =>
  fc.oneof({ weight: odds, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constant(rare) });

/** Clustered times (several per hour/day) and spread ones, a few unknown. */
const arbSnaptime = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: START, max: START + SPAN }) },
  { weight: 3, arbitrary: fc.integer({ min: START, max: START + 5 * 86400 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, undefined) },
);

const arbSnapshots: fc.Arbitrary<RetentionSnapshot[]> = fc
  .uniqueArray(
    fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9-]{1,6}$/),
      snaptime: arbSnaptime,
      owned: rarely(false, true, 4),
      pinned: rarely(true, false),
      snapstate: rarely<string | undefined>("prepare", undefined),
      cloneSource: rarely(true, false),
    }),
    { selector: (s) => s.name, maxLength: 40 },
  );

// Each rule unset half the time and small counts, so that plans do remove snapshots.
const arbCount = fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined, freq: 2 });
const arbPolicy: fc.Arbitrary<RetentionPolicy> = fc
  .record({ keep_last: arbCount, keep_hourly: arbCount, keep_daily: arbCount, keep_weekly: arbCount, keep_monthly: arbCount, keep_yearly: arbCount })
  .map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as RetentionPolicy);

const known = (s: RetentionSnapshot) => s.snaptime !== undefined && s.snaptime > 0;

/** The newest owned snapshot with a known time, by (time, name), computed independently of the planner. */
function newestOwned(snaps: RetentionSnapshot[]): string | undefined {
  const owned = snaps.filter((s) => s.owned && known(s));
  owned.sort((a, b) => (a.snaptime! - b.snaptime!) || (a.name < b.name ? -1 : 1));
  return owned.at(-1)?.name;
}

const names = (plan: RetentionPlan, verdict: string) => plan.verdicts.filter((v) => v.verdict === verdict).map((v) => v.name);

describe("planRetention properties", () => {
  it("never removes the newest owned snapshot, nor an unowned, pinned, incomplete, clone-source or unknown-time one", () => {
    fc.assert(fc.property(arbSnapshots, arbPolicy, arbZone, (snaps, policy, timeZone) => {
      const removed = new Set(planRetention(snaps, policy, { timeZone }).remove);
      const untouchable = snaps.filter((s) => !s.owned || s.pinned || s.snapstate || s.cloneSource || !known(s) || s.name === newestOwned(snaps));
      assert.deepEqual(untouchable.filter((s) => removed.has(s.name)), []);
    }));
  });

  it("does not depend on the input order", () => {
    fc.assert(fc.property(
      arbSnapshots.chain((snaps) => fc.tuple(fc.constant(snaps), fc.shuffledSubarray(snaps, { minLength: snaps.length }))),
      arbPolicy,
      arbZone,
      ([snaps, shuffled], policy, timeZone) => {
        assert.deepEqual(planRetention(shuffled, policy, { timeZone }), planRetention(snaps, policy, { timeZone }));
      },
    ));
  });

  // Holds because every period is one unbroken stretch of real time. A fall-back that crossed midnight
  // (00:30 -> 23:30) would split a day into two stretches and could break it; the usual midnight fall-back
  // (Santiago: 24:00 -> 23:00) does not.
  it("removes nothing when planned again on what it left", () => {
    fc.assert(fc.property(arbSnapshots, arbPolicy, arbZone, (snaps, policy, timeZone) => {
      const removed = new Set(planRetention(snaps, policy, { timeZone }).remove);
      const left = snaps.filter((s) => !removed.has(s.name));
      assert.deepEqual(planRetention(left, policy, { timeZone }).remove, []);
    }));
  });

  it("with keep_last N alone keeps exactly min(N, candidates) candidates", () => {
    fc.assert(fc.property(arbSnapshots, fc.integer({ min: 1, max: 8 }), (snaps, n) => {
      const candidates = snaps.filter((s) => s.owned && !s.pinned && !s.snapstate && !s.cloneSource && known(s));
      const plan = planRetention(snaps, { keep_last: n }, { timeZone: "UTC" });
      assert.equal(names(plan, "keep").length, Math.min(n, candidates.length));
    }));
  });

  it("gives every snapshot exactly one verdict, and lists exactly the remove verdicts in remove", () => {
    fc.assert(fc.property(arbSnapshots, arbPolicy, arbZone, (snaps, policy, timeZone) => {
      const plan = planRetention(snaps, policy, { timeZone });
      assert.deepEqual(plan.verdicts.map((v) => v.name).sort(), snaps.map((s) => s.name).sort());
      assert.deepEqual([...plan.remove].sort(), names(plan, "remove").sort());
    }));
  });

  it("deletes in oldest-first order", () => {
    fc.assert(fc.property(arbSnapshots, arbPolicy, (snaps, policy) => {
      const time = new Map(snaps.map((s) => [s.name, s.snaptime!]));
      const times = planRetention(snaps, policy, { timeZone: "UTC" }).remove.map((n) => time.get(n)!);
      assert.deepEqual(times, [...times].sort((a, b) => a - b));
    }));
  });
});
