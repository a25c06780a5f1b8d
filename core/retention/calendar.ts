/**
 * Calendar fields and retention bucket keys from wall-clock seconds (see zone-clock.ts), by integer arithmetic.
 *
 * Bucket keys are numbers, not the `%Y/%m/%d/%H` strings PBS formats: one number per period identifies the
 * same periods and keeps 10,000-snapshot plans fast.
 */
import { RetentionRule } from "./policy";

/** The local calendar fields of one instant. */
export interface CalendarParts {
  /** Calendar year (`%Y`). */
  year: number;
  /** Month 1–12 (`%m`). */
  month: number;
  /** Day of month 1–31 (`%d`). */
  day: number;
  /** Hour 0–23 (`%H`). */
  hour: number;
  /** ISO 8601 week-numbering year (`%G`): the year of the Thursday of the week. */
  isoYear: number;
  /** ISO 8601 week 1–53 (`%V`), weeks starting on Monday. */
  isoWeek: number;
}

const DAY = 86400;

/** Year, month, day of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`, proleptic Gregorian). */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day: doy - Math.floor((153 * mp + 2) / 5) + 1 };
}

/** Day count since 1970-01-01 of a civil date (H. Hinnant's `days_from_civil`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** The calendar fields of wall-clock seconds, including the ISO week-year and week. */
export function buildCalendarParts(wallSeconds: number): CalendarParts {
  const days = Math.floor(wallSeconds / DAY);
  const { year, month, day } = civilFromDays(days);
  const weekday = (((days + 3) % 7) + 7) % 7; // Monday = 0; 1970-01-01 was a Thursday
  const thursday = days - weekday + 3; // the ISO week belongs to the year of its Thursday
  const isoYear = civilFromDays(thursday).year;
  const isoWeek = Math.floor((thursday - daysFromCivil(isoYear, 1, 1)) / 7) + 1;
  return { year, month, day, hour: Math.floor((wallSeconds - days * DAY) / 3600), isoYear, isoWeek };
}

/**
 * The bucket of one snapshot under `rule`. Equal keys mean "same period". Hours and days come from
 * `wallSeconds`; `parts` is only read for year, month and ISO week, so parts of the same day will do. `last`
 * gets the snapshot's own position (`unique`), not its timestamp as in PBS: two snapshots taken in the same
 * second are two snapshots.
 */
export function buildBucketKey(rule: RetentionRule, wallSeconds: number, parts: CalendarParts, unique: number): number {
  switch (rule) {
    case "last":
      return unique;
    case "hourly":
      return Math.floor(wallSeconds / 3600);
    case "daily":
      return Math.floor(wallSeconds / DAY);
    case "weekly":
      return parts.isoYear * 100 + parts.isoWeek;
    case "monthly":
      return parts.year * 12 + parts.month - 1;
    case "yearly":
      return parts.year;
  }
}

/** `YYYY-MM-DD HH:MM:SS` of wall-clock seconds, the format `pct listsnapshot` prints. */
export function formatWallTime(wallSeconds: number): string {
  const p = buildCalendarParts(wallSeconds);
  const rest = wallSeconds - Math.floor(wallSeconds / 60) * 60;
  const minute = Math.floor((wallSeconds - Math.floor(wallSeconds / 3600) * 3600) / 60);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${String(p.year).padStart(4, "0")}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(minute)}:${two(rest)}`;
}
