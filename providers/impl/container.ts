/**
 * The container resource's implementation: create or clone (or adopt), converge the configuration, start;
 * update by the same converge; read for drift; delete with purge. The provider object in
 * providers/container.ts loads this module lazily and forwards each call.
 */
import { decideContainerDiff } from "../../core/container/diff-decision";
import { hasOwnershipMarker, ownershipMarker } from "../../core/container/desired-options";
import { checkAdoptable, checkDestroyable } from "../../core/container/ownership-checks";
import { ContainerInputs } from "../../core/container/inputs";
import { isEmptyPlan, ObservedContainer, planApply, planSetCalls } from "../../core/container/apply-plan";
import { buildInstanceId, ContainerIdentity, planConvergedIdentity } from "../../core/container/identity";
import { planRefreshedPendingRestart, planRestartAction } from "../../core/container/restart-plan";
import { PhoenixError } from "../../core/errors";
import { readObservedContainer, readObservedFromInventory, writeNodeApparmorProfile, writeRawLines, ObservedWithFile } from "../../host/container-io";
import { findContainerInputFailures } from "../../core/container/inputs-schema";
import { containsUnknown } from "../../core/unknown";
import { partialFailure, plainJson } from "./partial";
import { probeLockHolder } from "../../host/lock-probe";
import { NodeTarget } from "../../host/transport";
import type { CtStatus } from "../../core/pct-model";
import { clientFor, inventory, nodeTarget, sequencer, transport } from "./runtime";
import { waitForEarlierCreate } from "./create-wait";
import { planConvergeRunning, planRefreshedRunning } from "../../core/container/run-state";

/** What the resource stores: its inputs as applied, plus what was observed on the node. */
export interface ContainerOutputs extends ContainerInputs {
  /** The live state after the last create/update/read (drift is desired vs this). */
  observed: ObservedContainer;
  /** `running` or `stopped`. */
  status: string;
  /** Keys changed but waiting for a restart (restart_policy never). */
  pendingRestart: string[];
  /** What the last create/update changed, one line per key. */
  lastChanges: string[];
  /** Increases with every create and update; the steps after the container key on it (core/container/identity). */
  generation: number;
  /** New for every container this tool brings into being (absent in state from before it existed). */
  instance?: string;
}

const mintInstance = () => buildInstanceId(Date.now(), Math.random());

const log = (line: string) => console.log(`[phoenix] ${line}`);

/** Validates inputs before anything reaches a node (core/container/inputs-schema); values still unknown are not judged. */
export async function check(_olds: ContainerInputs, news: ContainerInputs) {
  const failures = findContainerInputFailures(news);
  return failures.length ? { inputs: news, failures } : { inputs: news };
}

/** Diff: the decision is core's (core/container/diff-decision); this maps it to Pulumi's answer and logs its lines. */
export async function diff(_id: string, olds: ContainerOutputs, news: ContainerInputs) {
  if (containsUnknown(news)) return { changes: true };
  const decision = decideContainerDiff(olds, news);
  if (decision.refused.length) throw new PhoenixError("config", decision.refused.join("\n"));
  for (const line of decision.lines) log(line);
  return {
    changes: decision.changes,
    replaces: decision.replaces,
    // Same VMID: the old container must be gone before the new one is created.
    deleteBeforeReplace: true,
    // A plain start keeps the container's step key, so the preview shows nothing after it changing (converge).
    ...(decision.onlyStart ? { stables: ["generation", "instance"] } : {}),
  };
}

