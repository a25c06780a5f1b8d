/**
 * One invocation of a simulated tool: its environment, the fault that fires for it, the task (worker)
 * runner with PVE's output conventions (docs/pve-behaviour.md §1.3), and the exit path that writes the command log.
 */
import { registerTask } from "./tasks";
import { Die, Param400 } from "./sim-errors";
import { SimEnv, err, out, sleepForever } from "./sim-env";
import { appendCommandLog } from "./command-log";
import { FaultRule, dropSession, spawnLockRemover } from "./faults";
import { withConfigLock } from "./flock";
import { loadConf, saveConf } from "./ct-store";

/** Per-invocation state. */
export interface Ctx {
  env: SimEnv;
  /** Full argv as logged, e.g. ["pct", "set", "100", "--memory", "1024"]. */
  argv: string[];
  startedMs: number;
  /** The fault that fires for this invocation, if any. */
  fault?: FaultRule;
}

/** Writes the command log line and exits. */
export function finish(ctx: Ctx, code: number | null): never {
  appendCommandLog(ctx.env, { ts: ctx.startedMs, node: ctx.env.node, argv: ctx.argv, exit: code, ms: Date.now() - ctx.startedMs });
  process.exit(code ?? 255);
}

/** Prints a direct error (die or 400 block) and exits like the Perl CLI. */
export function failDirect(ctx: Ctx, e: unknown): never {
  if (e instanceof Die || e instanceof Param400) err(e.render());
  else err(`${e instanceof Error ? e.message : String(e)}\n`);
  finish(ctx, 255);
}

/** The default message of a `fail` fault. */
export function faultMessage(ctx: Ctx, rule: FaultRule): string {
  return rule.message ?? `command '${ctx.argv.join(" ")}' failed: injected fault`;
}

/**
 * Fires the actions that act at dispatch: fail, hang, transient-lock, and drop/stuck-lock for commands
 * without a midpoint. Returns normally when the command should proceed.
 */
export function applyFaultAtStart(ctx: Ctx, vmid: number | undefined, hasMidpoint: boolean): void {
  const rule = ctx.fault;
  if (!rule) return;
  switch (rule.action) {
    case "fail":
      err(`${faultMessage(ctx, rule)}\n`);
      finish(ctx, 255);
    case "hang":
      appendCommandLog(ctx.env, { ts: ctx.startedMs, node: ctx.env.node, argv: ctx.argv, exit: null, ms: 0 });
      sleepForever();
    case "transient-lock":
      if (vmid !== undefined) {
        const lock = rule.lock ?? "backup";
        // As on PVE, the task exists before its lock: fork_worker lists the worker, which then locks the config.
        const holder = spawnLockRemover(ctx.env, vmid, lock, rule.ms ?? 1000);
        if (holder !== undefined) registerTask(ctx.env, lock === "backup" ? "vzdump" : "vzsnapshot", vmid, holder);
        setLock(ctx, vmid, lock);
      }
      ctx.fault = undefined;
      return;
    default:
      if (!hasMidpoint) faultPoint(ctx, vmid);
  }
}

function setLock(ctx: Ctx, vmid: number, lock: string): void {
  try {
    withConfigLock(ctx.env, vmid, () => {
      const conf = loadConf(ctx.env, vmid);
      conf.main.keys.lock = lock;
      saveConf(ctx.env, vmid, conf);
    });
  } catch {
    // No config: nothing to lock.
  }
}

/**
 * The midpoint of a mutating command: `drop` kills the SSH session here (half the work done, as a crash
 * would leave it); `stuck-lock` exits 255 leaving `ownLock` (or the rule's lock) in the config.
 */
export function faultPoint(ctx: Ctx, vmid: number | undefined, ownLock?: string): void {
  const rule = ctx.fault;
  if (!rule || (rule.action !== "drop" && rule.action !== "stuck-lock")) return;
  if (rule.action === "drop") {
    appendCommandLog(ctx.env, { ts: ctx.startedMs, node: ctx.env.node, argv: ctx.argv, exit: null, ms: Date.now() - ctx.startedMs });
    dropSession();
  }
  const lock = rule.lock ?? ownLock ?? "backup";
  if (vmid !== undefined && lock !== ownLock) setLock(ctx, vmid, lock);
  err(`${faultMessage(ctx, rule)}\n`);
  finish(ctx, 255);
}

/** What a running task can do: print (stdout), warn (`WARN:` line, counted). */
export interface Task {
  print(text: string): void;
  warn(text: string): void;
}

/**
 * Runs a worker task in the foreground like fork_worker in CLI mode: output on stdout; failure → one line
 * on stderr (newlines → spaces) and 255 (or 0 for commands without `$upid_exit`); warnings →
 * `Task finished with N warning(s)!` on stderr, exit 0. Returns the exit code.
 */
export function runTask(exitHook: boolean, fn: (task: Task) => void): number {
  let warnings = 0;
  const task: Task = {
    print: (t) => out(t),
    warn: (t) => {
      warnings++;
      out(`WARN: ${t}\n`);
    },
  };
  try {
    fn(task);
  } catch (e) {
    const msg = e instanceof Die || e instanceof Error ? e.message : String(e);
    err(`${msg.replace(/\n+$/, "").replace(/\n/g, " ")}\n`);
    return exitHook ? 255 : 0;
  }
  if (warnings) err(`Task finished with ${warnings} warning(s)!\n`);
  return 0;
}
