// Time zones, DST and ISO weeks: the bucket arithmetic behind the hourly/daily/weekly/monthly/yearly rules.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { buildCalendarParts, formatWallTime } from "../../core/retention/calendar";
import { buildZoneClock, checkTimeZone, parseNodeTimeZone } from "../../core/retention/zone-clock";
import { planPrune } from "../../core/retention/prune";
import { PhoenixError } from "../../core/errors";

const epoch = (iso: string) => Date.parse(iso) / 1000;

/** Reference: the zone's wall clock via one formatToParts call per instant, as seconds since the local epoch. */
function referenceWallSeconds(timeZone: string, t: number): number {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
  });
  const f = Object.fromEntries(format.formatToParts(t * 1000).filter((p) => p.type !== "literal").map((p) => [p.type, Number(p.value)]));
  return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) / 1000;
}

/** Prunes instants (newest first after sorting) in `timeZone`; returns the removed ones as ISO strings. */
function removedIn(timeZone: string, isoTimes: string[], policy: Parameters<typeof planPrune>[1]): string[] {
  const items = isoTimes.map((iso) => ({ iso, time: epoch(iso), protected: false })).sort((a, b) => b.time - a.time);
  const marks = planPrune(items, policy, timeZone);
  return items.filter((_, i) => marks[i] === "remove").map((x) => x.iso);
}

describe("zone clock", () => {
  it("agrees with formatToParts for every instant, including clusters around DST changes", () => {
    const zones = fc.constantFrom("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "America/Santiago", "Pacific/Apia");
    // Clusters of instants within a few hours of each other, so whole-day anchors are used as well as exact calls.
    const cluster = fc.tuple(fc.integer({ min: epoch("2005-01-01T00:00:00Z"), max: epoch("2030-01-01T00:00:00Z") }), fc.array(fc.integer({ min: 0, max: 6 * 3600 }), { minLength: 1, maxLength: 8 }));
    const dstEdges = fc.constantFrom(epoch("2024-10-27T00:30:00Z"), epoch("2024-03-31T00:59:59Z"), epoch("2011-12-29T09:00:00Z"));
    const base = fc.oneof(cluster, fc.tuple(dstEdges, fc.array(fc.integer({ min: 0, max: 7200 }), { minLength: 1, maxLength: 8 })));
    fc.assert(fc.property(zones, fc.array(base, { minLength: 1, maxLength: 5 }), (timeZone, groups) => {
      const times = groups.flatMap(([start, offsets]) => offsets.map((o) => start + o));
      const clock = buildZoneClock(timeZone);
      assert.deepEqual(clock.wallSecondsMany(times), times.map((t) => referenceWallSeconds(timeZone, t)));
    }), { numRuns: 60 });
  });

  it("rejects an unknown zone with a config error that names it", () => {
    assert.match(checkTimeZone("Europe/Atlantis") ?? "", /Europe\/Atlantis/);
    assert.throws(() => buildZoneClock("Europe/Atlantis"), (e: unknown) => e instanceof PhoenixError && e.code === "config");
  });

  it("reads a node's zone from /etc/timezone or the /etc/localtime link, UTC for anything else", () => {
    assert.equal(parseNodeTimeZone("Europe/Berlin\n"), "Europe/Berlin");
    assert.equal(parseNodeTimeZone("/usr/share/zoneinfo/America/New_York\n"), "America/New_York");
    assert.equal(parseNodeTimeZone("Europe/Atlantis\n"), "UTC");
    assert.equal(parseNodeTimeZone(""), "UTC");
  });

  it("formats wall time like pct listsnapshot, in the zone", () => {
    const [wall] = buildZoneClock("Europe/Berlin").wallSecondsMany([epoch("2024-10-27T00:10:05Z")]);
    assert.equal(formatWallTime(wall), "2024-10-27 02:10:05");
  });
});

describe("DST in the hourly and daily rules", () => {
  // 2024-10-27 in Europe/Berlin: 03:00 CEST becomes 02:00 CET, so 00:10Z (02:10 CEST) and 01:40Z (02:40 CET)
  // are two real hours apart by UTC but share the local hour 02.
  const times = ["2024-10-27T01:40:00Z", "2024-10-27T00:10:00Z", "2024-10-26T23:30:00Z"];

  it("merges the two real hours of a fall-back into one hourly bucket", () => {
    assert.deepEqual(removedIn("Europe/Berlin", times, { keep_hourly: 2 }), ["2024-10-27T00:10:00Z"]);
  });

  it("keeps them apart in UTC, where the hours differ", () => {
    assert.deepEqual(removedIn("UTC", times, { keep_hourly: 2 }), ["2024-10-26T23:30:00Z"]);
  });

  it("groups days by the local date, not the UTC date", () => {
    // 23:30Z on 03-09 is 00:30 on 03-10 in Berlin: the same local day as 10:00Z on 03-10.
    const days = ["2024-03-10T10:00:00Z", "2024-03-09T23:30:00Z", "2024-03-09T12:00:00Z"];
    assert.deepEqual(removedIn("Europe/Berlin", days, { keep_daily: 2 }), ["2024-03-09T23:30:00Z"]);
  });
});

describe("ISO weeks", () => {
  const week = (isoDate: string) => {
    const p = buildCalendarParts(epoch(`${isoDate}T12:00:00Z`));
    return `${p.isoYear}-W${String(p.isoWeek).padStart(2, "0")}`;
  };

  for (const [date, expected] of [
    ["2020-12-31", "2020-W53"],
    ["2021-01-01", "2020-W53"],
    ["2021-01-03", "2020-W53"],
    ["2021-01-04", "2021-W01"],
    ["2019-12-30", "2020-W01"],
    ["2019-12-29", "2019-W52"],
    ["2019-12-01", "2019-W48"],
    ["2019-12-04", "2019-W49"],
  ]) {
    it(`puts ${date} in ${expected}`, () => assert.equal(week(date), expected));
  }

  it("keeps one snapshot per ISO week across New Year, not per calendar year", () => {
    const times = ["2021-01-04T12:00:00Z", "2021-01-01T12:00:00Z", "2020-12-31T12:00:00Z", "2020-12-28T12:00:00Z"];
    assert.deepEqual(removedIn("UTC", times, { keep_weekly: 3 }), ["2020-12-31T12:00:00Z", "2020-12-28T12:00:00Z"]);
  });
});

describe("calendar arithmetic", () => {
  it("matches Date's UTC calendar for any day from 1970 to 2200", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: epoch("2200-01-01T00:00:00Z") }), (s) => {
      const d = new Date(s * 1000);
      const p = buildCalendarParts(s);
      assert.deepEqual([p.year, p.month, p.day, p.hour], [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours()]);
    }));
  });

  it("puts every day in the ISO week of its Thursday, weeks starting Monday", () => {
    fc.assert(fc.property(fc.integer({ min: 7, max: 80000 }), (day) => {
      const p = buildCalendarParts(day * 86400);
      const monday = day - ((new Date(day * 86400000).getUTCDay() + 6) % 7);
      const thursday = new Date((monday + 3) * 86400000);
      const jan4 = Date.UTC(thursday.getUTCFullYear(), 0, 4) / 86400000; // ISO week 1 is the week with January 4
      const week1Monday = jan4 - ((new Date(jan4 * 86400000).getUTCDay() + 6) % 7);
      assert.deepEqual([p.isoYear, p.isoWeek], [thursday.getUTCFullYear(), (monday - week1Monday) / 7 + 1]);
    }));
  });
});
