/**
 * Which snapshots an up's retention step deletes. Preview can only know the snapshot list in state, so the diff
 * predicts from it (adding the final snapshot the up is about to take); the up plans again on the live list and
 * deletes only snapshots both plans name. A snapshot only the live plan selects waits for the next up (whose
 * preview lists it); one only the prediction named is kept. So no snapshot is ever deleted that a preview did
 * not list. Pure: the clock is a parameter.
 */
import type { SnapshotInfo } from "../pct-model";
import { UNKNOWN } from "../unknown";
import { planRetention, SnapshotStanding, toPlannerSnapshots } from "./plan";
import type { RetentionPolicy } from "./policy";
import { buildSnapshotName } from "./snapshot-name";

/** A snapshot as stored in state. */
export type StoredSnapshot = Pick<SnapshotInfo, "name" | "snaptime" | "description" | "snapstate">;

/** What a retention step is asked to do: the policy, the snapshots' standing, and the final snapshot it follows. */
export interface RetentionSettings extends SnapshotStanding {
  /** The merged `snapshot_retention` of the container. */
  policy: RetentionPolicy;
  /** The last final snapshot's name: a new one means retention runs. */
  trigger: string;
}

/** What state holds of a retention step after an up or refresh. */
export interface RetentionRecord extends RetentionSettings {
  /** The container's snapshots as last read. */
  snapshots: readonly StoredSnapshot[];
  /** The node's IANA time zone (calendar buckets are computed in it). */
  timeZone: string;
  /** What retention would delete now, as of the last refresh (absent in older state). */
  planned?: readonly string[];
}

/** The names the policy removes from `snapshots` (oldest first): the plan on a list as it is. */
export function planDeletions(snapshots: readonly StoredSnapshot[], settings: RetentionSettings, timeZone: string): string[] {
  return planRetention(toPlannerSnapshots(snapshots, settings), settings.policy, { timeZone }).remove;
}

/** The deletions an up will make, computed from state alone (what preview shows); `now` stamps the coming snapshot. */
export function predictDeletions(olds: RetentionRecord | undefined, news: RetentionSettings, now: Date): string[] {
  if (!olds) return []; // a first up knows no snapshot list yet: it deletes nothing and says so
  const snapshots: StoredSnapshot[] = [...olds.snapshots];
  const newSnapshot = news.trigger === UNKNOWN || (news.trigger !== olds.trigger && news.trigger !== "");
  if (newSnapshot && !snapshots.some((s) => s.name === news.trigger)) {
    const name = news.trigger === UNKNOWN ? buildSnapshotName(news.prefix, now, snapshots.map((s) => s.name)) : news.trigger;
    snapshots.push({ name, snaptime: Math.floor(now.getTime() / 1000), description: "phoenix-lxc:managed" });
  }
  return planDeletions(snapshots, news, olds.timeZone);
}

/** The diff of a retention step: whether the up runs it, and what it will delete (what preview lists). */
export function decideRetentionDiff(olds: RetentionRecord, news: RetentionSettings, now: Date): { changes: boolean; predicted: string[] } {
  const changes = olds.trigger !== news.trigger || JSON.stringify([olds.policy, olds.pins, olds.cloneSources]) !== JSON.stringify([news.policy, news.pins, news.cloneSources]) || (olds.planned?.length ?? 0) > 0;
  return { changes, predicted: changes ? predictDeletions(olds, news, now) : [] };
}

/** What an up deletes of the live list, and what it leaves. */
export interface RetentionRun {
  /** Named by the live plan and by the prediction: deleted now, oldest first. */
  toDelete: string[];
  /** Named by the live plan only: no preview listed them, so they wait for the next up. */
  deferred: string[];
  /** Named by the prediction only: the live list changed since, so they are kept. */
  dropped: string[];
}

/**
 * The up's split of the live plan against the prediction from `olds` (the state the preview saw; none on a first
 * up, which deletes nothing). `timeZone` is the node's, as the up knows it.
 */
export function planRetentionRun(live: readonly StoredSnapshot[], settings: RetentionSettings, olds: RetentionRecord | undefined, timeZone: string, now: Date): RetentionRun {
  const livePlan = planDeletions(live, settings, timeZone);
  const predicted = olds ? predictDeletions({ ...olds, timeZone }, settings, now) : [];
  return {
    toDelete: livePlan.filter((n) => predicted.includes(n)),
    deferred: livePlan.filter((n) => !predicted.includes(n)),
    dropped: predicted.filter((n) => !livePlan.includes(n)),
  };
}
