/**
 * Mount points in stable `mpN` slots. A mount is identified by its path inside the container: a re-run finds
 * the slot that already holds the path and allocates nothing (the original allocated a fresh volume on every
 * run, docs/pve-behaviour.md §O). New mounts take the lowest free slot.
 */
import { ContainerInputs } from "./inputs";
import { parsePropertyString, parseSizeGiB } from "./pve-values";

/** One live `mpN` entry, parsed. */
export interface LiveMount {
  /** `mp0` … `mp255`. */
  key: string;
  /** Volume id (`local-lvm:vm-100-disk-1`) or host path (`/srv/data`). */
  volume: string;
  /** Path inside the container. */
  mountPoint: string;
  /** Size in GiB when the entry has one. */
  sizeGiB?: number;
  /** Read-only flag. */
  readOnly: boolean;
}

/** What to do with the mount points. */
export interface MountPlan {
  /** New entries (`pct set --mpN …`): allocation syntax for volumes, host path for binds. Hot-pluggable. */
  add: { key: string; value: string }[];
  /** Entries whose definition changed; applied at the next restart on a running container. */
  change: { key: string; value: string }[];
  /** Entries to detach (`--delete mpN`); PVE keeps detached volumes as `unusedN`, so no data is lost. */
  remove: string[];
  /** Pending changes to drop (`--revert mpN`): what is applied is what the config wants, or the slot is unwanted. */
  revert: string[];
  /** Entries whose wanted change is already pending: nothing to send, they wait for a restart. */
  waiting: string[];
  /** Volumes to grow (`pct resize <vmid> mpN <size>G`). */
  resize: { disk: string; sizeGiB: number }[];
}

/** Parses every `mpN` key of a config. */
export function parseLiveMounts(options: Record<string, string>): LiveMount[] {
  return Object.entries(options)
    .filter(([k]) => /^mp\d+$/.test(k))
    .map(([key, value]) => parseMount(key, value))
    .sort((a, b) => Number(a.key.slice(2)) - Number(b.key.slice(2)));
}

function parseMount(key: string, value: string): LiveMount {
  const p = parsePropertyString(value, "volume");
  return { key, volume: p.volume ?? "", mountPoint: p.mp ?? "", sizeGiB: p.size ? parseSizeGiB(p.size) : undefined, readOnly: p.ro === "1" };
}

const storageOf = (volume: string) => (volume.startsWith("/") ? undefined : volume.split(":")[0]);

/** One `mpN` slot: its applied entry and its pending one (`null`: a pending detach; undefined: nothing pending). */
interface Slot {
  key: string;
  applied?: LiveMount;
  pending?: LiveMount | null;
}

/** A mount the config asks for, with the test of whether an entry already is it. */
interface WantedMount {
  mountPoint: string;
  value: string;
  is(entry: LiveMount): boolean;
  /** For a volume: its size, to grow the applied one. */
  volume?: { storage: string; sizeGiB: number };
}

function wantedMounts(inputs: Pick<ContainerInputs, "volumes" | "bindMounts">): WantedMount[] {
  return [
    ...inputs.volumes.map((v) => ({
      mountPoint: v.mountPoint, value: `${v.storage}:${v.sizeGiB},mp=${v.mountPoint}`, volume: { storage: v.storage, sizeGiB: v.sizeGiB },
      is: (e: LiveMount) => e.mountPoint === v.mountPoint && storageOf(e.volume) === v.storage,
    })),
    ...inputs.bindMounts.map((b) => ({
      mountPoint: b.mountPoint, value: `${b.hostPath},mp=${b.mountPoint}${b.readOnly ? ",ro=1" : ""}`,
      is: (e: LiveMount) => e.mountPoint === b.mountPoint && e.volume === b.hostPath && e.readOnly === Boolean(b.readOnly),
    })),
  ];
}

function slotsOf(options: Record<string, string>, pending: Record<string, string | null>): Slot[] {
  const keys = new Set([...Object.keys(options), ...Object.keys(pending)].filter((k) => /^mp\d+$/.test(k)));
  return [...keys].sort((a, b) => Number(a.slice(2)) - Number(b.slice(2))).map((key) => ({
    key,
    applied: options[key] === undefined ? undefined : parseMount(key, options[key]!),
    pending: !(key in pending) ? undefined : pending[key] === null ? null : parseMount(key, pending[key]!),
  }));
}

/** What the slot will hold after the next restart. */
const effectiveOf = (slot: Slot): LiveMount | undefined => (slot.pending === undefined ? slot.applied : slot.pending ?? undefined);

/**
 * Plans the mount points of `inputs` against the applied entries and the pending ones. A change already pending
 * is not sent again (it waits for a restart); a pending change the config no longer wants is reverted, since
 * PVE's `--delete` leaves a pending value in place (docs/pve-behaviour.md §3.5) and a restart would apply it.
 */
export function planMounts(options: Record<string, string>, pending: Record<string, string | null>, inputs: Pick<ContainerInputs, "volumes" | "bindMounts">): MountPlan {
  const slots = slotsOf(options, pending);
  const plan: MountPlan = { add: [], change: [], remove: [], revert: [], waiting: [], resize: [] };
  const used = new Set(slots.map((s) => Number(s.key.slice(2))));
  const nextSlot = () => {
    let n = 0;
    while (used.has(n)) n++;
    used.add(n);
    return `mp${n}`;
  };
  const claimed = new Set<string>();
  for (const want of wantedMounts(inputs)) {
    const slot = slots.find((s) => !claimed.has(s.key) && effectiveOf(s)?.mountPoint === want.mountPoint)
      ?? slots.find((s) => !claimed.has(s.key) && s.applied?.mountPoint === want.mountPoint);
    if (!slot) {
      plan.add.push({ key: nextSlot(), value: want.value });
      continue;
    }
    claimed.add(slot.key);
    const effective = effectiveOf(slot);
    const applied = slot.applied && want.is(slot.applied) ? slot.applied : undefined;
    if (effective && want.is(effective)) {
      if (slot.pending !== undefined) (applied ? plan.revert : plan.waiting).push(slot.key);
    } else if (applied) plan.revert.push(slot.key);
    else plan.change.push({ key: slot.key, value: want.value });
    if (want.volume && applied?.sizeGiB !== undefined && want.volume.sizeGiB > applied.sizeGiB) plan.resize.push({ disk: slot.key, sizeGiB: want.volume.sizeGiB });
  }
  for (const slot of slots) {
    if (claimed.has(slot.key)) continue;
    // A pending new value would come back at the restart even after a delete: drop it first.
    if (slot.pending) plan.revert.push(slot.key);
    if (slot.applied && slot.pending === null) plan.waiting.push(slot.key);
    else if (slot.applied) plan.remove.push(slot.key);
  }
  return plan;
}

/** True when nothing is to be done. */
export function isEmptyMountPlan(plan: MountPlan): boolean {
  return plan.add.length + plan.change.length + plan.remove.length + plan.revert.length + plan.waiting.length + plan.resize.length === 0;
}
