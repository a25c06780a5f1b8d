/**
 * The final snapshot after a converge, and the template snapshot that clones are made from.
 * A final snapshot is taken whenever this step runs: when something in the container changed in this up (the
 * trigger, built from the container's step key and the steps' generations, changed), when the template snapshot was
 * missing, or when final_snapshot was switched on. An up with no changes takes none.
 */
import { buildSnapshotDescription, buildSnapshotName } from "../../core/retention/snapshot-name";
import { readSnapshotList, readSnapshotListFromInventory } from "../../host/container-io";
import { clientFor, inventory, nodeTarget, sequencer, transport } from "./runtime";
import { goneIsUndefined, StepTarget, stepLog } from "./step-common";
import { decideFinalSnapshotDiff } from "../../core/step-diff";

/** Inputs of a final-snapshot resource. */
export interface FinalSnapshotInputs extends StepTarget {
  /** Name prefix of owned snapshots. @default "phx" */
  prefix: string;
  /** Changes whenever something upstream changed in an up. */
  trigger: string;
  /** Take a final snapshot after each converge (`final_snapshot`). */
  takeFinal: boolean;
  /** `template_snapshot_name`: created when missing, never deleted by retention (not owned). */
  templateSnapshotName?: string;
}

/** Outputs. */
export interface FinalSnapshotOutputs extends FinalSnapshotInputs {
  /** The last final snapshot taken (empty before the first). */
  lastSnapshot: string;
  /** Whether the template snapshot exists (as of the last up or refresh). */
  templateSnapshotPresent: boolean;
}

/** Pure: the step runs when the trigger changed, the template snapshot is missing, or final_snapshot changed (core/step-diff). */
export async function diff(_id: string, olds: FinalSnapshotOutputs, news: FinalSnapshotInputs) {
  return { changes: decideFinalSnapshotDiff(olds, news) };
}

async function apply(inputs: FinalSnapshotInputs, previous?: FinalSnapshotOutputs): Promise<FinalSnapshotOutputs> {
  const client = clientFor(inputs.node, inputs.connection, inputs.vmid);
  const existing = (await readSnapshotList(transport(), client.node, inputs.vmid)).snapshots.map((s) => s.name);
  if (inputs.templateSnapshotName && !existing.includes(inputs.templateSnapshotName)) {
    const name = inputs.templateSnapshotName;
    await sequencer().mutate(inputs.node, [inputs.vmid], `template snapshot of CT ${inputs.vmid}`, () => client.snapshot(inputs.vmid, name, "phoenix-lxc template snapshot (clone source)"));
    stepLog(inputs, `template snapshot '${name}' taken`);
  }
  let lastSnapshot = previous?.lastSnapshot ?? "";
  // Whenever this step runs, a final snapshot is due (a changed trigger, a template snapshot taken, final_snapshot
  // switched on): preview shows retention running after it, so there must be a new snapshot to prune after.
  if (inputs.takeFinal) {
    const name = buildSnapshotName(inputs.prefix, new Date(), existing);
    await sequencer().mutate(inputs.node, [inputs.vmid], `snapshot CT ${inputs.vmid}`, () => client.snapshot(inputs.vmid, name, buildSnapshotDescription()));
    stepLog(inputs, `final snapshot '${name}' taken`);
    lastSnapshot = name;
  }
  return { ...inputs, lastSnapshot, templateSnapshotPresent: inputs.templateSnapshotName !== undefined };
}

/** Provider create: runs the step and returns its outputs. */
export async function create(inputs: FinalSnapshotInputs) {
  return { id: `${inputs.vmid}/final-snapshot`, outs: await apply(inputs) };
}
/** Provider update: runs the step again with the new inputs. */
export async function update(_id: string, olds: FinalSnapshotOutputs, news: FinalSnapshotInputs) {
  return { outs: await apply(news, olds) };
}

/** Checks the template snapshot still exists (clones need it); a container that is gone takes this step with it. */
export async function read(id: string, props: FinalSnapshotOutputs) {
  const list = await readSnapshotListFromInventory(inventory(), nodeTarget(props.node, props.connection, props.vmid), props.vmid).catch(goneIsUndefined);
  if (!list) return {};
  const names = list.snapshots.map((s) => s.name);
  return { id, props: { ...props, templateSnapshotPresent: props.templateSnapshotName !== undefined && names.includes(props.templateSnapshotName) } };
}

/** Snapshots go with their container; removing this step deletes nothing. */
export async function remove() {}
export { remove as delete };
