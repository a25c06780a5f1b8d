/**
 * Snapshot tasks (docs/pve-behaviour.md §3.13, §3.15, §3.16; pve-guest-common AbstractConfig snapshot_create /
 * snapshot_delete / snapshot_rollback): the config flock is held only around the prepare and commit
 * phases, while the config carries `lock: snapshot|snapshot-delete|rollback` in between.
 */
import { checkSnapname, checkVmid } from "./cli-args";
import { cloneSection } from "./conf-file";
import { parseDisk } from "./conf-schema";
import { Die } from "./sim-errors";
import { withConfigLock, withMigrationLock } from "./flock";
import { checkLock, isRunning, loadConf, runtimeCt, saveConf } from "./ct-store";
import { applyLatency } from "./faults";
import { faultPoint, runTask } from "./sim-context";
import { addUnusedVolume, sectionVolumes } from "./pending-apply";
import { classifyVolume, deleteVolumeSnapshot, loadStorages, parseVolid, rollbackVolume, snapshotVolume, storageHasSnapshots } from "./storage";
import { stopCt } from "./runtime-adapter";
import { startContainer } from "./pct-power";
import { PctCommand } from "./pct-command";

const NOT_COPIED = ["lock", "digest", "snapstate", "snaptime", "vmstate"];

const snapshot: PctCommand = {
  def: { name: "snapshot", positionals: ["vmid", "snapname"], options: { description: "string" } },
  midpoint: true,
  run(ctx, a) {
    const env = ctx.env;
    const vmid = checkVmid(a.pos[0]);
    const name = checkSnapname(a.pos[1]);
    if (name === "current" || name === "vzdump") throw new Die(`unable to use snapshot name '${name}' (reserved name)`);
    return runTask(true, (task) => {
      let volumes: Array<{ key: string; volid: string }> = [];
      withConfigLock(env, vmid, () => {
        const conf = loadConf(env, vmid);
        if (conf.main.keys.template === "1") throw new Die("you can't take a snapshot if it's a template");
        checkLock(conf);
        if (conf.snapshots[name]) throw new Die(`snapshot name '${name}' already used`);
        const storages = loadStorages(env);
        for (const k of Object.keys(conf.main.keys)) {
          if (k !== "rootfs" && !/^mp\d+$/.test(k)) continue;
          const vol = parseDisk(k, conf.main.keys[k]).volume;
          const def = storages[parseVolid(vol)?.storage ?? ""];
          if (classifyVolume(vol) !== "volume" || !def || !storageHasSnapshots(def)) throw new Die("snapshot feature is not available");
        }
        for (const [sname, s] of Object.entries(conf.snapshots)) {
          if (s.keys.parent === name) {
            task.print(`deleting parent '${name}' reference from '${sname}' to avoid bogus snapshot cycle.\n`);
            delete s.keys.parent;
          }
        }
        const snap = cloneSection(conf.main);
        delete snap.description;
        for (const k of Object.keys(snap.keys)) if (NOT_COPIED.includes(k) || /^unused\d+$/.test(k)) delete snap.keys[k];
        if (a.opts.description) snap.description = a.opts.description;
        snap.keys.snapstate = "prepare";
        snap.keys.snaptime = String(Math.floor(Date.now() / 1000));
        conf.snapshots[name] = snap;
        conf.main.keys.lock = "snapshot";
        saveConf(env, vmid, conf);
        volumes = sectionVolumes(conf.main.keys);
      });
      faultPoint(ctx, vmid, "snapshot");
      applyLatency(env, "snapshot");
      try {
        for (const v of volumes) snapshotVolume(env, v.volid, name, (s) => task.print(s));
      } catch (e) {
        task.print("snapshot create failed: starting cleanup\n");
        for (const v of volumes) deleteVolumeSnapshot(env, v.volid, name, () => undefined);
        throw e;
      }
      withConfigLock(env, vmid, () => {
        const conf = loadConf(env, vmid);
        if (conf.main.keys.lock !== "snapshot") throw new Die("missing snapshot lock");
        delete conf.snapshots[name]?.keys.snapstate;
        delete conf.main.keys.lock;
        conf.main.keys.parent = name;
        saveConf(env, vmid, conf);
      });
    });
  },
};

function withMigrationLockOr<T>(env: Parameters<typeof withMigrationLock>[0], vmid: number, fn: () => T): T {
  try {
    return withMigrationLock(env, vmid, fn);
  } catch (e) {
    if (e instanceof Die && e.message.startsWith("can't lock file '/var/lock/pve-manager/")) throw new Die("Failed to obtain guest migration lock - replication running?");
    throw e;
  }
}

