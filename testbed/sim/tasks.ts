/**
 * Running worker tasks, as PVE records them (pve-common RESTEnvironment `fork_worker`, pve-manager
 * API2/Tasks.pm): each worker command registers a task with its UPID while it runs. `pvesh get
 * /nodes/<node>/tasks --source active` lists them; a task whose process died (SIGKILL, dropped session) is no
 * longer active — exactly what tells a transient config lock from a stuck one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { SimEnv, writeFileAtomic } from "./sim-env";

/** Worker command → PVE task type. */
export const TASK_TYPES: Readonly<Record<string, string>> = {
  create: "vzcreate", clone: "vzclone", start: "vzstart", stop: "vzstop", shutdown: "vzshutdown", reboot: "vzreboot",
  destroy: "vzdestroy", snapshot: "vzsnapshot", delsnapshot: "vzdelsnapshot", rollback: "vzrollback", resize: "resize", push: "push_file",
};

const tasksDir = (env: SimEnv) => path.join(env.root, "nodes", env.node, "state", "tasks");
const hex = (n: number, width = 8) => n.toString(16).toUpperCase().padStart(width, "0");

/**
 * Registers a running task of process `pid` (default: this one). The record is removed when this process exits
 * normally, if the task is this process's own; a task of another process removes its own record.
 */
export function registerTask(env: SimEnv, type: string, vmid: number | undefined, pid = process.pid): void {
  const starttime = Math.floor(Date.now() / 1000);
  // pstart (the process's start time in clock ticks) is what tells a live task from a recycled pid, as in a UPID.
  const pstart = processStart(pid) ?? 0;
  const upid = `UPID:${env.node}:${hex(pid)}:${hex(pstart)}:${hex(starttime)}:${type}:${vmid ?? ""}:root@pam:`;
  const file = path.join(tasksDir(env), `${pid}.json`);
  // Whole or not at all: a reader that skipped a half-written record would take a running task for a dead one.
  writeFileAtomic(file, JSON.stringify({ upid, node: env.node, pid, pstart, starttime, type, id: vmid === undefined ? "" : String(vmid), user: "root@pam" }));
  if (pid === process.pid) process.on("exit", () => fs.rmSync(file, { force: true }));
}

/** Fields of /proc/<pid>/stat after the command name, or undefined when the process is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** starttime (field 22 of stat(5)) of a process. */
function processStart(pid: number): number | undefined {
  const f = statFields(pid);
  return f ? Number(f[22 - 3]) : undefined;
}

/**
 * A task's process is running: it exists, is not a zombie (a killed process that nobody reaped yet), and is the
 * same process (its start time matches), not a later one that got the dead task's pid.
 */
function isAlive(pid: number, pstart: number): boolean {
  const f = statFields(pid);
  return f !== undefined && f[0] !== "Z" && (pstart === 0 || Number(f[22 - 3]) === pstart);
}

/** The node's running tasks, optionally for one VMID. */
export function activeTasks(env: SimEnv, vmid?: number): Record<string, string | number>[] {
  const dir = tasksDir(env);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .filter((f) => /^\d+\.json$/.test(f)) // not the temp file of a record being written
    .map((f) => { try { return JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as Record<string, string | number>; } catch { return undefined; } })
    .filter((t): t is Record<string, string | number> => t !== undefined && isAlive(Number(t.pid), Number(t.pstart)) && (vmid === undefined || t.id === String(vmid)))
    .sort((a, b) => Number(b.starttime) - Number(a.starttime));
}
