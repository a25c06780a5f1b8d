/**
 * The converge planner's view of a live container, built from the two facts a node holds about it: its run state
 * and its config file (core/conf-views derives what `pct config --current` and `pct pending` would print).
 */
import { currentConfigOf, parseConfText, pendingChangesOf } from "../conf-views";
import type { CtStatus } from "../pct-model";
import type { ObservedContainer } from "./apply-plan";

/** The observation plus the raw file text it was read from (the base of a raw-line edit). */
export interface ObservedWithFile extends ObservedContainer {
  /** The config file as read, for the compare-and-swap edit; undefined when the CT does not exist. */
  confText?: string;
}

/** What was read about an existing container. */
export interface ContainerFacts {
  /** Run state (`pct status` or the node's `pct list`). */
  status: CtStatus;
  /** `/etc/pve/lxc/<vmid>.conf`, byte for byte. */
  confText: string;
  /** The custom AppArmor profile file, when one is configured and exists on the node. */
  apparmorFile?: string;
  /** The node's /proc/devices, when GPUs are assigned. */
  procDevices?: string;
}

/** A container that does not exist. */
export const ABSENT: ObservedWithFile = Object.freeze({ exists: false, running: false, options: {}, pending: {}, rawLines: [] }) as ObservedWithFile;

/** Builds the observation of an existing container from its facts. */
export function observeContainer(vmid: number, facts: ContainerFacts): ObservedWithFile {
  const conf = parseConfText(facts.confText, vmid);
  const { options: all, lxc, description } = currentConfigOf(conf);
  const { lock, ...options } = all;
  const observed: ObservedWithFile = {
    exists: true,
    running: facts.status === "running",
    options,
    pending: pendingChangesOf(conf),
    // `env` is stored as these lines; they are not the user's raw lines.
    rawLines: lxc.filter((l) => l.key !== "lxc.environment.runtime").map((l) => `${l.key}: ${l.value}`),
    description,
    lock,
    confText: facts.confText,
  };
  if (facts.apparmorFile !== undefined) observed.apparmorFile = facts.apparmorFile;
  const uvm = facts.procDevices === undefined ? undefined : /^\s*(\d+)\s+nvidia-uvm$/m.exec(facts.procDevices);
  if (uvm) observed.uvmMajor = Number(uvm[1]);
  return observed;
}
