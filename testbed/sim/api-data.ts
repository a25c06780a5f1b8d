/**
 * The API result objects that both `pct` (printed as text) and `pvesh` (printed as JSON) are built from:
 * pve-container API2/LXC.pm vmlist, Status vm_status, Config vm_config, vm_pending, Snapshot list.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CtConfig, ConfSection, cloneSection } from "./conf-file";
import { isNumericKey, parseDisk } from "./conf-schema";
import { Die } from "./sim-errors";
import { SimEnv, lxcDir, stateDir } from "./sim-env";
import { confExists, isRunning, loadConf } from "./ct-store";
import { parseSize, splitList } from "./value-formats";

/** A JSON-able API value. */
export type ApiValue = string | number | ApiValue[] | { [k: string]: ApiValue };

/** VMIDs with a config on this node, ascending. */
export function listVmids(env: SimEnv): number[] {
  const dir = lxcDir(env);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).map((f) => /^(\d+)\.conf$/.exec(f)).filter((m): m is RegExpExecArray => !!m).map((m) => Number(m[1])).sort((a, b) => a - b);
}

function typed(key: string, v: string): ApiValue {
  return isNumericKey(key) && /^[+-]?(\d+\.?\d*|\.\d+)$/.test(v) ? Number(v) : v;
}

/** vmstatus for one CT (docs/pve-behaviour.md §3.2). */
export function vmStatus(env: SimEnv, vmid: number, conf: CtConfig): Record<string, ApiValue> {
  const k = conf.main.keys;
  const running = isRunning(env, vmid, conf);
  let maxdisk = 4 * 1024 ** 3;
  try {
    const size = k.rootfs ? parseDisk("rootfs", k.rootfs).size : undefined;
    if (size !== undefined) maxdisk = parseSize(size) ?? maxdisk;
  } catch {
    // keep the 4 GiB default for an unparsable rootfs, as vmstatus does for an unknown size
  }
  const memory = Number(k.memory ?? 512);
  const swap = Number(k.swap ?? 512);
  const cpus = k.cores ? Number(k.cores) : k.cpulimit && Number(k.cpulimit) > 0 ? Number(k.cpulimit) : os.cpus().length;
  const res: Record<string, ApiValue> = {
    cpu: 0, cpus, disk: 0, diskread: 0, diskwrite: 0, maxdisk, maxmem: memory * 1048576, maxswap: swap * 1048576, mem: 0,
    name: (k.hostname ?? `CT${vmid}`).replace(/\s/g, ""), netin: 0, netout: 0, status: running ? "running" : "stopped",
    swap: 0, type: "lxc", uptime: 0, vmid,
  };
  if (running) {
    const flag = path.join(stateDir(env), "running", String(vmid));
    if (fs.existsSync(flag)) res.uptime = Math.floor((Date.now() - fs.statSync(flag).mtimeMs) / 1000);
    for (const p of ["pressurecpufull", "pressurecpusome", "pressureiofull", "pressureiosome", "pressurememoryfull", "pressurememorysome"]) res[p] = 0;
  }
  if (k.lock) res.lock = k.lock;
  if (k.tags) res.tags = k.tags;
  if (k.template === "1") res.template = 1;
  return res;
}

/**
 * vmlist: one status object per CT of this node. A CT destroyed between listing the directory and reading its
 * config is left out, as pmxcfs's vmlist would no longer hold it; a concurrent destroy never fails the listing.
 */
export function vmList(env: SimEnv): Array<Record<string, ApiValue>> {
  const res: Array<Record<string, ApiValue>> = [];
  for (const id of listVmids(env)) {
    if (!confExists(env, id)) continue;
    let conf: CtConfig;
    try {
      conf = loadConf(env, id);
    } catch (e) {
      if (!confExists(env, id)) continue;
      throw e;
    }
    res.push(vmStatus(env, id, conf));
  }
  return res;
}

/** The config keys a section shows, pending merged in unless `current`. */
export function effectiveSection(conf: CtConfig, current: boolean): ConfSection {
  const s = cloneSection(conf.main);
  if (!current) {
    for (const [key, v] of Object.entries(conf.pending.keys)) if (key !== "delete") s.keys[key] = v;
    if (conf.pending.description !== undefined) s.description = conf.pending.description;
    for (const d of splitList(conf.pending.keys.delete ?? "")) {
      const key = d.replace(/^!/, "");
      if (key === "description") delete s.description;
      else delete s.keys[key];
    }
  }
  return s;
}

/** vm_config: `{key: value}` incl. digest, `lxc` as pairs, decoded description. */
export function configObject(conf: CtConfig, opts: { current?: boolean; snapshot?: string }): Record<string, ApiValue> {
  let s: ConfSection;
  if (opts.snapshot !== undefined) {
    const snap = conf.snapshots[opts.snapshot];
    if (!snap) throw new Die(`snapshot '${opts.snapshot}' does not exist`);
    s = snap;
  } else {
    s = effectiveSection(conf, !!opts.current);
  }
  const res: Record<string, ApiValue> = { digest: conf.digest };
  for (const [key, v] of Object.entries(s.keys)) res[key] = typed(key, v);
  if (s.description !== undefined) res.description = s.description;
  if (s.lxc.length) res.lxc = s.lxc.map(([a, b]) => [a, b]);
  return res;
}

/** config_with_pending_array: `{key, value?, pending?, delete?}` per key. */
export function pendingArray(conf: CtConfig): Array<Record<string, ApiValue>> {
  const cur: Record<string, string> = { ...conf.main.keys, digest: conf.digest };
  if (conf.main.description !== undefined) cur.description = conf.main.description;
  const pend: Record<string, string> = { ...conf.pending.keys };
  delete pend.delete;
  if (conf.pending.description !== undefined) pend.description = conf.pending.description;
  const dels = new Map<string, number>();
  for (const d of splitList(conf.pending.keys.delete ?? "")) dels.set(d.replace(/^!/, ""), d.startsWith("!") ? 2 : 1);
  const res: Array<Record<string, ApiValue>> = [];
  for (const key of new Set([...Object.keys(cur), ...Object.keys(pend), ...dels.keys()])) {
    const item: Record<string, ApiValue> = { key };
    if (cur[key] !== undefined) item.value = typed(key, cur[key]);
    if (pend[key] !== undefined) item.pending = typed(key, pend[key]);
    if (dels.has(key)) item.delete = dels.get(key) as number;
    res.push(item);
  }
  return res;
}

/** Snapshot list API: snapshots, then the `current` pseudo entry last. */
export function snapshotList(env: SimEnv, vmid: number, conf: CtConfig): Array<Record<string, ApiValue>> {
  const res: Array<Record<string, ApiValue>> = [];
  for (const name of Object.keys(conf.snapshots).sort()) {
    const d = conf.snapshots[name];
    const item: Record<string, ApiValue> = { name, snaptime: Number(d.keys.snaptime ?? 0) || 0, description: d.description ?? "" };
    if (d.keys.parent !== undefined) item.parent = d.keys.parent;
    if (d.keys.snapstate) item.snapstate = d.keys.snapstate;
    res.push(item);
  }
  const current: Record<string, ApiValue> = { description: "You are here!", digest: conf.digest, name: "current", running: isRunning(env, vmid, conf) ? 1 : 0 };
  if (conf.main.keys.parent !== undefined) current.parent = conf.main.keys.parent;
  res.push(current);
  return res;
}
