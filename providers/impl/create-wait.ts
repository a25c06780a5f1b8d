/**
 * A container an earlier run was still creating when that run was killed: its `pct create`/`pct clone` goes on
 * on the node (the node does not stop a task because the SSH client went away), holding `lock: create`. The next
 * up must neither adopt it half-made nor discard it under the running task: it waits for that task to end, then
 * decides on what the task left (a finished container is adopted, a failed one is gone or discarded as stuck).
 */
import { ContainerInputs } from "../../core/container/inputs";
import { PhoenixError } from "../../core/errors";
import { ObservedWithFile, readObservedContainer } from "../../host/container-io";
import { probeLockHolder } from "../../host/lock-probe";
import { CommandTransport, NodeTarget } from "../../host/transport";

/** A real `pct create` extracts a template and may take minutes on a slow storage; wait this long at most. */
const MAX_WAIT_MS = 15 * 60_000;
const POLL_MS = 1_000;

/** Returns `observed` at once, or, while a running task holds `lock: create`, what the node shows once it ends. */
export async function waitForEarlierCreate(transport: CommandTransport, target: NodeTarget, inputs: ContainerInputs, observed: ObservedWithFile, log: (line: string) => void): Promise<ObservedWithFile> {
  let current = observed;
  const end = Date.now() + MAX_WAIT_MS;
  let announced = false;
  while (current.exists && current.lock === "create") {
    if ((await probeLockHolder(transport, target, inputs.vmid)) !== "held-by-task") {
      // The task may have ended between the read and the probe (and removed the container, or finished it): what
      // counts is what it left, so read again after the probe.
      return readObservedContainer(transport, target, inputs.vmid, inputs);
    }
    if (Date.now() > end) {
      const hint = `on the node, check the task with: pvesh get /nodes/${inputs.node}/tasks --source active --vmid ${inputs.vmid}; run the up again when it has ended`;
      throw new PhoenixError("pct-locked", `CT ${inputs.vmid} on node '${inputs.node}' is still being created by a task that started before this run (lock 'create' for over ${MAX_WAIT_MS / 60_000} min)\n  next step: ${hint}`, { hint });
    }
    if (!announced) log(`CT ${inputs.vmid} on ${inputs.node}: an earlier run's create of it is still running (lock 'create'); waiting for it to end`);
    announced = true;
    await new Promise((r) => setTimeout(r, POLL_MS));
    current = await readObservedContainer(transport, target, inputs.vmid, inputs);
  }
  return current;
}
