/**
 * Simulated storages (docs/pve-behaviour.md §8): each volume is a directory under `$ROOT/nodes/<node>/volumes/<storage>/`,
 * a snapshot is a copy `<volname>@<snap>/`. Printed lines mimic the real storage tools (lvm, mke2fs).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { randomUUID } from "node:crypto";
import { execFileSync } from "node:child_process";
import { SimEnv, ensureDir, nodeDir } from "./sim-env";
import { Die } from "./sim-errors";

/** One storage definition in `$ROOT/etc/pve/storage.json` (a simulator-own format). */
export interface StorageDef {
  type: "dir" | "lvmthin" | "zfspool";
  content: string[];
  /** Rollback to a snapshot that is not the newest (false on ZFS). */
  rollbackAny?: boolean;
  shared?: boolean;
}

/** The storages of a fresh node, written by `initSimNode` when the node starts. */
export const DEFAULT_STORAGES: Readonly<Record<string, StorageDef>> = {
  local: { type: "dir", content: ["vztmpl", "rootdir", "iso", "backup"] },
  "local-lvm": { type: "lvmthin", content: ["rootdir", "images"] },
  "local-zfs": { type: "zfspool", content: ["rootdir", "images"] },
};

/** `$ROOT/etc/pve/storage.json`, the cluster's storage list (a real node's `/etc/pve/storage.cfg`). */
export function storageConfigPath(env: SimEnv): string {
  return path.join(env.root, "etc/pve/storage.json");
}

/**
 * Loads the storage config. Commands only read it: it is written when the node starts (node-init.ts), as a real
 * node's storage.cfg exists before any command, so no reader can ever see it half-written.
 */
export function loadStorages(env: SimEnv): Record<string, StorageDef> {
  let text: string;
  try {
    text = fs.readFileSync(storageConfigPath(env), "utf8");
  } catch {
    throw new Die(`simulator: ${storageConfigPath(env)} is missing - start the node with the testbed launcher (phoenix sim start), which writes the default storages`);
  }
  return JSON.parse(text) as Record<string, StorageDef>;
}

/** True when volumes of this storage type can be snapshotted. */
export function storageHasSnapshots(def: StorageDef): boolean {
  return def.type === "lvmthin" || def.type === "zfspool";
}

/** Splits `storage:volname`; undefined for paths and other strings. */
export function parseVolid(volid: string): { storage: string; volname: string } | undefined {
  const m = /^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$/i.exec(volid);
  return m ? { storage: m[1], volname: m[2] } : undefined;
}

/** What an mp/rootfs `volume` refers to. */
export function classifyVolume(volume: string): "volume" | "bind" | "device" {
  if (volume.startsWith("/dev/")) return "device";
  if (volume.startsWith("/")) return "bind";
  return "volume";
}

/** Directory holding a volume's files. */
export function volumeDir(env: SimEnv, volid: string): string {
  const v = parseVolid(volid);
  if (!v) return volid;
  return path.join(nodeDir(env), "volumes", v.storage, v.volname);
}

function snapDir(env: SimEnv, volid: string, snap: string): string {
  return `${volumeDir(env, volid)}@${snap}`;
}

function mkfsLines(bytes: number): string {
  // mke2fs 1.47 output shape (inferred; exact block-group numbers are not simulated).
  const blocks = Math.floor(bytes / 4096);
  return `Creating filesystem with ${blocks} 4k blocks and ${Math.max(1, Math.floor(blocks / 4))} inodes\n`
    + `Filesystem UUID: ${randomUUID()}\n`
    + "Allocating group tables: done                            \n"
    + "Writing inode tables: done                            \n"
    + "Creating journal (16384 blocks): done\n"
    + "Multiple mount protection is enabled with update interval 5 seconds.\n"
    + "Writing superblocks and filesystem accounting information: done\n\n";
}

/** Checks that `storage` exists and may hold container volumes. */
export function checkRootdirStorage(env: SimEnv, storage: string): StorageDef {
  const def = loadStorages(env)[storage];
  if (!def) throw new Die(`storage '${storage}' does not exist`);
  if (!def.content.includes("rootdir")) throw new Die(`storage '${storage}' does not allow content type 'rootdir' (Container)`);
  return def;
}

