/**
 * The container runtime of the testbed: what the simulated `pct` calls to really start a
 * container, run `pct exec` commands in it and `pct push` files into it, so feature guards
 * and installs run inside a real root filesystem.
 *
 * Backend by PHOENIX_SIM_RUNTIME: `chroot` (default; namespaces + chroot, see
 * chroot-backend.ts) or `lxc` (experimental; real LXC, see lxc-backend.ts). A started
 * container keeps the backend it was started with. State lives under
 * `${simRoot}/nodes/${node}/state/runtime/<vmid>/`. Everything is synchronous.
 */
import { buildChrootExecArgv, isChrootRunning, startChroot, stopChroot } from "./chroot-backend";
import { buildExecEnv } from "./ct-setup";
import { runRelayed } from "./exec-relay";
import { buildLxcExecArgv, isLxcRunning, startLxc, stopLxc } from "./lxc-backend";
import { applyPush, type PushOptions } from "./push";
import * as fs from "node:fs";
import * as path from "node:path";
import { backendFromEnv, readRunState, stateDir, type BackendName, type RuntimeCt } from "./state";

export type { RuntimeCt } from "./state";
export type { PushOptions } from "./push";

interface Backend {
  start(ct: RuntimeCt): void;
  stop(ct: RuntimeCt): void;
  isRunning(ct: RuntimeCt): boolean;
  execArgv(ct: RuntimeCt, argv: string[], env: Record<string, string>): string[];
}

const BACKENDS: Record<BackendName, Backend> = {
  chroot: {
    start: startChroot,
    stop: stopChroot,
    isRunning: isChrootRunning,
    execArgv: (ct, argv) => buildChrootExecArgv(ct, argv),
  },
  lxc: { start: startLxc, stop: stopLxc, isRunning: isLxcRunning, execArgv: buildLxcExecArgv },
};

/** The backend that owns this container: the one that started it, else the configured one. */
function backendOf(ct: RuntimeCt): Backend {
  return BACKENDS[readRunState(ct)?.backend ?? backendFromEnv()];
}

/**
 * Starts the container and returns once commands can run in it. Also writes /etc/hostname,
 * /etc/resolv.conf and the host's apt proxy settings into the rootfs, as PVE's start does.
 * @throws Error when it is already running or cannot start (the message says why).
 */
export function startCt(ct: RuntimeCt): void {
  if (isCtRunning(ct)) throw new Error(`CT ${ct.vmid} already running`);
  BACKENDS[backendFromEnv()].start(ct);
}

/** The file where a failed start's cause is kept (PVE keeps it in the LXC log and the journal). */
export const START_FAILURE_LOG = "start-failure.log";

/**
 * Appends why a start failed to the container's {@link START_FAILURE_LOG}: PVE prints only `startup for container
 * '<vmid>' failed`, so without this record a failure on a loaded machine could not be explained afterwards.
 */
export function recordStartFailure(ct: RuntimeCt, error: unknown): void {
  const cause = error instanceof Error ? error.stack ?? error.message : String(error);
  fs.mkdirSync(stateDir(ct), { recursive: true });
  fs.appendFileSync(path.join(stateDir(ct), START_FAILURE_LOG), `${new Date().toISOString()} pid ${process.pid}: ${cause}\n`);
}

/** Stops the container, killing every process it runs. Does nothing when it is stopped. */
export function stopCt(ct: RuntimeCt): void {
  backendOf(ct).stop(ct);
}

/** Whether the container is running. */
export function isCtRunning(ct: RuntimeCt): boolean {
  return backendOf(ct).isRunning(ct);
}

/**
 * Runs `argv` inside the running container with PATH, HOME=/root and LANG=C.UTF-8 (plus the
 * host's proxy variables), stdin/stdout/stderr passed through, and returns its exit status
 * (128+signal when killed). A daemon the command leaves running does not keep the caller's
 * output open (exec-relay.ts).
 * @throws Error when argv is empty or the container is not running.
 */
export function execInCt(ct: RuntimeCt, argv: string[]): number {
  if (argv.length === 0) throw new Error("missing command");
  const backend = backendOf(ct);
  if (!backend.isRunning(ct)) throw new Error(`container '${ct.vmid}' not running!`);
  const env = buildExecEnv();
  return runRelayed(backend.execArgv(ct, argv, env), env);
}

/**
 * Copies host file `src` to `dest` in the running container (`pct push`).
 * @throws Error with PVE's texts: `failed to open <file> for reading`, `failed to get uid
 * for: <user>`, `failed to get gid for: <group>`, `invalid mode: '<perms>'`.
 */
export function pushToCt(ct: RuntimeCt, src: string, dest: string, opts: PushOptions): void {
  if (!isCtRunning(ct)) throw new Error("can only push files to a running CT");
  applyPush(ct, src, dest, opts);
}
