/**
 * Power and lifecycle tasks (docs/pve-behaviour.md §3.8–3.12): start, stop, shutdown, reboot, destroy.
 */
import * as fs from "node:fs";
import { checkVmid } from "./cli-args";
import { CtConfig } from "./conf-file";
import { Die } from "./sim-errors";
import { SimEnv, confPath, out } from "./sim-env";
import { withConfigLock } from "./flock";
import { confExists, isRunning, loadConf, runtimeCt, saveConf } from "./ct-store";
import { applyLatency } from "./faults";
import { Ctx, faultPoint, runTask } from "./sim-context";
import { applyPending, sectionVolumes } from "./pending-apply";
import { freeVolume } from "./storage";
import { isCtRunning, recordStartFailure, startCt, stopCt } from "./runtime-adapter";
import { prepareMountTargets } from "./mount-targets";
import { systemdNestingWarning } from "./rootfs-setup";
import { firewallPath } from "./firewall-file";
import { PctCommand } from "./pct-command";

function checkStartStopLock(conf: CtConfig, skiplock: boolean): void {
  const lock = conf.main.keys.lock;
  if (lock && lock !== "mounted" && !skiplock) throw new Die(`CT is locked (${lock})`);
}

/** vm_start under the config flock: pending changes are applied first, then the runtime starts the CT. */
export function startContainer(env: SimEnv, vmid: number, skiplock: boolean, warn: (msg: string) => void, latencyOp = "start"): void {
  withConfigLock(env, vmid, () => {
    const conf = loadConf(env, vmid);
    if (conf.main.keys.template === "1") throw new Die("you can't start a CT if it's a template");
    checkStartStopLock(conf, skiplock);
    applyPending(env, vmid, conf, false, out);
    saveConf(env, vmid, conf);
    applyLatency(env, latencyOp);
    const ct = runtimeCt(env, vmid, conf);
    const nesting = systemdNestingWarning(ct.rootfs, conf.main.keys);
    if (nesting) warn(nesting);
    try {
      prepareMountTargets(ct.rootfs, conf);
      // PVE starts the `pve-container@<vmid>` unit, and starting an active unit succeeds without doing anything:
      // a start that passed the "already running" check just before another start finished is not an error.
      if (!isCtRunning(ct)) startCt(ct);
    } catch (e) {
      // PVE prints only this line; the cause goes to the LXC log (the journal), which `pct start --debug 1` prints.
      recordStartFailure(ct, e);
      throw new Die(`startup for container '${vmid}' failed`);
    }
  });
}

function stopContainer(env: SimEnv, vmid: number, check: (conf: CtConfig) => void, latencyOp: string): void {
  withConfigLock(env, vmid, () => {
    const conf = loadConf(env, vmid);
    check(conf);
    applyLatency(env, latencyOp);
    stopCt(runtimeCt(env, vmid, conf));
  });
}

function runningNow(env: SimEnv, vmid: number): boolean {
  return confExists(env, vmid) && isRunning(env, vmid, loadConf(env, vmid));
}

const start: PctCommand = {
  def: { name: "start", positionals: ["vmid"], options: { debug: "bool", skiplock: "bool" } },
  midpoint: true,
  run(ctx, a) {
    const vmid = checkVmid(a.pos[0]);
    if (runningNow(ctx.env, vmid)) throw new Die(`CT ${vmid} already running`);
    return runTask(true, (task) => {
      startContainer(ctx.env, vmid, a.opts.skiplock === "1", task.warn);
      faultPoint(ctx, vmid);
    });
  },
};

function stopLike(name: "stop" | "shutdown", options: Record<string, "bool" | "string">): PctCommand {
  return {
    def: { name, positionals: ["vmid"], options },
    midpoint: true,
    run(ctx: Ctx, a) {
      const vmid = checkVmid(a.pos[0]);
      if (!runningNow(ctx.env, vmid)) throw new Die(`CT ${vmid} not running`);
      return runTask(true, () => {
        stopContainer(ctx.env, vmid, (conf) => {
          if (name === "stop") checkStartStopLock(conf, a.opts.skiplock === "1");
          else if (conf.main.keys.lock) throw new Die(`CT is locked (${conf.main.keys.lock})`);
        }, name);
        faultPoint(ctx, vmid);
      });
    },
  };
}

const reboot: PctCommand = {
  def: { name: "reboot", positionals: ["vmid"], options: { timeout: "string" } },
  midpoint: true,
  run(ctx, a) {
    const vmid = checkVmid(a.pos[0]);
    if (!runningNow(ctx.env, vmid)) throw new Die(`VM ${vmid} not running`);
    return runTask(true, (task) => {
      stopContainer(ctx.env, vmid, () => undefined, "stop");
      faultPoint(ctx, vmid);
      // No lock check on the reboot path (inferred from PVE::API2::LXC::Status vm_reboot).
      startContainer(ctx.env, vmid, true, task.warn);
    });
  },
};

const destroy: PctCommand = {
  def: { name: "destroy", positionals: ["vmid"], options: { force: "bool", purge: "bool", "destroy-unreferenced-disks": "bool" } },
  midpoint: true,
  run(ctx, a) {
    const env = ctx.env;
    const vmid = checkVmid(a.pos[0]);
    const force = a.opts.force === "1";
    withConfigLock(env, vmid, () => {
      const conf = loadConf(env, vmid);
      if (conf.main.keys.protection === "1") throw new Die(`can't remove CT ${vmid} - protection mode enabled`);
      if (conf.main.keys.lock) throw new Die(`CT is locked (${conf.main.keys.lock})`);
      if (!force && isRunning(env, vmid, conf)) throw new Die(`unable to destroy CT ${vmid} - container is running`);
    });
    return runTask(true, (task) => {
      withConfigLock(env, vmid, () => {
        const conf = loadConf(env, vmid);
        if (conf.main.keys.lock) throw new Die(`CT is locked (${conf.main.keys.lock})`);
        if (isRunning(env, vmid, conf)) {
          task.print(`forced to stop CT ${vmid} before destroying!\n`);
          stopCt(runtimeCt(env, vmid, conf));
        }
        const vols = new Set<string>();
        for (const v of sectionVolumes(conf.main.keys)) vols.add(v.volid);
        for (const v of sectionVolumes(conf.pending.keys)) vols.add(v.volid);
        for (const [k, v] of Object.entries(conf.main.keys)) if (/^unused\d+$/.test(k)) vols.add(v);
        for (const s of Object.values(conf.snapshots)) for (const v of sectionVolumes(s.keys)) vols.add(v.volid);
        for (const v of vols) freeVolume(env, v, (s) => task.print(s));
        const gone: CtConfig = { main: { keys: Object.create(null), lxc: [] }, pending: { keys: Object.create(null), lxc: [] }, snapshots: {}, digest: "" };
        gone.main.keys.lock = "destroyed";
        saveConf(env, vmid, gone);
        faultPoint(ctx, vmid, "destroyed");
        applyLatency(env, "destroy");
        if (a.opts.purge === "1") task.print(`purging CT ${vmid} from related configurations..\n`);
        fs.rmSync(confPath(env, vmid), { force: true });
        fs.rmSync(firewallPath(env, vmid), { force: true }); // destroy_lxc removes the firewall file, --purge or not
      });
    });
  },
};

/** start, stop, shutdown, reboot, destroy. */
export const POWER_COMMANDS: PctCommand[] = [
  start,
  stopLike("stop", { "overrule-shutdown": "bool", skiplock: "bool" }),
  stopLike("shutdown", { timeout: "string", forceStop: "bool" }),
  reboot,
  destroy,
];