/** Creates (or clones, or adopts) the container, converges it, starts it. */
export async function create(inputs: ContainerInputs): Promise<{ id: string; outs: ContainerOutputs }> {
  const id = String(inputs.vmid);
  const t = nodeTarget(inputs.node, inputs.connection, inputs.vmid);
  const existing = await waitForEarlierCreate(transport(), t, inputs, await readObservedContainer(transport(), t, inputs.vmid, inputs), log);
  const halfMade = existing.exists && hasOwnershipMarker(existing.description, inputs.owner) && (await isHalfCreated(t, inputs.vmid, existing));
  if (halfMade) await discardHalfCreated(inputs);
  if (existing.exists && !halfMade) {
    checkAdoptable(inputs, existing.description);
    log(`CT ${inputs.vmid} on ${inputs.node}: adopting the existing container`);
  } else {
    try {
      await createFromSource(inputs);
    } catch (error) {
      // A create/clone that died half-way (dropped connection, timeout) leaves `lock: create` behind. Record the
      // CT in state: the next up then updates it, which discards and redoes it, instead of finding a stranger.
      const after = await readObservedContainer(transport(), t, inputs.vmid, inputs).catch(() => undefined);
      if (after?.exists && after.lock === "create" && !(error instanceof PhoenixError && error.code === "pct-already-exists")) {
        throw partialFailure(id, outputsOf(inputs, after, [], { generation: 0, instance: mintInstance() }), error);
      }
      throw error;
    }
  }
  // A new container (or one adopted into this resource): the steps after it must all run for it.
  const identity: ContainerIdentity = { generation: 0, instance: mintInstance() };
  try {
    // Just created or cloned: stopped, as `pct create`/`clone` leave it (an adopted one's state is read).
    return { id, outs: await converge(inputs, identity, existing.exists && !halfMade ? undefined : "stopped") };
  } catch (error) {
    // The container exists now: record it so the next up continues instead of colliding with it.
    const observed = await readObservedContainer(transport(), t, inputs.vmid, inputs).catch(() => existing);
    throw partialFailure(id, outputsOf(inputs, observed, [], { ...identity, generation: 1 }), error);
  }
}

/** Applies what changed; restarts when needed (unless restart_policy is never). */
export async function update(id: string, olds: ContainerOutputs, news: ContainerInputs): Promise<{ outs: ContainerOutputs }> {
  const identity: ContainerIdentity = { generation: olds.generation ?? 0, instance: olds.instance };
  try {
    return { outs: await converge(news, identity) };
  } catch (error) {
    const observed = await readObservedContainer(transport(), nodeTarget(news.node, news.connection, news.vmid), news.vmid, news).catch(() => olds.observed);
    throw partialFailure(id, outputsOf(news, observed, [], identity), error);
  }
}

/** Reads the live container; a container that is gone is reported as gone (refresh removes it from state). */
export async function read(id: string, props: ContainerOutputs) {
  // A refresh reads every resource at once: the node's inventory answers them all (host/inventory-reader).
  const observed = await readObservedFromInventory(inventory(), nodeTarget(props.node, props.connection, props.vmid), props.vmid, props);
  if (!observed.exists) return {};
  // Raw lines and the AppArmor file have no pending section: their pending restart is remembered (core/container/restart-plan).
  const pendingRestart = planRefreshedPendingRestart(observed, props.pendingRestart);
  // The refreshed `running` goes into the inputs too: preview diffs old inputs against new ones, so a container
  // found stopped shows as `running: false => true`.
  const outs = outputsOf({ ...props, running: planRefreshedRunning(props, observed.running) }, observed, props.lastChanges ?? [], { generation: props.generation ?? 0, instance: props.instance }, pendingRestart);
  return { id, props: outs, inputs: inputsOf(outs) };
}

/** Stops and destroys with purge; already gone is success. Never destroys a container another owner manages. */
async function destroy(_id: string, props: ContainerOutputs): Promise<void> {
  const client = clientFor(props.node, props.connection, props.vmid);
  await sequencer().mutate(props.node, [props.vmid], `destroy CT ${props.vmid}`, async () => {
    const observed = await readObservedContainer(transport(), client.node, props.vmid);
    if (!observed.exists) return;
    checkDestroyable(props, observed.description);
    if (observed.running) await client.stop(props.vmid);
    await client.destroy(props.vmid, { purge: true });
    log(`CT ${props.vmid} on ${props.node}: destroyed`);
  });
}
export { destroy as delete };

