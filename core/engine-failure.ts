/**
 * What a failed Pulumi CLI run said, turned into this product's own words. The Automation API hands back the
 * CLI's whole stderr (`code: -2 … stdout: … stderr: … err?: …`); users need what failed and the one next step.
 * Pure: the caller supplies the facts it can only learn by looking (is that pid alive here, what time is it).
 */

/** One lock of a stack on a file (DIY) backend, as the Pulumi CLI describes it and writes it. */
export interface StackLock {
  /** Where the lock file is (URL or path as the CLI names it). */
  file: string;
  /** User that ran the locking CLI. */
  user: string;
  /** Host it ran on. */
  host: string;
  /** Process ID of the locking `pulumi` process on that host. */
  pid: number;
  /** When the lock was taken (RFC 3339). */
  startedAt: string;
}

/** A failure of the engine, classified. */
export type EngineFailure =
  | { kind: "locked"; locks: StackLock[] }
  | { kind: "passphrase"; detail: string }
  | { kind: "other"; errors: string[] };

/** No run of this tool could still be going after this long: a lock older than it is left over. */
export const MAX_RUN_MS = 24 * 3600 * 1000;

/** Reads the CLI's stderr (and stdout, where `pulumi up` prints the update's errors). */
export function parseEngineFailure(stderr: string, stdout = ""): EngineFailure {
  const text = `${stderr}\n${stdout}`;
  if (text.includes("the stack is currently locked by")) {
    const locks: StackLock[] = [];
    const seen = new Set<string>();
    for (const m of text.matchAll(/^\s*(\S+?\.json)(?:\?\S*)?: created by (.+)@([^@\s]+) \(pid (\d+)\) at (\S+)\s*$/gm)) {
      if (seen.has(m[1]!)) continue; // the CLI prints the message twice (error and summary)
      seen.add(m[1]!);
      locks.push({ file: m[1]!, user: m[2]!, host: m[3]!, pid: Number(m[4]), startedAt: m[5]! });
    }
    return { kind: "locked", locks };
  }
  const passphrase = /^error: .*(passphrase|decrypt|PULUMI_CONFIG_PASSPHRASE).*$/im.exec(text);
  if (passphrase) return { kind: "passphrase", detail: passphrase[0].replace(/^error:\s*/i, "") };
  const errors = [...new Set([...text.matchAll(/^\s*error: (.+)$/gm)].map((m) => m[1]!.trim()).filter((l) => l !== "update failed" && l !== "preview failed"))];
  if (errors.length === 0) errors.push(...text.split("\n").map((l) => l.trim()).filter(Boolean).slice(-5));
  return { kind: "other", errors };
}

/** Whether a lock's run still exists. `pidAlive` is asked only for locks taken on this host. */
export type LockVerdict = { stale: false } | { stale: true; why: string };

/** Facts about this machine the verdict needs. */
export interface LockFacts {
  /** This host's name (`os.hostname()`). */
  hostname: string;
  /** True while a `pulumi` process with that pid runs on this host. */
  pidAlive(pid: number): boolean;
  /** Now, in ms. */
  nowMs: number;
}

/** A lock is stale when its owner pid is gone on this host, or it is older than any run could be. */
export function judgeLock(lock: StackLock, facts: LockFacts): LockVerdict {
  const started = Date.parse(lock.startedAt);
  if (lock.host === facts.hostname && !facts.pidAlive(lock.pid)) return { stale: true, why: `no process ${lock.pid} runs on ${lock.host}` };
  if (Number.isFinite(started) && facts.nowMs - started > MAX_RUN_MS) return { stale: true, why: `it was taken more than ${MAX_RUN_MS / 3600_000} h ago` };
  return { stale: false };
}

/** `pid N, started T, on host H`: the run that holds a lock (T to the second, as the Pulumi CLI prints it). */
export function describeLockOwner(lock: StackLock): string {
  return `pid ${lock.pid}, started ${lock.startedAt.replace(/\.\d+(?=Z|[+-]\d\d:\d\d$)/, "")}, on host ${lock.host}`;
}

/** The message and next step for a stack held by locks. `unlockCommand` is the exact command to print. */
export function describeLockedStack(stack: string, judged: { lock: StackLock; verdict: LockVerdict }[], unlockCommand: string): { message: string; hint: string } {
  const live = judged.filter((j) => !j.verdict.stale);
  const who = describeLockOwner;
  if (live.length > 0) {
    const l = live[0]!.lock;
    return {
      message: `another run (${who(l)}) holds stack ${stack}`,
      hint: `wait for it to finish, then run the command again (a lock of a run that no longer exists is removed with: ${unlockCommand})`,
    };
  }
  if (judged.length === 0) {
    return { message: `stack ${stack} is locked by another run`, hint: `wait for it to finish; if no run is going on, run: ${unlockCommand}` };
  }
  const reasons = judged.map((j) => `${who(j.lock)}: ${(j.verdict as { why: string }).why}`).join("; ");
  return {
    message: `stack ${stack} is locked by a run that no longer exists (${reasons}); it was killed before it could release the lock`,
    hint: `remove the stale lock, then run the command again: ${unlockCommand}`,
  };
}
