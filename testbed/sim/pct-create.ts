/**
 * `pct create` (docs/pve-behaviour.md §3.6) and `pct clone` (§3.7): pre-fork checks as direct errors, then a worker task
 * that holds `lock: create` on the new config while volumes are allocated and filled.
 */
import * as fs from "node:fs";
import { checkSnapname, checkVmid } from "./cli-args";
import { CtConfig, cloneSection, newSection } from "./conf-file";
import { canonicalNet, canonicalMp, canonicalRootfs, configOptionKinds, parseDisk } from "./conf-schema";
import { parsePropertyString, parseSize } from "./value-formats";
import { NET_SCHEMA } from "./conf-schema";
import { Die, paramError } from "./sim-errors";
import { SimEnv, confPath, findVmidOwner, listNodes } from "./sim-env";
import { withConfigLock } from "./flock";
import { checkLock, isRunning, loadConf, saveConf } from "./ct-store";
import { firewallPath } from "./firewall-file";
import { applyLatency } from "./faults";
import { faultPoint, runTask } from "./sim-context";
import { checkConfigOptions } from "./pct-set";
import { applyPending, sectionVolumes } from "./pending-apply";
import { allocVolume, checkRootdirStorage, classifyVolume, copyVolumeContent, freeVolume, loadStorages, parseVolid, volumeDir } from "./storage";
import { createSshHostKeys, detectArch, detectOstype, extractTemplate, resolveTemplate, systemdNestingWarning } from "./rootfs-setup";
import { startContainer } from "./pct-power";
import { PctCommand } from "./pct-command";

const CREATE_ONLY = {
  storage: "string", password: "string", "ssh-public-keys": "string", force: "bool", restore: "bool", unique: "bool",
  pool: "string", "ignore-unpack-errors": "bool", bwlimit: "string", start: "bool", "ha-managed": "bool",
} as const;

function ownerError(env: SimEnv, vmid: number): Die | undefined {
  const owner = findVmidOwner(env, vmid);
  if (!owner) return undefined;
  return new Die(`${owner.type === "lxc" ? "CT" : "VM"} ${vmid} already exists on node '${owner.node}'`);
}

/** Removes a half-created CT: its volumes and its config. */
function destroyPartial(env: SimEnv, vmid: number, volids: string[], configNode = env.node): void {
  for (const v of volids) freeVolume(env, v, () => undefined);
  fs.rmSync(confPath(env, vmid, configNode), { force: true });
}

