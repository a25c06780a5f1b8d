/**
 * The converge plan of one container: observed live state + desired inputs → the commands to run. Used by
 * create (against the freshly created container), update and drift repair alike, so all three converge the
 * same way, and an already-converged container yields an empty plan (no mutating pct call).
 */
import { ContainerInputs } from "./inputs";
import { buildDesiredOptions, LIVE_KEYS, MANAGED_KEYS, sameOptionValue } from "./desired-options";
import { isEmptyMountPlan, MountPlan, parseLiveMounts, planMounts } from "./mount-plan";
import { parsePropertyString, parseSizeGiB } from "./pve-values";
import { buildDesiredRawLines } from "./raw-lines";

/** A container as read from the node in one round trip. */
export interface ObservedContainer {
  /** Whether the CT exists on the node. */
  exists: boolean;
  /** Whether it runs. */
  running: boolean;
  /** Applied config keys (`pct config --current`), raw lines and description excluded. */
  options: Record<string, string>;
  /** Pending changes: key → new value, or `null` for a pending deletion. */
  pending: Record<string, string | null>;
  /** Raw `lxc.*` lines of the main section, as `key: value`, in file order. */
  rawLines: string[];
  /** Decoded description. */
  description?: string;
  /** Config lock, if any. */
  lock?: string;
  /** Content of the custom AppArmor profile file on the node, when the inputs name one. */
  apparmorFile?: string;
  /** Major number of `nvidia-uvm` in the node's /proc/devices, when loaded. */
  uvmMajor?: number;
}

/** Everything to run to converge one container. */
export interface ApplyPlan {
  /** Options for one `pct set` (empty = no call). */
  set: Record<string, string>;
  /** Keys for `--delete` in the same call. */
  delete: string[];
  /**
   * Pending changes to drop (`--revert`): the applied value is the wanted one, or the key is to be deleted (PVE's
   * delete leaves a pending value in place). Sent before the set/delete when a key is in both lists, which PVE
   * refuses in one call.
   */
  revert: string[];
  /** Disks to grow, `pct resize <vmid> <disk> <size>G`. */
  resize: { disk: string; sizeGiB: number }[];
  /** The new full set of raw lines for the main section, when it differs from the live one. */
  rawLines?: string[];
  /** The AppArmor profile file to (re)write on the node. */
  apparmorFile?: { path: string; content: string };
  /** What changed, one entry per key, for logs and preview: `memory: 1024 → 2048`. */
  changes: string[];
  /** Keys that stay pending until a restart (only when the container runs). */
  needsRestart: string[];
  /** Start or stop to reach the desired power state. */
  power?: "start" | "stop";
  /** Changes PVE cannot make (shrinking a disk): the update must fail with these. */
  refusals: string[];
}

/** Plans the commands that converge `observed` to `inputs`. Pure. */
export function planApply(observed: ObservedContainer, inputs: ContainerInputs): ApplyPlan {
  const plan: ApplyPlan = { set: {}, delete: [], revert: [], resize: [], changes: [], needsRestart: [], refusals: [] };
  const desired = buildDesiredOptions(inputs);
  const restartable = (key: string) => observed.running && !LIVE_KEYS.has(key);
  for (const key of MANAGED_KEYS) {
    const want = desired[key];
    // The description is observed decoded and apart from the options (pct prints it percent-encoded).
    const current = key === "description" ? observed.description : observed.options[key];
    const pending = key in observed.pending ? observed.pending[key] : undefined;
    const effective = pending === undefined ? current : pending ?? undefined;
    if (sameOptionValue(key, want, effective)) {
      // Already asked for; only waiting for a restart (e.g. a run with restart_policy never).
      if (pending !== undefined && !sameOptionValue(key, want, current)) plan.needsRestart.push(key);
      continue;
    }
    if (pending !== undefined && sameOptionValue(key, want, current)) {
      // Only a pending change differs (a field edited, then restored, under restart_policy never). `--delete` would
      // not undo a pending value of a key with no applied value: PVE queues the delete and then drops it as one of
      // a key that is not set (docs/pve-behaviour.md §3.5). `--revert` drops the pending change, and nothing waits.
      plan.revert.push(key);
      plan.changes.push(`${key}: ${pending ?? "(pending delete)"} → ${want ?? "(unset)"} (pending change dropped)`);
      continue;
    }
    if (want === undefined) {
      plan.delete.push(key);
      // The delete alone would leave a pending new value, applied again by the next restart.
      if (typeof pending === "string") plan.revert.push(key);
    } else plan.set[key] = key === "description" ? keepUserNotes(want, observed.description) : want;
    plan.changes.push(`${key}: ${effective ?? "(unset)"} → ${want ?? "(unset)"}`);
    if (restartable(key)) plan.needsRestart.push(key);
  }
  planDisks(observed, inputs, plan);
  const rawWanted = buildDesiredRawLines(inputs, observed.uvmMajor);
  if (JSON.stringify([...rawWanted].sort()) !== JSON.stringify([...observed.rawLines].sort())) {
    plan.rawLines = rawWanted;
    plan.changes.push(`raw lxc lines: ${describeSetChange(observed.rawLines, rawWanted)}`);
    if (observed.running) plan.needsRestart.push("lxc");
  }
  if (inputs.apparmor && inputs.apparmor !== "unconfined" && observed.apparmorFile !== inputs.apparmor.content) {
    plan.apparmorFile = { path: `/etc/apparmor.d/${inputs.apparmor.fileName}`, content: inputs.apparmor.content };
    plan.changes.push(`apparmor profile file ${inputs.apparmor.fileName}: ${observed.apparmorFile === undefined ? "missing" : "content differs"}`);
    if (observed.running) plan.needsRestart.push("apparmor");
  }
  if (inputs.running && !observed.running) plan.power = "start";
  if (!inputs.running && observed.running) plan.power = "stop";
  plan.needsRestart = [...new Set(plan.needsRestart)];
  return plan;
}

