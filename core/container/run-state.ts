/**
 * Whether a container should run: the model of the Proxmox Terraform provider's `started` (default true). A
 * container managed that way that is found stopped — the node rebooted, someone ran `phoenix stop` — is drift:
 * refresh records `running: false`, preview shows `~ running: false => true`, and the up starts it. With
 * `"started": false` in the config its run state is the operator's (`phoenix start`/`stop`): refresh records it
 * as found and no up starts or stops it. A container an up has just created is started either way, because
 * its features, application script and health checks run inside it. Pure.
 */
import { ContainerInputs } from "./inputs";

type RunStateInputs = Pick<ContainerInputs, "running" | "started">;

/** True when the up keeps the container running (state written before `started` existed counts as true). */
export function isRunStateManaged(inputs: Pick<ContainerInputs, "started">): boolean {
  return inputs.started !== false;
}

/**
 * The `running` a refresh records in the resource's state (inputs and outputs alike, so preview's diff of old
 * against new inputs shows the start): what was observed when the run state is managed; otherwise the stored
 * value, so that a container left stopped on purpose shows no change.
 */
export function planRefreshedRunning(stored: RunStateInputs, observedRunning: boolean): boolean {
  return isRunStateManaged(stored) ? observedRunning : stored.running;
}

/**
 * The inputs `diff` compares: with an unmanaged run state the desired `running` is whatever the state holds,
 * so the run state alone never makes a change.
 */
export function planDesiredForDiff<T extends RunStateInputs>(stored: RunStateInputs, desired: T): T {
  return isRunStateManaged(desired) ? desired : { ...desired, running: stored.running };
}

/**
 * The run state a converge aims at: the desired one when managed, or for a container just created; otherwise
 * the observed one (neither started nor stopped).
 */
export function planConvergeRunning(desired: RunStateInputs, observedRunning: boolean, justCreated: boolean): boolean {
  return isRunStateManaged(desired) || justCreated ? desired.running : observedRunning;
}