const create: PctCommand = {
  def: { name: "create", positionals: ["vmid", "ostemplate"], options: { ...configOptionKinds(), ...CREATE_ONLY } },
  midpoint: true,
  run(ctx, a) {
    const env = ctx.env;
    const vmid = checkVmid(a.pos[0]);
    const sets = checkConfigOptions(a.opts, Object.keys(CREATE_ONLY));
    if (a.opts.password !== undefined && a.opts.password.length < 5) throw paramError([["password", "value must be at least 5 characters long"]]);
    const storage = a.opts.storage ?? "local";
    const sdef = loadStorages(env)[storage];
    if (!sdef) throw new Die(`storage '${storage}' does not exist`);
    if (!sdef.content.includes("rootdir")) throw paramError([["storage", `storage '${storage}' does not support container directories`]]);
    const tmpl = resolveTemplate(env, a.pos[1]);
    withConfigLock(env, vmid, () => {
      const taken = ownerError(env, vmid);
      if (taken) throw taken;
      const conf: CtConfig = { main: newSection(), pending: newSection(), snapshots: {}, digest: "" };
      conf.main.keys.lock = "create";
      saveConf(env, vmid, conf);
    }, true);
    return runTask(true, (task) => {
      const volids: string[] = [];
      try {
        const conf = loadConf(env, vmid);
        if (/^\d+(\.\d+)?$/.test(sets.rootfs ?? "")) sets.rootfs = `${storage}:${sets.rootfs}`;
        sets.rootfs ??= `${storage}:4`;
        for (const k of Object.keys(sets)) {
          if (/^unused\d+$/.test(k)) {
            task.warn(`ignoring '${k}', cannot create/restore with unused volume`);
            continue;
          }
          if (k === "description") conf.pending.description = sets[k];
          else conf.pending.keys[k] = sets[k];
        }
        applyPending(env, vmid, conf, false, (s) => task.print(s));
        for (const { volid } of sectionVolumes(conf.main.keys)) volids.push(volid);
        conf.main.keys.lock = "create";
        saveConf(env, vmid, conf);
        faultPoint(ctx, vmid, "create");
        applyLatency(env, "create");
        const rootfs = volumeDir(env, parseDisk("rootfs", conf.main.keys.rootfs).volume);
        task.print(`extracting archive '${tmpl.shown}'\n`);
        task.print(`${extractTemplate(tmpl.file, rootfs)}\n`);
        if (conf.main.keys.arch === undefined) {
          conf.main.keys.arch = detectArch(rootfs);
          task.print(`Detected container architecture: ${conf.main.keys.arch}\n`);
        }
        if (conf.main.keys.ostype === undefined) {
          const os = detectOstype(rootfs);
          if (!os) throw new Error("unable to detect OS distribution");
          conf.main.keys.ostype = os;
        }
        conf.main.keys.hostname ??= `CT${vmid}`;
        conf.main.keys.memory ??= "512";
        conf.main.keys.swap ??= "512";
        conf.main.keys.unprivileged ??= "1";
        if (conf.main.keys.ostype !== "unmanaged") createSshHostKeys(rootfs, conf.main.keys.hostname, (s) => task.print(s));
        const nesting = systemdNestingWarning(rootfs, conf.main.keys);
        if (nesting) task.warn(nesting);
        delete conf.main.keys.lock;
        saveConf(env, vmid, conf);
      } catch (e) {
        destroyPartial(env, vmid, volids);
        throw new Error(`unable to create CT ${vmid} - ${e instanceof Error ? e.message.replace(/\n$/, "") : String(e)}`);
      }
      if (a.opts.start === "1") startContainer(env, vmid, false, task.warn);
    });
  },
};

