/**
 * The default runtime: a container is a private PID/mount/UTS/IPC namespace whose PID 1 is
 * a small reaping init, with the rootfs's /proc, /sys and /dev mounted inside that mount
 * namespace only (ct-init.sh). Commands join those namespaces with nsenter and chroot into
 * the rootfs. Killing PID 1 makes the kernel kill everything else in the namespace and
 * drops the mounts, so stop needs no cleanup beyond that.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { applyStartFiles } from "./ct-setup";
import {
  childrenOf,
  clearRunState,
  containerPids,
  isProcessAlive,
  killAll,
  pidNamespaceOf,
  pinPidNamespace,
  processStartTime,
  readRunState,
  realpathOr,
  stateDir,
  waitUntil,
  writeRunState,
  type RuntimeCt,
} from "./state";

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * Finds ct-init.sh: next to this file when run from the sources, or in the source tree
 * when run from dist/ (tsc does not copy shell scripts).
 */
function initScriptPath(): string {
  const candidates = [
    path.join(__dirname, "ct-init.sh"),
    path.resolve(__dirname, "..", "..", "..", "testbed", "runtime", "ct-init.sh"),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`ct-init.sh not found (looked in ${candidates.join(", ")})`);
  return found;
}

function logTail(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").trim().split("\n").slice(-10).join("\n");
  } catch {
    return "";
  }
}

/** True when the container's PID 1 (the one recorded at start) is alive. */
export function isChrootRunning(ct: RuntimeCt): boolean {
  const state = readRunState(ct);
  return state?.backend === "chroot" && isProcessAlive(state.initPid, state.initStart);
}

/** Starts the container's namespaces and waits until its mounts are ready. */
export function startChroot(ct: RuntimeCt): void {
  if (!fs.statSync(ct.rootfs, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`rootfs ${ct.rootfs} of CT ${ct.vmid} is not a directory`);
  }
  const dir = stateDir(ct);
  fs.mkdirSync(dir, { recursive: true });
  const ready = path.join(dir, "ready");
  const logFile = path.join(dir, "runtime.log");
  fs.rmSync(ready, { force: true });
  applyStartFiles(ct);

  const log = fs.openSync(logFile, "w");
  // Detached, with stdio on a log file: the supervisor outlives this CLI process and must
  // not hold the caller's pipes (an SSH channel would never close).
  const holder = spawn(
    "unshare",
    ["--pid", "--fork", "--kill-child", "--mount", "--uts", "--ipc", "--propagation", "private", "--",
      "sh", initScriptPath(), realpathOr(ct.rootfs), ct.hostname, ready],
    { detached: true, stdio: ["ignore", log, log], cwd: "/" },
  );
  fs.closeSync(log);
  holder.unref();
  const holderPid = holder.pid;
  if (holderPid === undefined) throw new Error(`CT ${ct.vmid}: cannot run unshare (util-linux)`);

  const started = waitUntil(() => fs.existsSync(ready) || !isProcessAlive(holderPid), START_TIMEOUT_MS);
  const initPid = childrenOf(holderPid)[0];
  if (!started || !fs.existsSync(ready) || initPid === undefined) {
    killAll([holderPid]);
    throw new Error(`CT ${ct.vmid} failed to start: ${logTail(logFile) || "no output (timed out)"}`);
  }
  writeRunState(ct, {
    backend: "chroot",
    rootfs: realpathOr(ct.rootfs),
    initPid,
    initStart: processStartTime(initPid) ?? 0,
    pidNs: pidNamespaceOf(initPid) ?? "",
    holderPid,
  });
}

/**
 * Kills the container: its PID 1 (which takes the namespace and its mounts with it), then
 * any process still in the namespace or rooted in the rootfs. Safe to call when stopped.
 */
export function stopChroot(ct: RuntimeCt): void {
  const state = readRunState(ct);
  const pinned = pinPidNamespace(state);
  try {
    if (state && isProcessAlive(state.initPid, state.initStart)) killAll([state.initPid]);
    const rootfs = state?.rootfs ?? ct.rootfs;
    const gone = waitUntil(() => {
      const left = containerPids(pinned.pidNs, rootfs);
      killAll(left);
      return left.length === 0 && !(state && isProcessAlive(state.initPid, state.initStart));
    }, STOP_TIMEOUT_MS);
    if (!gone) {
      throw new Error(`CT ${ct.vmid}: processes survived SIGKILL: ${containerPids(pinned.pidNs, rootfs).join(" ")}`);
    }
  } finally {
    pinned.release();
  }
  clearRunState(ct);
}

/** The host command line that runs `argv` inside the running container. */
export function buildChrootExecArgv(ct: RuntimeCt, argv: string[]): string[] {
  const state = readRunState(ct);
  if (!state || state.backend !== "chroot" || !isProcessAlive(state.initPid, state.initStart)) {
    throw new Error(`container '${ct.vmid}' not running!`);
  }
  // nsenter forks after joining the PID namespace, waits, and re-raises the child's fatal
  // signal, so the exit status reaching us is the command's own.
  return ["nsenter", "-t", String(state.initPid), "-m", "-u", "-i", "-p", "--",
    "chroot", "--", state.rootfs, ...argv];
}
