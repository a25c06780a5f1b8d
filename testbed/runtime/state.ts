/**
 * Where a container's runtime state lives and the small process helpers both backends share.
 * Everything is synchronous: the simulator is a short-lived CLI process.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** A container as the runtime sees it; the simulator builds one from its own state. */
export interface RuntimeCt {
  /** Container id, as in `pct start <vmid>`. */
  vmid: number;
  /** Absolute path of the container's root filesystem directory on the host. */
  rootfs: string;
  /** Hostname the container sees (`hostname`, /etc/hostname). */
  hostname: string;
  /** Simulated node name; part of the state path and of the LXC container name. */
  node: string;
  /** Root directory of the simulated cluster. */
  simRoot: string;
}

/** Which runtime implementation runs a container. */
export type BackendName = "chroot" | "lxc";

/** What a running container's state file records. */
export interface RunState {
  /** Backend that started the container; later calls follow it, not the environment. */
  backend: BackendName;
  /** The rootfs the container was started on (stop matches processes against it). */
  rootfs: string;
  /** Host pid of the container's PID 1. */
  initPid: number;
  /** `starttime` of initPid from /proc/<pid>/stat, so a recycled pid is not mistaken for it. */
  initStart: number;
  /** Inode of the container's PID namespace (`pid:[N]`), to find every process inside it. */
  pidNs: string;
  /** Host pid of the process that holds the container (unshare, or LXC's monitor). */
  holderPid?: number;
}

/** Returns `${simRoot}/nodes/${node}/state/runtime/<vmid>`. */
export function stateDir(ct: RuntimeCt): string {
  return path.join(ct.simRoot, "nodes", ct.node, "state", "runtime", String(ct.vmid));
}

function stateFile(ct: RuntimeCt): string {
  return path.join(stateDir(ct), "run.json");
}

/** Reads the state of a started container, or undefined when none was recorded. */
export function readRunState(ct: RuntimeCt): RunState | undefined {
  try {
    return JSON.parse(fs.readFileSync(stateFile(ct), "utf8")) as RunState;
  } catch {
    return undefined;
  }
}

/** Records a started container (write then rename, so readers never see half a file). */
export function writeRunState(ct: RuntimeCt, state: RunState): void {
  fs.mkdirSync(stateDir(ct), { recursive: true });
  const tmp = `${stateFile(ct)}.${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2) + "\n");
  fs.renameSync(tmp, stateFile(ct));
}

/** Forgets a container's run state; a missing file is fine. */
export function clearRunState(ct: RuntimeCt): void {
  fs.rmSync(stateFile(ct), { force: true });
}

/** The backend named by PHOENIX_SIM_RUNTIME (default chroot). */
export function backendFromEnv(env: NodeJS.ProcessEnv = process.env): BackendName {
  const value = env.PHOENIX_SIM_RUNTIME ?? "chroot";
  if (value === "chroot" || value === "lxc") return value;
  throw new Error(`PHOENIX_SIM_RUNTIME must be "chroot" or "lxc", got "${value}"`);
}

/** Blocks the (single-threaded) simulator for `ms` milliseconds without spinning. */
export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Fields of /proc/<pid>/stat after the command name, or undefined when the pid is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may itself contain spaces or parentheses.
    return text.slice(text.lastIndexOf(")") + 2).trim().split(" ");
  } catch {
    return undefined;
  }
}

/** `starttime` (clock ticks since boot) of a live process, or undefined. */
export function processStartTime(pid: number): number | undefined {
  const fields = statFields(pid);
  // After the name: state is field 3 of stat(5), starttime is field 22.
  return fields ? Number(fields[22 - 3]) : undefined;
}

/** True when pid exists, is not a zombie and (if given) started at `startTime`. */
export function isProcessAlive(pid: number, startTime?: number): boolean {
  const fields = statFields(pid);
  if (!fields || fields[0] === "Z" || fields[0] === "X") return false;
  return startTime === undefined || Number(fields[22 - 3]) === startTime;
}

/** The PID namespace id of a process (`pid:[4026531836]`), or undefined. */
export function pidNamespaceOf(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

/** Direct children of a process, from /proc/<pid>/task/<pid>/children. */
export function childrenOf(pid: number): number[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .split(" ")
      .filter((s) => s.trim() !== "")
      .map(Number);
  } catch {
    return [];
  }
}

/** A container's PID namespace held open for a stop; {@link PinnedNamespace.release} lets it go. */
export interface PinnedNamespace {
  /** The namespace's id (`pid:[N]`), or undefined when the container's init was already gone. */
  pidNs?: string;
  release(): void;
}

/**
 * Holds the recorded PID namespace of a running container open for as long as a stop sweeps it. The kernel gives a
 * freed namespace's id to the next new namespace, so once the container's last process has exited, matching
 * processes by the recorded id would find, and kill, another container starting at that moment (the stress test
 * caught a stop of one container SIGKILLing the init of another mid-start). An open namespace file keeps the id
 * taken. When init is already gone the recorded id may belong to someone else by now, and is not used.
 */
export function pinPidNamespace(state: RunState | undefined): PinnedNamespace {
  const none: PinnedNamespace = { release: () => undefined };
  if (!state || !isProcessAlive(state.initPid, state.initStart)) return none;
  let fd: number;
  try {
    fd = fs.openSync(`/proc/${state.initPid}/ns/pid`, "r");
  } catch {
    return none;
  }
  // Alive with the same start time before and after the open: the file opened is this container's namespace.
  if (!isProcessAlive(state.initPid, state.initStart) || fs.readlinkSync(`/proc/self/fd/${fd}`) !== state.pidNs) {
    fs.closeSync(fd);
    return none;
  }
  return { pidNs: state.pidNs, release: () => fs.closeSync(fd) };
}

/**
 * Host pids of the processes that belong to a container: inside its PID namespace, or with
 * their root directory on its rootfs (a process that escaped the namespace still counts).
 */
export function containerPids(pidNs: string | undefined, rootfs: string): number[] {
  const root = realpathOr(rootfs);
  const found: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    if (pidNs !== undefined && pidNamespaceOf(pid) === pidNs) {
      found.push(pid);
      continue;
    }
    try {
      const procRoot = fs.readlinkSync(`/proc/${pid}/root`);
      if (procRoot === root || procRoot.startsWith(root + "/")) found.push(pid);
    } catch {
      // The process ended while we looked, or it is a kernel thread: not ours.
    }
  }
  return found;
}

/** SIGKILLs the given pids; ones that are already gone are ignored. */
export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // ESRCH: it ended on its own.
    }
  }
}

/** Polls `done` every 20 ms until it holds or `timeoutMs` passes; returns whether it held. */
export function waitUntil(done: () => boolean, timeoutMs: number): boolean {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (done()) return true;
    if (Date.now() >= deadline) return false;
    sleepMs(20);
  }
}

/** realpath, or the path itself when it does not exist. */
export function realpathOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}