const clone: PctCommand = {
  def: {
    name: "clone", positionals: ["vmid", "newid"],
    options: { snapname: "string", full: "bool", hostname: "string", description: "string", storage: "string", target: "string", pool: "string", bwlimit: "string" },
  },
  midpoint: true,
  run(ctx, a) {
    const env = ctx.env;
    const vmid = checkVmid(a.pos[0]);
    const newid = checkVmid(a.pos[1], "newid");
    const snapname = a.opts.snapname === undefined ? undefined : checkSnapname(a.opts.snapname);
    checkConfigOptions({ ...(a.opts.hostname !== undefined ? { hostname: a.opts.hostname } : {}), ...(a.opts.description !== undefined ? { description: a.opts.description } : {}) }, []);
    let src = newSection();
    let volumes: Array<{ key: string; volid: string }> = [];
    const targetNode = a.opts.target ?? env.node;
    withConfigLock(env, vmid, () => {
      const conf = loadConf(env, vmid);
      checkLock(conf);
      if (snapname !== undefined && !conf.snapshots[snapname]) throw new Die(`snapshot '${snapname}' does not exist`);
      src = cloneSection(snapname !== undefined ? conf.snapshots[snapname] : conf.main);
      const full = a.opts.full !== undefined ? a.opts.full === "1" : src.keys.template !== "1";
      if (a.opts.storage !== undefined && !full) throw new Die("parameter 'storage' not allowed for linked clones");
      if (full && snapname === undefined && isRunning(env, vmid, conf)) throw new Die("Full clone of a running container is only possible from a snapshot");
      for (const k of Object.keys(src.keys)) {
        if (k !== "rootfs" && !/^mp\d+$/.test(k)) continue;
        const t = classifyVolume(parseDisk(k, src.keys[k]).volume);
        if (t !== "volume") throw new Die(`unable to clone mountpoint '${k}' (type ${t})`);
      }
      volumes = sectionVolumes(src.keys);
      // The simulator's storages cannot do linked clones of non-template volumes (inferred restriction).
      if (!full && volumes.length) throw new Die(`Linked clone feature for '${volumes[0].volid}' is not available`);
      if (a.opts.target !== undefined) {
        if (!listNodes(env).includes(a.opts.target)) throw new Die(`no such cluster node '${a.opts.target}'`);
        if (volumes.some((v) => !loadStorages(env)[parseVolid(v.volid)?.storage ?? ""]?.shared)) {
          throw new Die(`can't clone CT to node '${a.opts.target}' (CT uses local storage)`);
        }
      }
      if (a.opts.storage !== undefined) checkRootdirStorage(env, a.opts.storage);
      const taken = ownerError(env, newid);
      if (taken) throw taken;
      conf.main.keys.lock = "disk";
      saveConf(env, vmid, conf);
    });
    const dropSourceLock = (): void => withConfigLock(env, vmid, () => {
      const conf = loadConf(env, vmid);
      if (conf.main.keys.lock === "disk") delete conf.main.keys.lock;
      saveConf(env, vmid, conf);
    });
    const target: SimEnv = { root: env.root, node: targetNode };
    try {
      withConfigLock(env, newid, () => {
        const taken = ownerError(env, newid);
        if (taken) throw taken;
        const conf: CtConfig = { main: newSection(), pending: newSection(), snapshots: {}, digest: "" };
        conf.main.keys.lock = "create";
        saveConf(target, newid, conf);
      }, true);
    } catch (e) {
      dropSourceLock();
      throw e;
    }
    return runTask(true, (task) => {
      const created: string[] = [];
      try {
        task.print(`creating a clone of container ${vmid} with ID ${newid}\n`);
        faultPoint(ctx, newid, "create");
        applyLatency(env, "clone");
        const n = src;
        for (const k of ["parent", "snaptime", "snapstate", "template", "lock"]) delete n.keys[k];
        for (const k of Object.keys(n.keys)) if (/^unused\d+$/.test(k)) delete n.keys[k];
        for (const k of Object.keys(n.keys)) {
          if (!/^net\d+$/.test(k)) continue;
          const r = parsePropertyString(NET_SCHEMA, n.keys[k], k);
          if ("ok" in r) {
            delete r.ok.hwaddr;
            n.keys[k] = canonicalNet(r.ok);
          }
        }
        if (a.opts.hostname !== undefined) n.keys.hostname = a.opts.hostname;
        if (a.opts.description !== undefined) n.description = a.opts.description;
        for (const { key, volid } of volumes) {
          task.print(`create full clone of mountpoint ${key} (${volid})\n`);
          const d = parseDisk(key, n.keys[key]);
          const storage = a.opts.storage ?? (parseVolid(volid)?.storage as string);
          const bytes = parseSize(d.size ?? "4G") ?? 4 * 1024 ** 3;
          const newVol = allocVolume(env, newid, storage, bytes, (s) => task.print(s));
          created.push(newVol);
          const from = snapname !== undefined ? `${volumeDir(env, volid)}@${snapname}` : volumeDir(env, volid);
          copyVolumeContent(env, from, newVol);
          d.volume = newVol;
          n.keys[key] = key === "rootfs" ? canonicalRootfs(d) : canonicalMp(d);
        }
        const conf: CtConfig = { main: n, pending: newSection(), snapshots: {}, digest: "" };
        saveConf(target, newid, conf);
        // pve-container clone_vm copies the source's firewall file (clone_vmfw_conf).
        const fwFrom = firewallPath(env, vmid);
        if (fs.existsSync(fwFrom)) fs.copyFileSync(fwFrom, firewallPath(env, newid));
      } catch (e) {
        destroyPartial(env, newid, created, targetNode);
        dropSourceLock();
        throw new Error(`clone failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      dropSourceLock();
    });
  },
};

/** create and clone. */
export const CREATE_COMMANDS: PctCommand[] = [create, clone];
