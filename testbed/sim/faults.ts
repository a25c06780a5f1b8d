/**
 * Fault injection (`$ROOT/nodes/<node>/faults.json`) and latency (`latency.json`), see README.md.
 * Invocations are counted per command (and per command+vmid) in a counter file under a real flock, so
 * "the 2nd snapshot fails" holds even when commands run in parallel.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { withFileLock } from "./flock";
import { SimEnv, nodeDir, sleepMs, stateDir, writeFileAtomic } from "./sim-env";

/** One rule of faults.json. */
export interface FaultRule {
  cmd: string;
  /** Fire on the nth matching invocation only (1-based); every invocation when absent. */
  nth?: number;
  vmid?: number;
  action: "fail" | "hang" | "drop" | "stuck-lock" | "transient-lock";
  message?: string;
  lock?: string;
  ms?: number;
}

/** Counts this invocation and returns the first rule that fires for it, if any. */
export function takeFault(env: SimEnv, cmd: string, vmid: number | undefined): FaultRule | undefined {
  const file = path.join(nodeDir(env), "faults.json");
  if (!fs.existsSync(file)) return undefined;
  const rules = JSON.parse(fs.readFileSync(file, "utf8")) as FaultRule[];
  if (!rules.some((r) => r.cmd === cmd)) return undefined;
  const counterFile = path.join(stateDir(env), "fault-counters.json");
  const counts = withFileLock(`${counterFile}.lock`, `${counterFile}.lock`, 10, () => {
    const c: Record<string, number> = fs.existsSync(counterFile) ? JSON.parse(fs.readFileSync(counterFile, "utf8")) : {};
    c[cmd] = (c[cmd] ?? 0) + 1;
    if (vmid !== undefined) c[`${cmd}:${vmid}`] = (c[`${cmd}:${vmid}`] ?? 0) + 1;
    // Replaced in one step: a command killed mid-write (a `drop` elsewhere) must not leave a torn counter file.
    writeFileAtomic(counterFile, JSON.stringify(c));
    return c;
  });
  return rules.find((r) => {
    if (r.cmd !== cmd) return false;
    if (r.vmid !== undefined && r.vmid !== vmid) return false;
    const n = r.vmid !== undefined ? counts[`${cmd}:${vmid}`] : counts[cmd];
    return r.nth === undefined || r.nth === n;
  });
}

/** Sleeps the configured latency for `op` (`latency.json`; `PHOENIX_SIM_LATENCY=0` disables). */
export function applyLatency(env: SimEnv, op: string): void {
  if (process.env.PHOENIX_SIM_LATENCY === "0") return;
  const file = path.join(nodeDir(env), "latency.json");
  if (!fs.existsSync(file)) return;
  const table = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, number>;
  sleepMs(table[op] ?? table.default ?? 0);
}

/** The nearest ancestor process named `sshd` (or `sshd-session`), walking the /proc ppid chain. */
export function findSshdAncestor(): number | undefined {
  let pid = process.ppid;
  while (pid > 1) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      return undefined;
    }
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    // OpenSSH >= 9.8 names the per-session process `sshd-session`; Debian 12's 9.2 uses `sshd`.
    if (comm === "sshd" || comm === "sshd-session") return pid;
    pid = Number(stat.slice(close + 2).split(" ")[1]);
  }
  return undefined;
}

/** Kills the SSH session carrying this command (or, without one, this process), like a crash would. */
export function dropSession(): never {
  const sshd = findSshdAncestor();
  if (sshd !== undefined) {
    try {
      process.kill(sshd, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  process.kill(process.pid, "SIGKILL");
  throw new Error("unreachable");
}

/** Starts the detached helper that removes a transient lock after `ms`. */
export function spawnLockRemover(env: SimEnv, vmid: number, lock: string, ms: number): number | undefined {
  const child = spawn(process.execPath, [path.join(__dirname, "transient-lock-main.js"), String(vmid), lock, String(ms)], {
    detached: true,
    stdio: "ignore",
    env: { ...process.env, PHOENIX_SIM_ROOT: env.root, PHOENIX_SIM_NODE: env.node },
  });
  child.unref();
  return child.pid;
}
