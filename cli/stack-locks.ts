/**
 * Stack locks of a file backend, and Automation API failures in this product's words. A `pulumi` run takes a
 * lock file under `<backend>/.pulumi/locks/…/<stack>/` and removes it when it ends; a run that was killed leaves
 * it, and every later run is refused. `pulumi cancel` does not apply to a file backend, so `phoenix unlock`
 * removes a lock, but only one whose run is provably gone (core/engine-failure `judgeLock`).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { describeLockedStack, judgeLock, LockFacts, LockVerdict, parseEngineFailure, StackLock } from "../core/engine-failure";
import { PhoenixError } from "../core/errors";

/** True while process `pid` runs on this host and is a Pulumi CLI (a pid reused by another program is not). */
export function isPulumiProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  try {
    return /pulumi/.test(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8"));
  } catch {
    return !fs.existsSync("/proc/self"); // no procfs: trust the pid
  }
}

/** This machine's facts for {@link judgeLock}. */
export function localLockFacts(): LockFacts {
  return { hostname: os.hostname(), pidAlive: isPulumiProcessAlive, nowMs: Date.now() };
}

/** The lock files of `stack` in a `file://` backend (project-scoped layout, and the older unscoped one). */
export function listStackLocks(backendUrl: string, project: string, stack: string): StackLock[] {
  if (!backendUrl.startsWith("file://")) return [];
  const root = path.join(backendUrl.slice("file://".length), ".pulumi", "locks");
  const locks: StackLock[] = [];
  for (const dir of [path.join(root, "organization", project, stack), path.join(root, stack)]) {
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((n) => n.endsWith(".json"));
    } catch {
      continue;
    }
    for (const name of names) {
      const file = path.join(dir, name);
      try {
        const c = JSON.parse(fs.readFileSync(file, "utf8")) as { pid?: number; username?: string; hostname?: string; timestamp?: string };
        locks.push({ file, user: c.username ?? "?", host: c.hostname ?? "?", pid: Number(c.pid), startedAt: c.timestamp ?? "" });
      } catch {
        continue; // removed meanwhile (its run ended), or being written
      }
    }
  }
  return locks;
}

/** The exact `phoenix unlock` command for this stack, run from anywhere. */
export function unlockCommandFor(stack: string, projectDir: string | undefined): string {
  const cwd = projectDir && path.resolve(projectDir) !== process.cwd() ? ` --cwd ${projectDir}` : "";
  return `phoenix unlock --stack ${stack}${cwd}`;
}

/** Judges each lock on this machine. */
export function judgeLocks(locks: StackLock[], facts: LockFacts = localLockFacts()): { lock: StackLock; verdict: LockVerdict }[] {
  return locks.map((lock) => ({ lock, verdict: judgeLock(lock, facts) }));
}

/** An Automation API failure in this product's words. */
export interface ExplainedEngineError {
  /** Message and next step. */
  error: PhoenixError;
  /** The run was refused before it changed anything (a lock, the passphrase): nothing per resource to show. */
  refused: boolean;
}

/**
 * An Automation API failure (a CommandError carrying the CLI's whole output) explained with its next step;
 * undefined for any other error. `stack` gives the stack name and project directory for the commands printed.
 */
export function explainEngineError(error: unknown, stack?: Pick<Stack, "name"> & { workspace?: unknown }): ExplainedEngineError | undefined {
  const result = (error as { commandResult?: { stdout?: string; stderr?: string; err?: NodeJS.ErrnoException } } | undefined)?.commandResult;
  if (!result) return undefined;
  // The CLI could not be started at all: the Automation API keeps the spawn's error in `commandResult.err`.
  if (result.err?.code === "ENOENT") {
    const hint = "run `bash scripts/setup.sh`, or put `pulumi` on PATH";
    return { error: new PhoenixError("environment", `the Pulumi CLI could not be started (${result.err.message})`, { hint }), refused: true };
  }
  const failure = parseEngineFailure(result.stderr ?? "", result.stdout ?? "");
  const projectDir = (stack?.workspace as { workDir?: string } | undefined)?.workDir;
  if (failure.kind === "locked") {
    const stackName = stack?.name ?? stackOfLock(failure.locks[0]) ?? "?";
    const { message, hint } = describeLockedStack(stackName, judgeLocks(failure.locks), unlockCommandFor(stackName, projectDir));
    return { error: new PhoenixError("stack-locked", message, { hint }), refused: true };
  }
  if (failure.kind === "passphrase") {
    const hint = "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the passphrase the stack was created with";
    return { error: new PhoenixError("config", `the stack's secrets could not be decrypted: ${failure.detail}`, { hint }), refused: true };
  }
  const where = stack ? ` (--stack ${stack.name}${projectDir ? ` --cwd ${projectDir}` : ""})` : "";
  return {
    error: new PhoenixError("internal", `the Pulumi engine failed: ${failure.errors.join("; ")}`, {
      hint: `run the command again; if it fails the same way, run the matching pulumi command${where} for the engine's full output`,
    }),
    refused: false,
  };
}

/** The stack directory name in a lock's path (`…/locks/organization/<project>/<stack>/<id>.json`). */
function stackOfLock(lock: StackLock | undefined): string | undefined {
  return lock ? path.basename(path.dirname(lock.file.replace(/^file:\/\//, ""))) : undefined;
}