const delsnapshot: PctCommand = {
  def: { name: "delsnapshot", positionals: ["vmid", "snapname"], options: { force: "bool" } },
  midpoint: true,
  run(ctx, a) {
    const env = ctx.env;
    const vmid = checkVmid(a.pos[0]);
    const name = checkSnapname(a.pos[1]);
    const force = a.opts.force === "1";
    return runTask(true, (task) => {
      const body = (): void => {
        let volumes: Array<{ key: string; volid: string }> = [];
        withConfigLock(env, vmid, () => {
          const conf = loadConf(env, vmid);
          checkLock(conf);
          if (conf.main.keys.template === "1") throw new Die("you can't delete a snapshot if vm is a template");
          const snap = conf.snapshots[name];
          if (!snap) throw new Die(`snapshot '${name}' does not exist`);
          snap.keys.snapstate = "delete";
          conf.main.keys.lock = "snapshot-delete";
          saveConf(env, vmid, conf);
          volumes = sectionVolumes(snap.keys);
        });
        faultPoint(ctx, vmid, "snapshot-delete");
        applyLatency(env, "delsnapshot");
        for (const v of volumes) {
          try {
            deleteVolumeSnapshot(env, v.volid, name, (s) => task.print(s));
          } catch (e) {
            if (!force) throw e;
            task.warn(e instanceof Error ? e.message : String(e));
          }
        }
        withConfigLock(env, vmid, () => {
          const conf = loadConf(env, vmid);
          const parent = conf.snapshots[name]?.keys.parent;
          delete conf.snapshots[name];
          for (const s of [conf.main, ...Object.values(conf.snapshots)]) {
            if (s.keys.parent !== name) continue;
            if (parent !== undefined) s.keys.parent = parent;
            else delete s.keys.parent;
          }
          delete conf.main.keys.lock;
          saveConf(env, vmid, conf);
        });
      };
      if (force) body();
      else withMigrationLockOr(env, vmid, body);
    });
  },
};

const rollback: PctCommand = {
  def: { name: "rollback", positionals: ["vmid", "snapname"], options: { start: "bool" } },
  midpoint: true,
  run(ctx, a) {
    const env = ctx.env;
    const vmid = checkVmid(a.pos[0]);
    const name = checkSnapname(a.pos[1]);
    return runTask(true, (task) => withMigrationLock(env, vmid, () => {
      let volumes: Array<{ key: string; volid: string }> = [];
      withConfigLock(env, vmid, () => {
        const conf = loadConf(env, vmid);
        const snap = conf.snapshots[name];
        if (!snap) throw new Die(`snapshot '${name}' does not exist`);
        if (conf.main.keys.template === "1") throw new Die("you can't rollback if vm is a template");
        if (snap.keys.snapstate) throw new Die(`unable to rollback to incomplete snapshot (snapstate = ${snap.keys.snapstate})`);
        checkLock(conf);
        volumes = sectionVolumes(snap.keys);
        const storages = loadStorages(env);
        const mine = Number(snap.keys.snaptime ?? 0);
        for (const v of volumes) {
          if (storages[parseVolid(v.volid)?.storage ?? ""]?.type !== "zfspool") continue;
          const newer = Object.entries(conf.snapshots).some(([n, s]) => n !== name && Number(s.keys.snaptime ?? 0) > mine
            && sectionVolumes(s.keys).some((x) => x.volid === v.volid));
          if (newer) throw new Die(`can't rollback, '${name}' is not most recent snapshot on '${v.volid}'`);
        }
        if (isRunning(env, vmid, conf)) stopCt(runtimeCt(env, vmid, conf));
        conf.main.keys.lock = "rollback";
        saveConf(env, vmid, conf);
      });
      faultPoint(ctx, vmid, "rollback");
      applyLatency(env, "rollback");
      for (const v of volumes) rollbackVolume(env, v.volid, name, (s) => task.print(s));
      withConfigLock(env, vmid, () => {
        const conf = loadConf(env, vmid);
        const snap = cloneSection(conf.snapshots[name]);
        for (const k of ["snaptime", "snapstate", "vmstate"]) delete snap.keys[k];
        snap.description = conf.main.description;
        if (snap.description === undefined) delete snap.description;
        const oldVols = sectionVolumes(conf.main.keys).map((v) => v.volid);
        for (const [k, v] of Object.entries(conf.main.keys)) if (/^unused\d+$/.test(k)) snap.keys[k] = v;
        conf.main = snap;
        const stillUsed = new Set(sectionVolumes(snap.keys).map((v) => v.volid));
        for (const v of oldVols) if (!stillUsed.has(v)) addUnusedVolume(conf, v);
        conf.main.keys.parent = name;
        conf.pending = { keys: Object.create(null), lxc: [] };
        saveConf(env, vmid, conf);
      });
      if (a.opts.start === "1") startContainer(env, vmid, false, task.warn);
    }));
  },
};

/** snapshot, delsnapshot, rollback. */
export const SNAPSHOT_COMMANDS: PctCommand[] = [snapshot, delsnapshot, rollback];
