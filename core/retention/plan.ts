/**
 * The snapshot retention planner: Proxmox Backup Server prune semantics (docs/pve-behaviour.md §R) with
 * the Proxmox VE guard rails on top (same file, "Mapping to PVE CT snapshots").
 *
 * Pure and deterministic: the plan depends on the set of snapshots, never on their input order.
 */
import { PhoenixError } from "../errors";
import { RetentionPolicy, RetentionRule } from "./policy";
import { planPrune } from "./prune";
import { isOwnedSnapshot } from "./snapshot-name";

/** One snapshot of one container, as the planner sees it. */
export interface RetentionSnapshot {
  /** Snapshot name (unique per container). */
  name: string;
  /** Creation time, epoch seconds; 0 or undefined means unknown, and such a snapshot is never deleted. */
  snaptime?: number;
  /** Snapshot description (informational: the caller decides ownership, e.g. with `isOwnedSnapshot`). */
  description?: string;
  /** PVE `snapstate` (`prepare` / `delete`): any value means the snapshot is incomplete. */
  snapstate?: string;
  /** True when this tool created the snapshot; only owned snapshots are ever deleted. */
  owned: boolean;
  /** True when the user pinned it (`snapshot_pins`). */
  pinned: boolean;
  /** True when a clone still needs it (RBD-protected, or the desired state clones from it). @default false */
  cloneSource?: boolean;
}

/** Planner options. */
export interface RetentionOptions {
  /** IANA zone the hour/day/week/month/year buckets are computed in, e.g. `Europe/Berlin`. */
  timeZone: string;
}

/** Why a snapshot is kept: the rule that selected it, or `keep-all` when the policy sets no rule. */
export type KeepReason = `keep-${RetentionRule}` | "keep-all";

/** Why a snapshot is outside the rules and never deleted, in order of precedence. */
export type ProtectReason = "not-owned" | "pinned" | "incomplete" | "clone-source" | "newest" | "unknown-time";

/**
 * The decision for one snapshot. A remove's reason is always `pruned`, also for a snapshot a rule itself marked
 * remove (an older one in a period that rule already kept): the outcome is the same, and a keep rule named on a
 * remove row would read as a contradiction.
 */
export type RetentionVerdict =
  | { name: string; verdict: "keep"; reason: KeepReason }
  | { name: string; verdict: "protected"; reason: ProtectReason }
  | { name: string; verdict: "remove"; reason: "pruned" };

/** The plan for one container. */
export interface RetentionPlan {
  /** One verdict per input snapshot, newest first; equal times by name descending, unknown times last. */
  verdicts: RetentionVerdict[];
  /** Names to delete, oldest first (the order PBS deletes in), exactly the `remove` verdicts. */
  remove: string[];
}

const hasKnownTime = (s: RetentionSnapshot): boolean => s.snaptime !== undefined && Number.isFinite(s.snaptime) && s.snaptime > 0;

/**
 * Newest first. Equal times fall back to the name, descending, because the names this tool builds sort
 * chronologically (a same-second collision suffix sorts after the first name), so a tie goes to the later one.
 * Unknown times sort last. Names compare by code unit, never by locale, so the order is the same everywhere.
 */
function sortNewestFirst(snapshots: readonly RetentionSnapshot[]): RetentionSnapshot[] {
  const keyed = snapshots.map((s) => ({ s, t: hasKnownTime(s) ? s.snaptime! : -Infinity }));
  keyed.sort((a, b) => (a.t !== b.t ? (b.t > a.t ? 1 : -1) : a.s.name === b.s.name ? 0 : a.s.name < b.s.name ? 1 : -1));
  return keyed.map((k) => k.s);
}

/**
 * The guard rail that takes a snapshot out of the rules, or undefined for a candidate.
 *
 * "newest" is the newest OWNED snapshot with a known time, not the newest of the container: the point is never to
 * delete the snapshot `up` has just taken, and that one is owned. The newest snapshot overall is often a manual
 * one, already protected as not-owned, which would leave the fresh owned snapshot unguarded.
 */
