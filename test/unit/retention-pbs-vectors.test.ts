// The Proxmox Backup Server prune test vectors (pbs-datastore tests/prune.rs, quoted in
// docs/pve-behaviour.md §R), run against the PBS core with no PVE guard rails. Times in UTC.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { planPrune } from "../../core/retention/prune";
import { RetentionPolicy } from "../../core/retention/policy";

const epoch = (iso: string) => Date.parse(iso) / 1000;

/** Prunes ISO instants (any order); returns the kept and the removed instants, oldest first. */
function prune(isoTimes: string[], policy: RetentionPolicy, protectedTimes: string[] = []): { kept: string[]; removed: string[] } {
  const items = [...isoTimes, ...protectedTimes]
    .map((iso) => ({ iso, time: epoch(iso), protected: protectedTimes.includes(iso) }))
    .sort((a, b) => b.time - a.time);
  const marks = planPrune(items, policy, "UTC");
  const pick = (test: (mark: string) => boolean) => items.filter((_, i) => test(marks[i])).map((x) => x.iso).reverse();
  return { kept: pick((m) => m.startsWith("keep-")), removed: pick((m) => m === "remove") };
}
const kept = (...args: Parameters<typeof prune>) => prune(...args).kept;
const removed = (...args: Parameters<typeof prune>) => prune(...args).removed;

const day = (d: string) => `${d}T11:59:15Z`;
const SIMPLE2 = ["2018-11-15", "2019-11-15", "2019-11-21", "2019-11-22", "2019-11-29", "2019-12-01", "2019-12-02", "2019-12-03", "2019-12-04"].map(day);

describe("PBS prune vectors (test_prune_simple2)", () => {
  const table: [RetentionPolicy, string[]][] = [
    [{ keep_daily: 1 }, ["2019-12-04"]],
    [{ keep_last: 1, keep_daily: 1 }, ["2019-12-03", "2019-12-04"]],
    [{ keep_daily: 1, keep_weekly: 1 }, ["2019-12-01", "2019-12-04"]],
    [{ keep_daily: 1, keep_weekly: 1, keep_monthly: 1 }, ["2019-11-22", "2019-12-01", "2019-12-04"]],
    [{ keep_monthly: 1, keep_yearly: 1 }, ["2018-11-15", "2019-12-04"]],
  ];
  for (const [policy, expected] of table) {
    it(`${JSON.stringify(policy)} keeps ${expected.join(", ")}`, () => {
      assert.deepEqual(kept(SIMPLE2, policy), expected.map(day));
    });
  }
});

describe("PBS prune vectors (hourly, protected)", () => {
  const hour = (hm: string) => `2019-11-15T${hm}:15Z`;

  it("keep-hourly 2 keeps the newest snapshot of each of the two newest hours (test_prune_hourly)", () => {
    const times = ["09:39", "10:49", "10:59", "11:39", "11:49", "11:59"].map(hour);
    assert.deepEqual(kept(times, { keep_hourly: 2 }), ["10:59", "11:59"].map(hour));
  });

  for (const policy of [{ keep_last: 1 }, { keep_hourly: 1 }]) {
    it(`with ${JSON.stringify(policy)} a protected snapshot neither counts nor covers its hour (test_prune_protected)`, () => {
      const unprotected = ["10:39", "10:49"].map(hour);
      const protectedTimes = ["09:39", "10:59"].map(hour);
      assert.deepEqual(removed(unprotected, policy, protectedTimes), [hour("10:39")]);
    });
  }
});

describe("PBS prune: periods an earlier rule covered do not use up a later rule's count", () => {
  it("keep-last 3 + keep-daily 2 keeps three items of 03-10 and the newest of 03-09 and 03-08", () => {
    const times = ["2024-03-10T01:00:00Z", "2024-03-10T08:00:00Z", "2024-03-10T16:00:00Z", "2024-03-09T12:00:00Z", "2024-03-08T12:00:00Z", "2024-03-07T12:00:00Z"];
    assert.deepEqual(removed(times, { keep_last: 3, keep_daily: 2 }), ["2024-03-07T12:00:00Z"]);
  });

  it("an older item in a week the weekly rule already kept stays removed even if monthly would keep it", () => {
    // Week 2019-W44 runs Mon 10-28 .. Sun 11-03: weekly keeps 11-03 and removes 10-31, the newest item of October.
    const times = ["2019-10-31T12:00:00Z", "2019-11-03T12:00:00Z"];
    assert.deepEqual(removed(times, { keep_weekly: 1, keep_monthly: 2 }), ["2019-10-31T12:00:00Z"]);
  });
});

describe("PBS prune: the rule set", () => {
  it("keeps everything when no rule is set", () => {
    assert.deepEqual(removed(SIMPLE2, {}), []);
  });

  it("deletes nothing protected even when no rule keeps it", () => {
    assert.deepEqual(removed([day("2019-12-04")], { keep_last: 1 }, [day("2019-12-01")]), []);
  });
});
