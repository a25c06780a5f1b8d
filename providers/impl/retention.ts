/**
 * Snapshot retention of one container. `diff` predicts, from the snapshot list in state, exactly which
 * snapshots the up will delete and prints them (so `pulumi preview` lists them). `update` recomputes the plan
 * from the live list and deletes only snapshots that both plans name, oldest first, one at a time; a snapshot
 * the live plan adds is deferred to the next up (whose preview will list it), and the log says what changed.
 * No snapshot is ever deleted that a preview did not list.
 */
import { formatDeletionNotice } from "../../core/retention/deletion-notice";
import type { SnapshotInfo } from "../../core/pct-model";
import { decideRetentionDiff, planDeletions, planRetentionRun, RetentionSettings, StoredSnapshot } from "../../core/retention/forecast";
import { NODE_TIME_ZONE_ARGV, parseNodeTimeZone } from "../../core/retention/zone-clock";
import { readSnapshotList, readSnapshotListFromInventory } from "../../host/container-io";
import { clientFor, inventory, nodeTarget, sequencer, transport } from "./runtime";
import { goneIsUndefined, StepTarget, stepLog } from "./step-common";

/** Inputs of a retention resource: the container, and what to keep (core/retention/forecast). */
export interface RetentionInputs extends StepTarget, RetentionSettings {}

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

/** Whether the up runs retention, and the deletions it will make, said in preview (core/retention/forecast). */
export async function diff(_id: string, olds: RetentionOutputs, news: RetentionInputs) {
  const { changes, predicted } = decideRetentionDiff(olds, news, new Date());
  const notice = formatDeletionNotice(predicted);
  if (notice) stepLog(news, notice);
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
  const r = await transport().exec(nodeTarget(inputs.node, inputs.connection, inputs.vmid), [...NODE_TIME_ZONE_ARGV], { idempotent: true });
  return parseNodeTimeZone(r.stdout);
}

async function apply(inputs: RetentionInputs, olds?: RetentionOutputs): Promise<RetentionOutputs> {
  const client = clientFor(inputs.node, inputs.connection, inputs.vmid);
  // Asked together so the two reads share one round trip (host/read-coalescer).
  const [timeZone, list] = await Promise.all([olds?.timeZone ?? readTimeZone(inputs), readSnapshotList(transport(), client.node, inputs.vmid)]);
  const live = list.snapshots;
  const { toDelete, deferred, dropped } = planRetentionRun(live, inputs, olds, timeZone, new Date());
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
  const planned = planDeletions(live, props, props.timeZone);
  return { id, props: { ...props, snapshots: live.map(storeSnapshot), planned } };
}

/** Removing the policy deletes no snapshot. */
export async function remove() {}
export { remove as delete };
