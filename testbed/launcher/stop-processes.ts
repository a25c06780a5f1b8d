/**
 * Stopping everything a simulated cluster started, and waiting until it is gone: the sshd listeners, their
 * per-connection sshd processes, the commands those run (`pct`, shells, helpers), and the container runtimes
 * `pct start` detached from them. `stop` returns only when none of these is alive, so a script may check or
 * restart right after it; one that will not die within the timeout is named in the error.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { checkAlive, readCmdline } from "./processes";

/** What {@link runStopSimProcesses} needs. */
export interface StopSimProcessesSpec {
  /** The simulation root (PHOENIX_SIM_ROOT of every command the nodes ran). */
  root: string;
  /** Pids of the nodes' sshd listeners (already checked to be ours). */
  listeners: number[];
  /** How long to wait for the last process to exit. @default 10000 */
  timeoutMs?: number;
  /** Sends a signal; injectable so a test can play a process that does not die. @default process.kill */
  kill?: (pid: number, signal: NodeJS.Signals) => void;
}

/** One process that outlived the timeout. */
export interface SurvivingProcess {
  pid: number;
  cmdline: string;
}

/** A stop that timed out: names the processes still alive and how to end them. */
export class SimStopTimeoutError extends Error {
  constructor(readonly root: string, readonly survivors: SurvivingProcess[], timeoutMs: number) {
    super(
      `${survivors.length} process(es) of the simulated nodes under ${root} still run ${timeoutMs / 1000} s after SIGKILL: `
        + `${survivors.map((p) => `${p.pid} (${p.cmdline || "?"})`).join(", ")}; `
        + `end them with 'kill -9 ${survivors.map((p) => p.pid).join(" ")}' (or find what holds them in state D) before starting the nodes again`,
    );
  }
}

/** pid → ppid of every process, from one pass over /proc. */
function readParents(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "latin1");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited while we looked
    }
  }
  return parents;
}

/** This process and its ancestors: never signalled, whatever their environment says. */
function selfAndAncestors(parents: Map<number, number>): Set<number> {
  const mine = new Set<number>();
  for (let pid = process.pid; pid > 1 && !mine.has(pid); pid = parents.get(pid) ?? 1) mine.add(pid);
  return mine;
}

/**
 * Pids that belong to a simulation root: their environment carries `PHOENIX_SIM_ROOT=<root>` (every command the
 * nodes' sshd started, and what those detached), their command line names a path under it (the sshd listeners,
 * the container runtimes), or their root or working directory lies under it (processes inside a container).
 */
export function listSimProcesses(root: string, parents: Map<number, number> = readParents()): number[] {
  const prefix = root.endsWith("/") ? root : `${root}/`;
  const marker = `PHOENIX_SIM_ROOT=${prefix.slice(0, -1)}`;
  const skip = selfAndAncestors(parents);
  const found: number[] = [];
  for (const pid of parents.keys()) {
    if (skip.has(pid)) continue;
    try {
      const belongs = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(marker)
        || readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").some((arg) => arg.startsWith(prefix) || arg.includes(`=${prefix}`))
        || ["root", "cwd"].some((link) => `${readlinkSync(`/proc/${pid}/${link}`)}/`.startsWith(prefix));
      if (belongs) found.push(pid);
    } catch {
      // exited meanwhile, or a kernel thread
    }
  }
  return found;
}

/** `pids` plus all their descendants. */
function withDescendants(pids: Iterable<number>, parents: Map<number, number>): Set<number> {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const all = new Set<number>();
  const todo = [...pids];
  while (todo.length) {
    const pid = todo.pop()!;
    if (all.has(pid)) continue;
    all.add(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return all;
}

/**
 * Stops the listeners first (SIGSTOP: no new connection is accepted or forked), then, round by round, freezes
 * every process of the cluster, collects their descendants (a frozen process cannot fork) and SIGKILLs them all,
 * until a round finds none alive. Resolves when nothing is left.
 * @throws SimStopTimeoutError when a process is still alive after `timeoutMs`
 */
export async function runStopSimProcesses(spec: StopSimProcessesSpec): Promise<void> {
  const kill = spec.kill ?? ((pid: number, sig: NodeJS.Signals) => process.kill(pid, sig));
  const send = (pid: number, sig: NodeJS.Signals): void => {
    try {
      kill(pid, sig);
    } catch {
      // already gone
    }
  };
  const timeoutMs = spec.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  const seen = new Set<number>(spec.listeners.filter(checkAlive));
  for (const pid of seen) send(pid, "SIGSTOP");
  for (;;) {
    let parents = readParents();
    const skip = selfAndAncestors(parents);
    const round = [...withDescendants([...seen, ...listSimProcesses(spec.root, parents)], parents)].filter((p) => !skip.has(p) && checkAlive(p));
    if (round.length === 0) return;
    for (const pid of round) send(pid, "SIGSTOP");
    parents = readParents();
    const frozen = [...withDescendants(round, parents)].filter((p) => !skip.has(p));
    for (const pid of frozen) {
      seen.add(pid);
      send(pid, "SIGKILL");
    }
    if (Date.now() > deadline) {
      const survivors = frozen.filter(checkAlive).map((pid) => ({ pid, cmdline: readCmdline(pid) }));
      if (survivors.length) throw new SimStopTimeoutError(spec.root, survivors, timeoutMs);
    }
    await new Promise((r) => setTimeout(r, 20));
    for (const pid of [...seen]) if (!checkAlive(pid)) seen.delete(pid);
  }
}
