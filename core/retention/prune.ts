/**
 * The Proxmox Backup Server prune algorithm itself (`pbs-datastore/src/prune.rs`, `compute_prune_info`), with
 * no PVE guard rails: docs/pve-behaviour.md §R step by step. {@link planRetention} builds on it.
 */
import { internalError, PhoenixError } from "../errors";
import { buildBucketKey, buildCalendarParts, CalendarParts } from "./calendar";
import { checkRetentionPolicy, keepsSomething, policyField, RETENTION_RULES, RetentionPolicy, RetentionRule } from "./policy";
import { buildZoneClock } from "./zone-clock";

/** One item to prune: its time and whether it is protected. */
export interface PruneItem {
  /** Epoch seconds; only read for unprotected items. */
  time: number;
  /** Protected items are never removed, and neither count toward a rule nor cover its period. */
  protected: boolean;
}

/** The mark of one item: the rule that kept it, `keep-all` (no rule set), `protected` or `remove`. */
export type PruneMark = `keep-${RetentionRule}` | "keep-all" | "protected" | "remove";

/**
 * Marks every item, PBS semantics: for each set rule in the order last, hourly, daily, weekly (ISO %G/%V),
 * monthly, yearly, walk newest to oldest; skip marked items; a period already holding an item an earlier rule
 * kept is skipped without using up the count; the first item of a new period is kept until the rule has kept
 * `N` periods, then the rule stops; an older item in a period this rule already kept is removed, finally.
 * Unmarked items are removed. With no rule set, everything is kept.
 *
 * @throws PhoenixError `config` for a policy count that is not an integer ≥ 1 or an unknown zone
 * @param items - newest first (the caller breaks ties, which keeps the result deterministic)
 * @param timeZone - IANA zone of the hour/day/week/month/year periods
 * @returns one mark per item, in the same order
 */
export function planPrune(items: readonly PruneItem[], policy: RetentionPolicy, timeZone: string): PruneMark[] {
  const issues = checkRetentionPolicy(policy);
  if (issues.length > 0) throw new PhoenixError("config", `invalid retention policy: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, { hint: "fix the snapshot_retention values named above" });
  const clock = buildZoneClock(timeZone); // now, so an unknown zone fails even when no rule needs it
  const marks: (PruneMark | undefined)[] = items.map((item) => (item.protected ? "protected" : undefined));
  const candidates: number[] = [];
  items.forEach((item, i) => {
    if (item.protected) return;
    if (candidates.length > 0 && items[candidates[candidates.length - 1]].time < item.time) {
      throw internalError("planPrune needs its items newest first");
    }
    candidates.push(i);
  });
  if (!keepsSomething(policy)) return marks.map((m) => m ?? "keep-all");

  // Calendar fields only when a calendar rule is set: keep_last alone needs no zone arithmetic.
  let wall: number[] = [];
  let parts: CalendarParts[] = [];
  for (const rule of RETENTION_RULES) {
    const count = policy[policyField(rule)];
    if (count === undefined) continue;
    if (rule !== "last" && wall.length < candidates.length) {
      wall = clock.wallSecondsMany(candidates.map((i) => items[i].time));
      parts = buildPartsByDay(wall);
    }
    const key = (c: number) => buildBucketKey(rule, wall[c], parts[c], c);
    // Periods an earlier rule already kept an item in: they are not this rule's to fill.
    const already = new Set<number>();
    candidates.forEach((i, c) => marks[i] !== undefined && marks[i] !== "remove" && already.add(key(c)));
    const selected = new Set<number>();
    for (let c = 0; c < candidates.length; c++) {
      const i = candidates[c];
      if (marks[i] !== undefined) continue;
      const bucket = key(c);
      if (already.has(bucket)) continue; // left unmarked: a coarser rule may still keep it
      if (selected.has(bucket)) {
        marks[i] = "remove"; // final: a later rule whose periods do not nest (weeks vs months) will not revisit it
      } else if (selected.size >= count) {
        break;
      } else {
        selected.add(bucket);
        marks[i] = `keep-${rule}`;
      }
    }
  }
  return marks.map((m) => m ?? "remove");
}

/**
 * Calendar fields of each wall time, computed once per local day (snapshots are usually many per day), so
 * 10,000 snapshots cost a few hundred date conversions. Only `hour` differs within a day, and the bucket keys
 * read the hour from the wall seconds, not from the parts.
 */
function buildPartsByDay(wall: readonly number[]): CalendarParts[] {
  const byDay = new Map<number, CalendarParts>();
  return wall.map((w) => {
    const day = Math.floor(w / 86400);
    let parts = byDay.get(day);
    if (parts === undefined) byDay.set(day, (parts = buildCalendarParts(day * 86400)));
    return parts;
  });
}