async function createFromSource(inputs: ContainerInputs): Promise<void> {
  const client = clientFor(inputs.node, inputs.connection, inputs.vmid);
  const marker = ownershipMarker(inputs.owner);
  if (inputs.source.kind === "template") {
    const { ostemplate } = inputs.source;
    // Every key `pct create` accepts goes into the create itself — the managed keys and new mount points, as the
    // converge plan for an empty container sets them — so the converge after it has nothing to `pct set`.
    const initial = planApply({ exists: true, running: false, options: {}, pending: {}, rawLines: [] }, inputs).set;
    await sequencer().mutate(inputs.node, [inputs.vmid], `create CT ${inputs.vmid}`, () =>
      client.create(inputs.vmid, ostemplate, {
        ...initial,
        description: marker,
        storage: inputs.storage,
        rootfs: `${inputs.storage}:${inputs.rootfsGiB}`,
        unprivileged: inputs.unprivileged,
        ostype: inputs.ostype,
      }),
    );
    log(`CT ${inputs.vmid} on ${inputs.node}: created from ${ostemplate}`);
  } else {
    const { fromVmid, snapname } = inputs.source;
    await sequencer().mutate(inputs.node, [fromVmid, inputs.vmid], `clone CT ${fromVmid} → ${inputs.vmid}`, () =>
      client.clone(fromVmid, inputs.vmid, { snapname, hostname: inputs.hostname, description: marker, full: true, storage: inputs.storage }),
    );
    log(`CT ${inputs.vmid} on ${inputs.node}: cloned from CT ${fromVmid} snapshot '${snapname}'`);
  }
}

/** True for the leftover of a create/clone whose task died: `lock: create` with no running task holding it. */
async function isHalfCreated(target: NodeTarget, vmid: number, observed: ObservedContainer): Promise<boolean> {
  return observed.exists && observed.lock === "create" && (await probeLockHolder(transport(), target, vmid)) === "stuck";
}

/**
 * Destroys a half-created CT of ours (its rootfs may be half-extracted) and, for a clone, the `disk` lock the
 * dead clone task left on its source when no running task holds it.
 */
async function discardHalfCreated(inputs: ContainerInputs): Promise<void> {
  const client = clientFor(inputs.node, inputs.connection, inputs.vmid);
  const vmid = inputs.vmid;
  log(`CT ${vmid} on ${inputs.node}: an earlier create stopped half-way (lock 'create', no task running); destroying the partial container to create it again`);
  await sequencer().mutate(inputs.node, [vmid], `discard half-created CT ${vmid}`, async () => {
    try {
      await client.unlock(vmid);
      await client.destroy(vmid, { purge: true });
    } catch (error) {
      // The create task that left it may have cleaned up after itself meanwhile: gone is what we wanted.
      if (!(error instanceof PhoenixError && error.code === "pct-not-found")) throw error;
    }
  });
  if (inputs.source.kind !== "clone") return;
  const from = inputs.source.fromVmid;
  const source = await readObservedContainer(transport(), client.node, from);
  if (source.lock === "disk" && (await probeLockHolder(transport(), client.node, from)) === "stuck") {
    log(`CT ${from} on ${inputs.node}: removing the 'disk' lock the interrupted clone left on it`);
    await sequencer().mutate(inputs.node, [from], `unlock CT ${from}`, () => client.unlock(from));
  }
}

/**
 * Reads, plans, applies, restarts/starts as needed, reads again. An already converged CT costs one read.
 * `knownStatus`: the run state the caller just left it in (no `pct status` needed to learn it).
 */
