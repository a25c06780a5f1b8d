/**
 * Applying pending changes (docs/pve-behaviour.md §7; pve-container `vmconfig_apply_pending`, `vmconfig_hotplug_pending`):
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
 * PVE's cleanup_pending (pve-guest-common AbstractConfig): a pending value equal to the current one is dropped, and
 * so is a pending delete of a key that has no current value. Runs after every `pct set` (sets, deletes, reverts)
 * and between the deletes and the sets when pending changes are applied, so `pct pending` never shows a change
 * that would change nothing.
 */
export function cleanupPending(conf: CtConfig): void {
  for (const key of Object.keys(conf.pending.keys)) {
    if (key !== "delete" && conf.main.keys[key] !== undefined && conf.pending.keys[key] === conf.main.keys[key]) delete conf.pending.keys[key];
  }
  if (conf.main.description !== undefined && conf.pending.description === conf.main.description) delete conf.pending.description;
  const current = (key: string): boolean => (key === "description" ? conf.main.description !== undefined : conf.main.keys[key] !== undefined);
  const kept = splitList(conf.pending.keys.delete ?? "").filter((d) => current(d.replace(/^!/, "")));
  if (kept.length) conf.pending.keys.delete = kept.join(",");
  else delete conf.pending.keys.delete;
}

/**
 * Applies pending changes (vmconfig_hotplug_pending / vmconfig_apply_pending). `running` false applies everything
 * (stopped CT, or start/reboot); true applies only what can be hot-plugged and leaves the rest in `[pve:pending]`.
 * With `selection` (what one `pct set` modified) only those options are considered; others stay pending.
 */
export function applyPending(env: SimEnv, vmid: number, conf: CtConfig, running: boolean, print: (s: string) => void, selection?: ReadonlySet<string>): void {
  const selected = (key: string): boolean => selection === undefined || selection.has(key);
  const remaining: string[] = [];
  for (const raw of splitList(conf.pending.keys.delete ?? "")) {
    const key = raw.replace(/^!/, "");
    const hot = HOT_DELETE.has(key) || /^unused\d+$/.test(key) || /^net\d$/.test(key);
    if (!selected(key) || (running && !hot)) remaining.push(raw);
    else applyDelete(env, conf, key, print);
  }
  if (remaining.length) conf.pending.keys.delete = remaining.join(",");
  else delete conf.pending.keys.delete;
  if (!running) cleanupPending(conf);
  if (conf.pending.description !== undefined && selected("description")) {
    conf.main.description = conf.pending.description;
    delete conf.pending.description;
  }
  for (const key of Object.keys(conf.pending.keys).sort()) {
    if (key === "delete" || !selected(key)) continue;
    const isNew = conf.main.keys[key] === undefined;
    const hot = FASTPLUG.has(key) || HOTPLUG.has(key) || /^net\d+$/.test(key) || (/^(mp|dev)\d+$/.test(key) && isNew);
    if (running && !hot) continue;
    applyValue(env, vmid, conf, key, conf.pending.keys[key], print);
    delete conf.pending.keys[key];
  }
  if (!running && selection === undefined) conf.pending.lxc = [];
}
