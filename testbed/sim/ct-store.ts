/**
 * Loading and saving CT configs in the simulated pmxcfs, plus the checks every command shares
 * (existence, `check_lock`, running state through the runtime adapter).
 */
import * as fs from "node:fs";
import { CtConfig, parseConfig, writeConfig } from "./conf-file";
import { isConfigKey, parseDisk } from "./conf-schema";
import { Die } from "./sim-errors";
import { SimEnv, cfsConfPath, confPath, err, writeFileAtomic } from "./sim-env";
import { RuntimeCt, isCtRunning } from "./runtime-adapter";
import { volumeDir } from "./storage";

/** True when this node holds a config for `vmid`. */
export function confExists(env: SimEnv, vmid: number): boolean {
  return fs.existsSync(confPath(env, vmid));
}

/** load_config: parses the CT config or dies `Configuration file '...' does not exist`. */
export function loadConf(env: SimEnv, vmid: number): CtConfig {
  let raw: string;
  try {
    raw = fs.readFileSync(confPath(env, vmid), "utf8");
  } catch {
    throw new Die(`Configuration file '${cfsConfPath(env, vmid)}' does not exist`);
  }
  return parseConfig(raw, vmid, isConfigKey, (m) => err(`${m}\n`));
}

/** write_config: serialises and replaces the file atomically. */
export function saveConf(env: SimEnv, vmid: number, conf: CtConfig): void {
  writeFileAtomic(confPath(env, vmid), writeConfig(conf));
}

/** check_lock: dies `CT is locked (<lock>)` when the config holds a lock. */
export function checkLock(conf: CtConfig): void {
  const lock = conf.main.keys.lock;
  if (lock) throw new Die(`CT is locked (${lock})`);
}

/** The runtime's view of a CT. */
export function runtimeCt(env: SimEnv, vmid: number, conf?: CtConfig): RuntimeCt {
  let rootfs = "";
  const rf = conf?.main.keys.rootfs;
  try {
    if (rf) rootfs = volumeDir(env, parseDisk("rootfs", rf).volume);
  } catch {
    // An unparsable rootfs (hand-edited config) leaves the path empty; start then fails like a real host.
  }
  const hostname = conf?.main.keys.hostname ?? `CT${vmid}`;
  return { vmid, rootfs, hostname, node: env.node, simRoot: env.root };
}

/** check_running. */
export function isRunning(env: SimEnv, vmid: number, conf?: CtConfig): boolean {
  return isCtRunning(runtimeCt(env, vmid, conf));
}