async function converge(inputs: ContainerInputs, prior: ContainerIdentity, knownStatus?: CtStatus): Promise<ContainerOutputs> {
  // Every create and update is a new generation, but for a plain start (core/container/identity, `planConvergedIdentity`).
  let identity: ContainerIdentity = { ...prior, generation: prior.generation + 1 };
  const client = clientFor(inputs.node, inputs.connection, inputs.vmid);
  const target = client.node;
  // create passes "stopped" exactly when it has just made the container: that one is started whatever `started` says.
  let created = knownStatus === "stopped";
  let observed = await readObservedContainer(transport(), target, inputs.vmid, { ...inputs, knownStatus });
  if (await isHalfCreated(target, inputs.vmid, observed)) {
    // State says this CT is ours; its create never finished (see create): nothing in it is worth keeping.
    await discardHalfCreated(inputs);
    await createFromSource(inputs);
    identity = { ...identity, instance: mintInstance() };
    created = true;
    observed = await readObservedContainer(transport(), target, inputs.vmid, inputs);
  }
  if (!observed.exists) throw new PhoenixError("pct-not-found", `CT ${inputs.vmid} does not exist on node '${inputs.node}'`, { hint: "run `pulumi refresh` so the state forgets it, then `pulumi up` creates it again" });
  const plan = planApply(observed, { ...inputs, running: planConvergeRunning(inputs, observed.running, created) });
  // Only a disk grown by hand beyond the config gets here (diff refuses a config that asks for a shrink).
  for (const r of plan.refusals) log(`note: ${r}; until then the disk stays as it is`);
  if (isEmptyPlan(plan)) return outputsOf(inputs, observed, [], identity);
  const vmid = inputs.vmid;
  await sequencer().mutate(inputs.node, [vmid], `configure CT ${vmid}`, async () => {
    if (plan.apparmorFile) await writeNodeApparmorProfile(transport(), target, plan.apparmorFile.path, plan.apparmorFile.content);
    // The raw-line edit goes first: it compares against the file as read, which `pct set` would rewrite.
    if (plan.rawLines && observed.confText !== undefined) await writeRawLines(transport(), target, vmid, observed.confText, plan.rawLines);
    for (const call of planSetCalls(plan)) await client.set(vmid, call.set, { delete: call.delete, revert: call.revert });
    for (const r of plan.resize) await client.resize(vmid, r.disk, `${r.sizeGiB}G`);
  });
  if (plan.changes.length) log(`CT ${vmid} on ${inputs.node}: ${plan.changes.join("; ")}`);
  const restart = planRestartAction(plan, observed.running, inputs);
  if (restart === "restart") {
    await sequencer().mutate(inputs.node, [vmid], `restart CT ${vmid}`, () => client.reboot(vmid));
    log(`CT ${vmid} on ${inputs.node}: restarted to apply ${plan.needsRestart.join(", ")}`);
  }
  const pendingRestart = restart === "pending" ? plan.needsRestart : [];
  if (restart === "pending") log(`CT ${vmid} on ${inputs.node}: ${pendingRestart.join(", ")} pending until the next restart (restart_policy: never)`);
  if (plan.power === "start") await sequencer().mutate(inputs.node, [vmid], `start CT ${vmid}`, () => client.start(vmid));
  if (plan.power === "stop") await sequencer().mutate(inputs.node, [vmid], `stop CT ${vmid}`, () => client.shutdown(vmid, { forceStop: true }));
  // A plain start of a container with nothing pending changes no config key: what was read plus `running` is the
  // live state, and reading it again would only add a round trip to every cold create.
  const onlyStarted = plan.power === "start" && plan.changes.length === 0 && plan.needsRestart.length === 0 && Object.keys(observed.pending).length === 0;
  const powerState = plan.power === "start" ? "running" : plan.power === "stop" ? "stopped" : undefined;
  const after = onlyStarted ? { ...observed, running: true } : await readObservedContainer(transport(), target, vmid, { ...inputs, knownStatus: powerState });
  // Starting a container that was found stopped changes nothing in it: the steps after it need not run again.
  return outputsOf(inputs, after, plan.changes, planConvergedIdentity(prior, identity, onlyStarted), pendingRestart);
}

/** The inputs part of stored outputs (what a refresh records as the resource's inputs). */
function inputsOf(outs: ContainerOutputs): ContainerInputs {
  const { observed: _o, status: _s, pendingRestart: _p, lastChanges: _l, generation: _g, instance: _i, ...inputs } = outs;
  return inputs;
}

function outputsOf(inputs: ContainerInputs, observed: ObservedContainer, changes: string[], identity: ContainerIdentity, pendingRestart: string[] = []): ContainerOutputs {
  const { confText: _omit, ...kept } = observed as ObservedWithFile;
  return plainJson({ ...inputs, observed: kept, status: observed.running ? "running" : "stopped", pendingRestart, lastChanges: changes, ...identity });
}
