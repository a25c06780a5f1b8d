/**
 * Applying pending changes (pct.md §7; pve-container `vmconfig_apply_pending`, `vmconfig_hotplug_pending`):
 * what `pct set` does on a stopped CT and what `pct start`/`pct reboot` do before starting.
 */
import { CtConfig } from "./conf-file";
import { canonicalMp, canonicalRootfs, parseDisk } from "./conf-schema";
import { SimEnv } from "./sim-env";
import { allocVolume, classifyVolume, freeVolume, parseVolid } from "./storage";
import { formatSize, splitList } from "./value-formats";

const FASTPLUG = new Set(["description", "onboot", "startup", "protection", "hostname", "hookscript", "cores", "tags", "lock"]);
const HOTPLUG = new Set(["cpulimit", "cpuunits", "memory", "swap"]);
const HOT_DELETE = new Set([...FASTPLUG, "swap", "cpulimit", "cpuunits"]);

/** Pending `delete` entries (without the `!` force marker). */
export function pendingDeletes(conf: CtConfig): string[] {
  return splitList(conf.pending.keys.delete ?? "").map((d) => d.replace(/^!/, ""));
}

/** Rewrites the pending `delete` list. */
export function setPendingDeletes(conf: CtConfig, keys: string[]): void {
  if (keys.length) conf.pending.keys.delete = keys.join(",");
  else delete conf.pending.keys.delete;
}

/** Adds a detached volume as the lowest free `unusedN`. */
export function addUnusedVolume(conf: CtConfig, volid: string): void {
  if (Object.values(conf.main.keys).includes(volid)) return;
  let n = 0;
  while (conf.main.keys[`unused${n}`] !== undefined) n++;
  conf.main.keys[`unused${n}`] = volid;
}

/** Volume ids referenced by a config section's rootfs/mp keys (storage volumes only). */
export function sectionVolumes(keys: Record<string, string>): Array<{ key: string; volid: string }> {
  const res: Array<{ key: string; volid: string }> = [];
  for (const key of Object.keys(keys)) {
    if (key !== "rootfs" && !/^mp\d+$/.test(key)) continue;
    const volid = parseDisk(key, keys[key]).volume;
    if (classifyVolume(volid) === "volume") res.push({ key, volid });
  }
  return res;
}

/** Applies one pending value: allocation syntax `STORAGE:SIZE_GiB` creates the volume first. */
function applyValue(env: SimEnv, vmid: number, conf: CtConfig, key: string, value: string, print: (s: string) => void): void {
  if (key === "rootfs" || /^mp\d+$/.test(key)) {
    const d = parseDisk(key, value);
    const alloc = /^([a-z][a-z0-9\-_.]*[a-z0-9]):(\d+(?:\.\d+)?)$/i.exec(d.volume);
    if (alloc) {
      const bytes = Math.round(Number(alloc[2]) * 1024 ** 3);
      d.volume = allocVolume(env, vmid, alloc[1], bytes, print);
      d.size = formatSize(bytes);
      value = key === "rootfs" ? canonicalRootfs(d) : canonicalMp(d);
    }
    const old = conf.main.keys[key];
    if (old !== undefined) {
      const oldVol = parseDisk(key, old).volume;
      if (oldVol !== d.volume && parseVolid(oldVol) && classifyVolume(oldVol) === "volume") addUnusedVolume(conf, oldVol);
    }
  }
  conf.main.keys[key] = value;
}

function applyDelete(env: SimEnv, conf: CtConfig, key: string, print: (s: string) => void): void {
  if (key === "description") {
    delete conf.main.description;
    return;
  }
  const old = conf.main.keys[key];
  delete conf.main.keys[key];
  if (old === undefined) return;
  if (/^unused\d+$/.test(key)) freeVolume(env, old, print);
  else if (/^mp\d+$/.test(key)) {
    const vol = parseDisk(key, old).volume;
    if (classifyVolume(vol) === "volume") addUnusedVolume(conf, vol);
  }
}

/**
 * Applies pending changes. `running` false applies everything (stopped CT, or start/reboot); true applies
 * only what can be hot-plugged and leaves the rest in `[pve:pending]`.
 */
export function applyPending(env: SimEnv, vmid: number, conf: CtConfig, running: boolean, print: (s: string) => void): void {
  const remaining: string[] = [];
  for (const key of pendingDeletes(conf)) {
    const hot = HOT_DELETE.has(key) || /^unused\d+$/.test(key) || /^net\d$/.test(key);
    if (running && !hot) remaining.push(key);
    else applyDelete(env, conf, key, print);
  }
  setPendingDeletes(conf, remaining);
  if (conf.pending.description !== undefined) {
    conf.main.description = conf.pending.description;
    delete conf.pending.description;
  }
  for (const key of Object.keys(conf.pending.keys).sort()) {
    if (key === "delete") continue;
    const isNew = conf.main.keys[key] === undefined;
    const hot = FASTPLUG.has(key) || HOTPLUG.has(key) || /^net\d+$/.test(key) || (/^(mp|dev)\d+$/.test(key) && isNew);
    if (running && !hot) continue;
    applyValue(env, vmid, conf, key, conf.pending.keys[key], print);
    delete conf.pending.keys[key];
  }
  if (!running) conf.pending.lxc = [];
}