/** Allocates a new CT volume (find_free_diskname + alloc_image + mkfs); returns the volid. */
export function allocVolume(env: SimEnv, vmid: number, storage: string, bytes: number, print: (s: string) => void): string {
  const def = checkRootdirStorage(env, storage);
  const base = path.join(nodeDir(env), "volumes", storage);
  const sub = def.type === "dir" ? path.join(base, String(vmid)) : base;
  const used = new Set<number>();
  if (fs.existsSync(sub)) {
    for (const f of fs.readdirSync(sub)) {
      const m = new RegExp(`^(?:vm|subvol|base)-${vmid}-disk-(\\d+)`).exec(f);
      if (m) used.add(Number(m[1]));
    }
  }
  let n = 0;
  while (used.has(n)) n++;
  const volname = def.type === "lvmthin" ? `vm-${vmid}-disk-${n}` : def.type === "zfspool" ? `subvol-${vmid}-disk-${n}` : `${vmid}/vm-${vmid}-disk-${n}.raw`;
  const volid = `${storage}:${volname}`;
  ensureDir(volumeDir(env, volid));
  if (def.type === "lvmthin") print(`  Logical volume "${volname}" created.\n${mkfsLines(bytes)}`);
  if (def.type === "dir") print(`Formatting '/var/lib/vz/images/${volname}', fmt=raw size=${bytes} preallocation=off\n${mkfsLines(bytes)}`);
  return volid;
}

/** Frees a volume and its snapshots. */
export function freeVolume(env: SimEnv, volid: string, print: (s: string) => void): void {
  const v = parseVolid(volid);
  if (!v) return;
  const dir = volumeDir(env, volid);
  const parent = path.dirname(dir);
  if (fs.existsSync(parent)) {
    for (const f of fs.readdirSync(parent)) {
      if (f.startsWith(`${path.basename(dir)}@`)) fs.rmSync(path.join(parent, f), { recursive: true, force: true });
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const def = loadStorages(env)[v.storage];
  if (def?.type === "lvmthin") print(`  Logical volume "${v.volname}" successfully removed.\n`);
}

/** Takes a storage snapshot of a volume (a reflink copy). */
export function snapshotVolume(env: SimEnv, volid: string, snap: string, print: (s: string) => void): void {
  const v = parseVolid(volid);
  if (!v) return;
  fs.rmSync(snapDir(env, volid, snap), { recursive: true, force: true });
  execFileSync("cp", ["-a", "--reflink=auto", volumeDir(env, volid), snapDir(env, volid, snap)]);
  if (loadStorages(env)[v.storage]?.type === "lvmthin") print(`  Logical volume "snap_${v.volname}_${snap}" created.\n`);
}

/** Deletes a storage snapshot of a volume. */
export function deleteVolumeSnapshot(env: SimEnv, volid: string, snap: string, print: (s: string) => void): void {
  const v = parseVolid(volid);
  if (!v) return;
  fs.rmSync(snapDir(env, volid, snap), { recursive: true, force: true });
  if (loadStorages(env)[v.storage]?.type === "lvmthin") print(`  Logical volume "snap_${v.volname}_${snap}" successfully removed.\n`);
}

/** Restores a volume from its storage snapshot. */
export function rollbackVolume(env: SimEnv, volid: string, snap: string, print: (s: string) => void): void {
  const v = parseVolid(volid);
  if (!v) return;
  const src = snapDir(env, volid, snap);
  if (!fs.existsSync(src)) throw new Die(`snapshot '${snap}' of volume '${volid}' does not exist`);
  fs.rmSync(volumeDir(env, volid), { recursive: true, force: true });
  execFileSync("cp", ["-a", "--reflink=auto", src, volumeDir(env, volid)]);
  if (loadStorages(env)[v.storage]?.type === "lvmthin") {
    // lvremove + lvcreate of the thin LV (inferred from LvmThinPlugin volume_snapshot_rollback).
    print(`  Logical volume "${v.volname}" successfully removed.\n  Logical volume "${v.volname}" created.\n`);
  }
}

/** Copies a volume's content into another (full clone). */
export function copyVolumeContent(env: SimEnv, fromDir: string, toVolid: string): void {
  execFileSync("cp", ["-a", "--reflink=auto", `${fromDir}/.`, volumeDir(env, toVolid)]);
}
