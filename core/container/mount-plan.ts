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
  /** Volumes to grow (`pct resize <vmid> mpN <size>G`). */
  resize: { disk: string; sizeGiB: number }[];
}

/** Parses every `mpN` key of a config. */
export function parseLiveMounts(options: Record<string, string>): LiveMount[] {
  return Object.entries(options)
    .filter(([k]) => /^mp\d+$/.test(k))
    .map(([key, value]) => {
      const p = parsePropertyString(value, "volume");
      return { key, volume: p.volume ?? "", mountPoint: p.mp ?? "", sizeGiB: p.size ? parseSizeGiB(p.size) : undefined, readOnly: p.ro === "1" };
    })
    .sort((a, b) => Number(a.key.slice(2)) - Number(b.key.slice(2)));
}

const storageOf = (volume: string) => (volume.startsWith("/") ? undefined : volume.split(":")[0]);

/** Plans the mount points of `inputs` against the live entries. */
export function planMounts(options: Record<string, string>, inputs: Pick<ContainerInputs, "volumes" | "bindMounts">): MountPlan {
  const live = parseLiveMounts(options);
  const plan: MountPlan = { add: [], change: [], remove: [], resize: [] };
  const used = new Set(live.map((m) => Number(m.key.slice(2))));
  const nextSlot = () => {
    let n = 0;
    while (used.has(n)) n++;
    used.add(n);
    return `mp${n}`;
  };
  const wanted = new Set<string>();
  for (const v of inputs.volumes) {
    wanted.add(v.mountPoint);
    const current = live.find((m) => m.mountPoint === v.mountPoint);
    const value = `${v.storage}:${v.sizeGiB},mp=${v.mountPoint}`;
    if (!current) plan.add.push({ key: nextSlot(), value });
    else if (storageOf(current.volume) !== v.storage) plan.change.push({ key: current.key, value });
    else if (current.sizeGiB !== undefined && v.sizeGiB > current.sizeGiB) plan.resize.push({ disk: current.key, sizeGiB: v.sizeGiB });
  }
  for (const b of inputs.bindMounts) {
    wanted.add(b.mountPoint);
    const current = live.find((m) => m.mountPoint === b.mountPoint);
    const value = `${b.hostPath},mp=${b.mountPoint}${b.readOnly ? ",ro=1" : ""}`;
    if (!current) plan.add.push({ key: nextSlot(), value });
    else if (current.volume !== b.hostPath || current.readOnly !== Boolean(b.readOnly)) plan.change.push({ key: current.key, value });
  }
  for (const m of live) if (!wanted.has(m.mountPoint)) plan.remove.push(m.key);
  return plan;
}

/** True when nothing is to be done. */
export function isEmptyMountPlan(plan: MountPlan): boolean {
  return plan.add.length + plan.change.length + plan.remove.length + plan.resize.length === 0;
}