function classifyProtection(s: RetentionSnapshot, isNewestOwned: boolean): ProtectReason | undefined {
  if (!s.owned) return "not-owned";
  if (s.pinned) return "pinned";
  if (s.snapstate) return "incomplete"; // PBS would delete an old partial backup; PVE's half-done snapshot is drift
  if (s.cloneSource) return "clone-source";
  if (isNewestOwned) return "newest";
  if (!hasKnownTime(s)) return "unknown-time";
  return undefined;
}

/**
 * Plans which snapshots to delete.
 *
 * PBS semantics: rules run in the order last, hourly, daily, weekly (ISO), monthly, yearly; each keeps the newest
 * snapshot of each of its N most recent non-empty periods, newest first; periods holding a snapshot an earlier
 * rule kept do not use up N; an older snapshot in a period the same rule already kept is removed for good; with no
 * rule set everything is kept. Guard rails: only owned snapshots are candidates, and pinned, incomplete,
 * clone-source, unknown-time snapshots and the newest owned one are protected. Protected snapshots neither count
 * toward N nor cover their period, as in PBS, so a protected snapshot does not use up `keep_last`; the newest owned snapshot is not protected in that sense — it
 * counts toward the rules (`keep_last: 3` keeps exactly three owned snapshots) and is only guaranteed never to be removed.
 *
 * @throws PhoenixError `config` for a policy field that is not an integer ≥ 1, an unknown zone or duplicate names.
 */
export function planRetention(snapshots: readonly RetentionSnapshot[], policy: RetentionPolicy, options: RetentionOptions): RetentionPlan {
  const names = new Set<string>();
  for (const s of snapshots) {
    if (names.has(s.name)) throw new PhoenixError("config", `snapshot '${s.name}' is listed twice`, { hint: "pass each snapshot once" });
    names.add(s.name);
  }

  const order = sortNewestFirst(snapshots);
  const newestOwned = order.find((s) => s.owned && hasKnownTime(s));
  // The newest owned snapshot takes part in the rules (so keep_last 3 keeps exactly 3, the newest among them);
  // the "newest" guard then only vetoes a removal, which PBS semantics never produce when a rule is set.
  const guards = order.map((s) => classifyProtection(s, false));
  const items = order.map((s, i) => ({ time: s.snaptime ?? 0, protected: guards[i] !== undefined }));
  const marks = planPrune(items, policy, options.timeZone);

  const verdicts = order.map((s, i): RetentionVerdict => {
    const mark = marks[i];
    if (mark === "protected") return { name: s.name, verdict: "protected", reason: guards[i]! };
    if (mark === "remove" && s === newestOwned) return { name: s.name, verdict: "protected", reason: "newest" };
    if (mark === "remove") return { name: s.name, verdict: "remove", reason: "pruned" };
    return { name: s.name, verdict: "keep", reason: mark };
  });
  const remove = verdicts.filter((v) => v.verdict === "remove").map((v) => v.name).reverse();
  return { verdicts, remove };
}

/** What decides a snapshot's standing besides its own fields: the owned-name prefix, pins, clone sources. */
export interface SnapshotStanding {
  /** Name prefix of owned snapshots. */
  prefix: string;
  /** Snapshot names never to delete (`snapshot_pins`). */
  pins: readonly string[];
  /** Snapshots clones in the config are made from. */
  cloneSources: readonly string[];
}

/** The planner's view of a container's snapshot list (the retention step and `phoenix snapshots` both use it). */
export function toPlannerSnapshots(
  snapshots: readonly { name: string; snaptime?: number; description: string; snapstate?: string }[],
  standing: SnapshotStanding,
): RetentionSnapshot[] {
  return snapshots.map((s) => ({
    name: s.name,
    snaptime: s.snaptime,
    description: s.description,
    snapstate: s.snapstate,
    owned: isOwnedSnapshot({ name: s.name, description: s.description }, standing.prefix),
    pinned: standing.pins.includes(s.name),
    cloneSource: standing.cloneSources.includes(s.name),
  }));
}
