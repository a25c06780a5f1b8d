/**
 * Snapshot retention of one container. `diff` predicts, from the snapshot list in state, exactly which
 * snapshots the up will delete and prints them (so `pulumi preview` lists them). `update` recomputes the plan
 * from the live list and deletes only snapshots that both plans name, oldest first, one at a time; a snapshot
 * the live plan adds is deferred to the next up (whose preview will list it), and the log says what changed.
 * No snapshot is ever deleted that a preview did not list.
 */
import { formatDeletionNotice } from "../../core/retention/deletion-notice";
import type { SnapshotInfo } from "../../core/pct-model";
import { planRetention, toPlannerSnapshots } from "../../core/retention/plan";
import type { RetentionPolicy } from "../../core/retention/policy";
import { buildSnapshotName } from "../../core/retention/snapshot-name";
import { UNKNOWN } from "./container-check";
import { readSnapshotList, readSnapshotListFromInventory } from "../../host/container-io";
import { clientFor, inventory, nodeTarget, sequencer, transport } from "./runtime";
import { goneIsUndefined, StepTarget, stepLog } from "./step-common";

/** Inputs of a retention resource. */
export interface RetentionInputs extends StepTarget {
  /** Name prefix of owned snapshots. */
  prefix: string;
  /** The merged `snapshot_retention` of the container. */
  policy: RetentionPolicy;
  /** Snapshot names never to delete (`snapshot_pins`). */
  pins: string[];
  /** Snapshots clones in the config are made from. */
  cloneSources: string[];
  /** The last final snapshot's name: a new one means retention runs. */
  trigger: string;
}

/** A snapshot as stored in state. */
export type StoredSnapshot = Pick<SnapshotInfo, "name" | "snaptime" | "description" | "snapstate">;

/** Outputs. */
export interface RetentionOutputs extends RetentionInputs {
  /** The container's snapshots after the last up or refresh. */
  snapshots: StoredSnapshot[];
  /** The node's IANA time zone (calendar buckets are computed in it). */
  timeZone: string;
  /** Snapshots the last up deleted. */
  deleted: string[];
  /** What retention would delete now, as of the last refresh. */
  planned: string[];
}

/** The deletions an up will make, computed from state alone (what preview shows). */
export function predictDeletions(olds: RetentionOutputs | undefined, news: RetentionInputs, now: Date = new Date()): string[] {
  if (!olds) return []; // a first up knows no snapshot list yet: it deletes nothing and says so
  const snapshots: StoredSnapshot[] = [...olds.snapshots];
  const newSnapshot = news.trigger === UNKNOWN || (news.trigger !== olds.trigger && news.trigger !== "");
  if (newSnapshot && !snapshots.some((s) => s.name === news.trigger)) {
    const name = news.trigger === UNKNOWN ? buildSnapshotName(news.prefix, now, snapshots.map((s) => s.name)) : news.trigger;
    snapshots.push({ name, snaptime: Math.floor(now.getTime() / 1000), description: "phoenix-lxc:managed" });
  }
  return planRetention(toPlannerSnapshots(snapshots, news), news.policy, { timeZone: olds.timeZone }).remove;
}

export async function diff(_id: string, olds: RetentionOutputs, news: RetentionInputs) {
  const changes = olds.trigger !== news.trigger || JSON.stringify([olds.policy, olds.pins, olds.cloneSources]) !== JSON.stringify([news.policy, news.pins, news.cloneSources]) || (olds.planned?.length ?? 0) > 0;
  if (changes) {
    const predicted = predictDeletions(olds, news);
    const notice = formatDeletionNotice(predicted);
    if (notice) stepLog(news, notice);
  }
  return { changes };
}

/** Per node, once per provider process: a cold up creates a retention per container, all on a few nodes. */
const timeZones = new Map<string, Promise<string>>();

function readTimeZone(inputs: RetentionInputs): Promise<string> {
  let zone = timeZones.get(inputs.node);
  if (!zone) {
    zone = fetchTimeZone(inputs);
    timeZones.set(inputs.node, zone);
    zone.catch(() => timeZones.delete(inputs.node)); // a failed read is tried again by the next resource
  }
  return zone;
}

async function fetchTimeZone(inputs: RetentionInputs): Promise<string> {
  const r = await transport().exec(nodeTarget(inputs.node, inputs.connection, inputs.vmid), ["sh", "-c", "cat /etc/timezone 2>/dev/null || readlink /etc/localtime 2>/dev/null || echo UTC"], { idempotent: true });
  const zone = r.stdout.trim().replace(/^.*zoneinfo\//, "") || "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone;
  } catch {
    return "UTC";
  }
}

async function apply(inputs: RetentionInputs, olds?: RetentionOutputs): Promise<RetentionOutputs> {
  const client = clientFor(inputs.node, inputs.connection, inputs.vmid);
  // Asked together so the two reads share one round trip (host/read-coalescer).
  const [timeZone, list] = await Promise.all([olds?.timeZone ?? readTimeZone(inputs), readSnapshotList(transport(), client.node, inputs.vmid)]);
  const live = list.snapshots;
  const livePlan = planRetention(toPlannerSnapshots(live, inputs), inputs.policy, { timeZone }).remove;
  const predicted = olds ? predictDeletions({ ...olds, timeZone }, inputs) : [];
  const toDelete = livePlan.filter((n) => predicted.includes(n));
  const deferred = livePlan.filter((n) => !predicted.includes(n));
  const dropped = predicted.filter((n) => !livePlan.includes(n));
  if (dropped.length) stepLog(inputs, `live snapshots changed since the preview: no longer deleting ${dropped.join(", ")}`);
  if (deferred.length) stepLog(inputs, `retention also selects ${deferred.join(", ")}, which no preview listed: deferred to the next up`);
  const deleted: string[] = [];
  for (const name of toDelete) {
    await sequencer().mutate(inputs.node, [inputs.vmid], `delete snapshot ${name} of CT ${inputs.vmid}`, () => client.delsnapshot(inputs.vmid, name));
    deleted.push(name);
    stepLog(inputs, `deleted snapshot ${name}`);
  }
  const after = deleted.length ? (await readSnapshotList(transport(), client.node, inputs.vmid)).snapshots : live;
  return { ...inputs, snapshots: after.map(storeSnapshot), timeZone, deleted, planned: deferred };
}

function storeSnapshot(s: SnapshotInfo): StoredSnapshot {
  return JSON.parse(JSON.stringify({ name: s.name, snaptime: s.snaptime, description: s.description, snapstate: s.snapstate }));
}

export async function create(inputs: RetentionInputs) {
  return { id: `${inputs.vmid}/retention`, outs: await apply(inputs) };
}
export async function update(_id: string, olds: RetentionOutputs, news: RetentionInputs) {
  return { outs: await apply(news, olds) };
}

/** Refresh: the live list, and what retention would delete now (shown by the next preview). */
export async function read(id: string, props: RetentionOutputs) {
  const list = await readSnapshotListFromInventory(inventory(), nodeTarget(props.node, props.connection, props.vmid), props.vmid).catch(goneIsUndefined);
  // A container that is gone takes its policy with it.
  if (!list) return {};
  const live = list.snapshots;
  const planned = planRetention(toPlannerSnapshots(live, props), props.policy, { timeZone: props.timeZone }).remove;
  return { id, props: { ...props, snapshots: live.map(storeSnapshot), planned } };
}

/** Removing the policy deletes no snapshot. */
export async function remove() {}
export { remove as delete };
