/**
 * The pure decision behind a container resource's `diff`: which fields differ between what the state says
 * (the outputs of the last create/update/read — the observed container) and what the program wants, and what
 * each difference costs (live, restart, replace). No I/O: diff runs for every resource on every preview.
 */
import { CONTAINER_CHANGE_POLICY, ChangeClass, classifyMountListChange } from "./change-policy";
import { describeFieldChange } from "./field-labels";
import { ContainerInputs } from "./inputs";
import { ApplyPlan, buildShrinkRefusal } from "./apply-plan";

/** Fields compared as unordered sets: the order in the config carries no meaning for PVE. */
const SET_FIELDS = new Set<keyof ContainerInputs>(["nameservers", "features", "tags", "lxcOptions", "gpus"]);

/** The classified differences of one container. */
export interface ContainerChangeSet {
  /** Every field that differs (ignored fields excluded), in policy-table order. */
  changed: (keyof ContainerInputs)[];
  /** Fields whose change replaces the container. */
  replace: (keyof ContainerInputs)[];
  /** Fields applied without a restart. */
  live: (keyof ContainerInputs)[];
  /** Fields that wait for a restart (only when the container runs). */
  restart: (keyof ContainerInputs)[];
  /** Problems that make the change impossible, e.g. shrinking a disk. */
  refusals: { field: keyof ContainerInputs; reason: string }[];
}

/** Normalises a value for comparison: sets sorted, objects with sorted keys, undefined fields dropped. */
export function canonicalValue(field: keyof ContainerInputs, value: unknown): string {
  const sortValue = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortValue);
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sortValue(x)]));
    }
    return v;
  };
  // A clone is a one-time copy: which snapshot of the source it was made from is history. Renaming the source's
  // template_snapshot_name tells where NEW clones come from; it must not replace the clones already made.
  let v = sortValue(field === "source" ? withoutCloneSnapshot(value) : value);
  if (SET_FIELDS.has(field) && Array.isArray(v)) v = [...v].map((x) => (typeof x === "string" && field === "tags" ? x.toLowerCase() : x)).sort();
  if ((field === "volumes" || field === "bindMounts") && Array.isArray(v)) v = [...(v as { mountPoint: string }[])].sort((a, b) => a.mountPoint.localeCompare(b.mountPoint));
  return JSON.stringify(v ?? null);
}

function withoutCloneSnapshot(source: unknown): unknown {
  if (!source || typeof source !== "object" || (source as { kind?: unknown }).kind !== "clone") return source;
  const { snapname: _history, ...rest } = source as Record<string, unknown>;
  return rest;
}

/**
 * Classifies the differences between `observed` (state) and `desired` (program). `running` is whether the
 * container runs now: on a stopped container nothing needs a restart.
 */
export function classifyContainerChanges(observed: ContainerInputs, desired: ContainerInputs, running: boolean): ContainerChangeSet {
  const result: ContainerChangeSet = { changed: [], replace: [], live: [], restart: [], refusals: [] };
  for (const field of Object.keys(CONTAINER_CHANGE_POLICY) as (keyof ContainerInputs)[]) {
    const policy: ChangeClass = CONTAINER_CHANGE_POLICY[field];
    if (policy === "ignore") continue;
    if (canonicalValue(field, observed[field]) === canonicalValue(field, desired[field])) continue;
    result.changed.push(field);
    let cls: ChangeClass = policy;
    if (field === "volumes") cls = classifyMountListChange(observed.volumes ?? [], desired.volumes ?? []);
    if (field === "bindMounts") cls = classifyMountListChange(observed.bindMounts ?? [], desired.bindMounts ?? []);
    if (field === "rootfsGiB" && desired.rootfsGiB < observed.rootfsGiB) {
      result.refusals.push({ field, reason: buildShrinkRefusal(desired.vmid, "rootfs", observed.rootfsGiB, desired.rootfsGiB) });
    }
    if (field === "volumes") {
      for (const v of desired.volumes ?? []) {
        // A volume moved to another storage is a new volume: any size is fine.
        const before = (observed.volumes ?? []).find((o) => o.mountPoint === v.mountPoint && o.storage === v.storage);
        if (before && v.sizeGiB < before.sizeGiB) {
          result.refusals.push({ field, reason: buildShrinkRefusal(desired.vmid, `volume ${v.mountPoint}`, before.sizeGiB, v.sizeGiB) });
        }
      }
    }
    if (cls === "replace") result.replace.push(field);
    else if (cls === "restart" && running) result.restart.push(field);
    else result.live.push(field);
  }
  return result;
}

/**
 * One line for preview and logs, in the config's own names and values:
 * `CT 950: memory_mb 256 → 260 (live); pct_options nesting=1 → nesting=1, keyctl=1 (restart: the container will be restarted)`.
 */
export function describeChangeSet(vmid: number, changes: ContainerChangeSet, restartPolicy: "restart" | "never", observed: ContainerInputs, desired: ContainerInputs): string {
  const restartNote = restartPolicy === "never" ? "restart: left pending, restart_policy is never" : "restart: the container will be restarted";
  const note = (field: keyof ContainerInputs) =>
    changes.replace.includes(field) ? "replaces the container" : changes.restart.includes(field) ? restartNote : "live";
  const parts = changes.changed.map((field) => `${describeFieldChange(field, observed[field], desired[field])} (${note(field)})`);
  return `CT ${vmid}: ${parts.length ? parts.join("; ") : "no changes"}`;
}

/**
 * What PVE cannot do of a change the config asks for (a smaller disk than the state's), so preview refuses it
 * before an up would fail half-way; the live container as last observed (`live`, when known) adds its sizes. A
 * replacement makes a new container at any size: nothing to refuse. A disk grown by hand beyond an unchanged
 * config is no request: it is left as it is (refusing it in `diff` would also fail every `pulumi refresh`,
 * whose own diff compares the refreshed disk with the unchanged config).
 */
export function planRefusals(changes: ContainerChangeSet, live: Pick<ApplyPlan, "refusals"> | undefined): string[] {
  if (changes.replace.length || changes.refusals.length === 0) return [];
  return [...new Set([...changes.refusals.map((r) => r.reason), ...(live?.refusals ?? [])])];
}