/** One `pct set` of a plan. */
export interface SetCall {
  set: Record<string, string>;
  delete: string[];
  revert: string[];
}

/**
 * The `pct set` calls of a plan, in order: one, or two when a key is both reverted and deleted (PVE refuses
 * `--delete k --revert k` in one call), the reverts first so the delete is not undone by a pending value.
 */
export function planSetCalls(plan: Pick<ApplyPlan, "set" | "delete" | "revert">): SetCall[] {
  const calls: SetCall[] = [];
  const revertFirst = plan.revert.some((k) => plan.delete.includes(k));
  if (revertFirst) calls.push({ set: {}, delete: [], revert: plan.revert });
  const main: SetCall = { set: plan.set, delete: plan.delete, revert: revertFirst ? [] : plan.revert };
  if (Object.keys(main.set).length + main.delete.length + main.revert.length > 0) calls.push(main);
  return calls;
}

/** True when the plan runs no mutating command. */
export function isEmptyPlan(plan: ApplyPlan): boolean {
  return Object.keys(plan.set).length + plan.delete.length + plan.revert.length + plan.resize.length === 0 && !plan.rawLines && !plan.apparmorFile && !plan.power && plan.needsRestart.length === 0;
}

function planDisks(observed: ObservedContainer, inputs: ContainerInputs, plan: ApplyPlan): void {
  const rootSize = parseSizeGiB(parsePropertyString(observed.options.rootfs ?? "", "volume").size ?? "");
  if (Number.isFinite(rootSize) && inputs.rootfsGiB > rootSize) {
    plan.resize.push({ disk: "rootfs", sizeGiB: inputs.rootfsGiB });
    plan.changes.push(`rootfs: ${rootSize}G → ${inputs.rootfsGiB}G`);
  } else if (Number.isFinite(rootSize) && inputs.rootfsGiB < rootSize) {
    plan.refusals.push(buildShrinkRefusal(inputs.vmid, "rootfs", rootSize, inputs.rootfsGiB));
  }
  for (const m of parseLiveMounts(observed.options)) {
    const v = inputs.volumes.find((x) => x.mountPoint === m.mountPoint && x.storage === m.volume.split(":")[0]);
    if (v && m.sizeGiB !== undefined && v.sizeGiB < m.sizeGiB) plan.refusals.push(buildShrinkRefusal(inputs.vmid, `volume ${m.mountPoint}`, m.sizeGiB, v.sizeGiB));
  }
  const mounts: MountPlan = planMounts(observed.options, observed.pending, inputs);
  if (isEmptyMountPlan(mounts)) return;
  for (const a of mounts.add) { plan.set[a.key] = a.value; plan.changes.push(`${a.key}: add ${a.value}`); }
  for (const c of mounts.change) {
    plan.set[c.key] = c.value;
    plan.changes.push(`${c.key}: ${observed.options[c.key] ?? "(unset)"} → ${c.value}`);
    if (observed.running) plan.needsRestart.push(c.key);
  }
  for (const r of mounts.revert) {
    plan.revert.push(r);
    if (!mounts.remove.includes(r)) plan.changes.push(`${r}: pending ${observed.pending[r] ?? "detach"} dropped, keeps ${observed.options[r] ?? "(unset)"}`);
  }
  for (const r of mounts.remove) {
    plan.delete.push(r);
    plan.changes.push(`${r}: detach ${observed.options[r]}`);
    if (observed.running) plan.needsRestart.push(r);
  }
  // Already asked for by an earlier run; only waiting for a restart.
  if (observed.running) plan.needsRestart.push(...mounts.waiting);
  for (const r of mounts.resize) { plan.resize.push(r); plan.changes.push(`${r.disk}: grow to ${r.sizeGiB}G`); }
}

/**
 * The refusal of a disk shrink, in the config's terms, with the fix. PVE's `pct resize` only grows a disk
 * (a smaller size fails with "unable to shrink disk size"), so a smaller disk means a new container.
 */
export function buildShrinkRefusal(vmid: number, disk: string, currentGiB: number, wantedGiB: number): string {
  const field = disk === "rootfs" ? "storage_size_gb" : `the size_gb of the ${disk}`;
  return `CT ${vmid}: ${disk} is ${currentGiB} GiB and PVE cannot shrink it to ${wantedGiB} GiB; set ${field} to ${currentGiB} or more (a smaller disk needs a new container: phoenix destroy ${vmid}, then phoenix up)`;
}

function keepUserNotes(marker: string, description: string | undefined): string {
  const notes = (description ?? "").split("\n").filter((l) => l.trim() !== "" && !l.startsWith("phoenix-lxc managed-by="));
  return [marker, ...notes].join("\n");
}

function describeSetChange(before: readonly string[], after: readonly string[]): string {
  const added = after.filter((l) => !before.includes(l));
  const removed = before.filter((l) => !after.includes(l));
  return [...added.map((l) => `+ ${l}`), ...removed.map((l) => `- ${l}`)].join("; ");
}

