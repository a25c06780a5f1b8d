/**
 * Wall-clock time in an IANA time zone, with no time-zone library: the UTC offset comes from
 * `Intl.DateTimeFormat#formatToParts` (the ICU data built into Node), and everything after that is integer
 * arithmetic on "wall seconds" (epoch seconds + the UTC offset in force at that instant).
 *
 * PBS computes its buckets in the server's local time; a Phoenix plan names the zone explicitly so that the
 * same inputs give the same plan on any machine.
 */
import { PhoenixError } from "../errors";

/** Converts instants to wall-clock seconds in one zone. */
export interface ZoneClock {
  /** The IANA zone, e.g. `Europe/Berlin`. */
  readonly timeZone: string;
  /**
   * Wall-clock seconds for each instant: `floor(t) + offset(t)`, i.e. seconds since 1970-01-01 00:00 of the
   * local calendar. Two instants of the repeated hour after a DST fall-back map into the same local hour.
   */
  wallSecondsMany(epochSeconds: readonly number[]): number[];
}

/**
 * Anchors are probed once per UTC day. A formatter call costs 5–20 microseconds, too slow to make once per
 * snapshot for 10,000 snapshots, so within a day whose two ends have the same offset that offset is used for
 * every instant in it. This assumes no zone changes its offset and back again within one day (DST periods last
 * months; the shortest real interruptions, Ramadan suspensions in Morocco and Egypt, last weeks); a day whose
 * ends differ, i.e. with a change inside, is computed instant by instant.
 */
const BLOCK_SECONDS = 86400;

/** A problem with `timeZone` (not an IANA zone Node knows), or undefined when it is usable. */
export function checkTimeZone(timeZone: string): string | undefined {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return undefined;
  } catch {
    return `unknown time zone '${timeZone}': expected an IANA zone such as 'Europe/Berlin' or 'UTC'`;
  }
}

/** The command that prints a node's zone: /etc/timezone (Debian), else the /etc/localtime link, else UTC. */
export const NODE_TIME_ZONE_ARGV: readonly string[] = ["sh", "-c", "cat /etc/timezone 2>/dev/null || readlink /etc/localtime 2>/dev/null || echo UTC"];

/** The IANA zone in the output of {@link NODE_TIME_ZONE_ARGV}; UTC when it names none this runtime knows. */
export function parseNodeTimeZone(stdout: string): string {
  const zone = stdout.trim().replace(/^.*zoneinfo\//, "");
  return zone && checkTimeZone(zone) === undefined ? zone : "UTC";
}

/** `M/D/YYYY, HH:MM:SS`, what the en-US formatter below prints. */
const EN_US_NUMERIC = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)$/;

/**
 * [year, month, day, hour, minute, second] on the zone's wall clock. `format()` plus a RegExp is about four
 * times faster than `formatToParts()`; the parts are the fallback should a future ICU print something else.
 */
function readWallClock(format: Intl.DateTimeFormat, epochMs: number): number[] {
  const match = EN_US_NUMERIC.exec(format.format(epochMs));
  if (match) return [Number(match[3]), Number(match[1]), Number(match[2]), Number(match[4]), Number(match[5]), Number(match[6])];
  const f: Record<string, number> = {};
  for (const part of format.formatToParts(epochMs)) if (part.type !== "literal") f[part.type] = Number(part.value);
  return [f.year, f.month, f.day, f.hour, f.minute, f.second];
}

/** A {@link ZoneClock} for `timeZone`; throws a `config` PhoenixError for an unknown zone. */
export function buildZoneClock(timeZone: string): ZoneClock {
  // h23, not hour12:false: the latter prints midnight as "24" in V8.
  const options: Intl.DateTimeFormatOptions = {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  };
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", options); // built once: a formatter costs about a millisecond
  } catch {
    throw new PhoenixError("config", checkTimeZone(timeZone) ?? `unusable time zone '${timeZone}'`, {
      hint: "list zones with 'timedatectl list-timezones'",
    });
  }
  const offsetAt = (t: number): number => {
    const [year, month, day, hour, minute, second] = readWallClock(format, t * 1000);
    const wall = new Date(0);
    wall.setUTCFullYear(year, month - 1, day); // setUTCFullYear, not Date.UTC: years < 100 stay literal
    wall.setUTCHours(hour, minute, second, 0);
    return wall.getTime() / 1000 - t;
  };
  const anchors = new Map<number, number>();
  const anchor = (block: number): number => {
    let offset = anchors.get(block);
    if (offset === undefined) anchors.set(block, (offset = offsetAt(block * BLOCK_SECONDS)));
    return offset;
  };
  return {
    timeZone,
    wallSecondsMany(epochSeconds) {
      const times = epochSeconds.map(Math.floor);
      const perBlock = new Map<number, number>();
      for (const t of times) {
        const block = Math.floor(t / BLOCK_SECONDS);
        perBlock.set(block, (perBlock.get(block) ?? 0) + 1);
      }
      return times.map((t) => {
        const block = Math.floor(t / BLOCK_SECONDS);
        // A lone instant costs one exact call; a shared block costs two anchors (one shared with the next block).
        if (perBlock.get(block)! < 2) return t + offsetAt(t);
        const start = anchor(block);
        return start === anchor(block + 1) ? t + start : t + offsetAt(t);
      });
    },
  };
}
