/**
 * Real flock(2) locks, as pve-common `PVE::Tools::lock_file_full` takes them on
 * `/run/lock/lxc/pve-config-<vmid>.lock`. Node has no flock binding, so the `flock` utility locks a file
 * descriptor we pass it as fd 3: the lock belongs to the open file description, which our process keeps
 * open after the helper exits, so the lock stays held until we close the fd. Two simulator processes
 * therefore contend exactly like two `pct` processes on a real host.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { Die } from "./sim-errors";
import { SimEnv, ensureDir, err } from "./sim-env";

const held = new Map<string, { fd: number; depth: number }>();

function flockFd(fd: number, args: string[]): number | null {
  return spawnSync("flock", [...args, "3"], { stdio: ["ignore", "ignore", "ignore", fd] }).status;
}

/**
 * Runs `fn` holding an exclusive flock on `file`. Re-entrant within one process (like lock_file_full's
 * refcount). On timeout dies with `can't lock file '<shownPath>' - got timeout` after printing
 * `trying to acquire lock...` (fixture 05).
 */
export function withFileLock<T>(file: string, shownPath: string, timeoutS: number, fn: () => T): T {
  const cur = held.get(file);
  if (cur) {
    cur.depth++;
    try {
      return fn();
    } finally {
      cur.depth--;
    }
  }
  ensureDir(path.dirname(file));
  const fd = fs.openSync(file, "a");
  if (flockFd(fd, ["-n"]) !== 0) {
    err("trying to acquire lock...\n");
    if (flockFd(fd, ["-w", String(timeoutS)]) !== 0) {
      fs.closeSync(fd);
      throw new Die(`can't lock file '${shownPath}' - got timeout`);
    }
    // lock_file_full prints " OK" once it got the lock after waiting (inferred from pve-common Tools.pm).
    err(" OK\n");
  }
  held.set(file, { fd, depth: 1 });
  try {
    return fn();
  } finally {
    held.delete(file);
    fs.closeSync(fd);
  }
}

/** Lock timeout in seconds: `PHOENIX_SIM_LOCK_TIMEOUT_S`, else PVE's 10 s (5 s for create). */
export function lockTimeoutS(forCreate = false): number {
  const env = process.env.PHOENIX_SIM_LOCK_TIMEOUT_S;
  if (env && Number(env) > 0) return Number(env);
  return forCreate ? 5 : 10;
}

/** Runs `fn` under the CT's config flock (`/run/lock/lxc/pve-config-<vmid>.lock`). */
export function withConfigLock<T>(env: SimEnv, vmid: number, fn: () => T, forCreate = false): T {
  const name = `pve-config-${vmid}.lock`;
  return withFileLock(path.join(env.root, "run/lock/lxc", name), `/run/lock/lxc/${name}`, lockTimeoutS(forCreate), fn);
}

/** Runs `fn` under the guest migration flock that delsnapshot/rollback take (docs/pve-behaviour.md §3.15, §3.16). */
export function withMigrationLock<T>(env: SimEnv, vmid: number, fn: () => T): T {
  const name = `pve-migrate-${vmid}`;
  return withFileLock(path.join(env.root, "var/lock/pve-manager", name), `/var/lock/pve-manager/${name}`, lockTimeoutS(), fn);
}
