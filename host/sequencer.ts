/**
 * Sequencing of pct operations inside one process (one Pulumi provider process serves every resource).
 *
 * - One mutating operation per container at a time, across the whole process: PVE answers a second concurrent
 *   mutation with `CT is locked (…)` or a config-flock timeout, and interleaved steps of one container's
 *   workflow would be wrong even when PVE allowed them.
 * - At most `perNodeLimit` operations in flight per node, so a `--parallel 32` run does not open more exec
 *   channels than the node's sshd allows or pile up tasks on a small host.
 * - Transient conditions (config-flock timeout, a lock held by a task that is running) are retried with
 *   backoff; a lock that no running task holds is stuck and reported at once with the command that clears it.
 */
import { PctError } from "../core/errors";
import { BackoffOptions, classifyForRetry, defaultBackoff, planBackoffDelay } from "../core/retry-policy";

/** Tells whether a container's lock is held by a running task (transient) or left behind (stuck). */
export type LockProbe = (node: string, vmid: number, lock: string | undefined) => Promise<"held-by-task" | "stuck">;

/** Options of {@link OperationSequencer}. */
export interface SequencerOptions {
  /** Operations in flight per node. @default 4 */
  perNodeLimit?: number;
  /** Retry settings for transient failures. */
  backoff?: BackoffOptions;
  /** Decides whether a `CT is locked` failure is worth waiting for. Without one, every lock is retried. */
  probeLock?: LockProbe;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Receives one line per retry, for progress output. */
  log?: (line: string) => void;
}

/** A counting semaphore: FIFO, so no caller starves. */
class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.waiters.shift()?.();
    };
  }
}

/** Serializes and throttles pct operations; see the module comment. */
export class OperationSequencer {
  private readonly nodeSlots = new Map<string, Semaphore>();
  private readonly containerTails = new Map<string, Promise<unknown>>();
  private readonly perNodeLimit: number;
  private readonly backoff: BackoffOptions;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: SequencerOptions = {}) {
    this.perNodeLimit = options.perNodeLimit ?? 4;
    this.backoff = options.backoff ?? defaultBackoff();
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Runs a mutating operation on one or more containers (a clone touches its source and its target): waits
   * for earlier operations on each of them, holds a node slot while running, retries transient failures.
   * Keys are cluster-wide because VMIDs are unique across a cluster.
   */
  async mutate<T>(node: string, vmids: readonly number[], label: string, operation: () => Promise<T>): Promise<T> {
    const keys = [...new Set(vmids)].sort((a, b) => a - b).map((v) => `ct/${v}`);
    const previous = keys.map((k) => this.containerTails.get(k) ?? Promise.resolve());
    const run = (async () => {
      await Promise.all(previous.map((p) => p.catch(() => undefined)));
      return this.withNodeSlot(node, () => this.withRetry(node, vmids[0], label, operation));
    })();
    const tail = run.catch(() => undefined);
    for (const k of keys) this.containerTails.set(k, tail);
    try {
      return await run;
    } finally {
      for (const k of keys) if (this.containerTails.get(k) === tail) this.containerTails.delete(k);
    }
  }

  /** Runs a read: only the per-node limit applies (reads never conflict with each other). */
  async read<T>(node: string, operation: () => Promise<T>): Promise<T> {
    return this.withNodeSlot(node, operation);
  }

  private async withNodeSlot<T>(node: string, operation: () => Promise<T>): Promise<T> {
    let slots = this.nodeSlots.get(node);
    if (!slots) this.nodeSlots.set(node, (slots = new Semaphore(this.perNodeLimit)));
    const release = await slots.acquire();
    try {
      return await operation();
    } finally {
      release();
    }
  }

  private async withRetry<T>(node: string, vmid: number | undefined, label: string, operation: () => Promise<T>): Promise<T> {
    // A lock with no task holding it is either stuck or was released a moment ago (between our failed attempt and
    // the probe). One more attempt tells them apart: locked again with still no task means stuck.
    let suspectedStuck = false;
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        const kind = classifyForRetry(error);
        if (kind === "fatal" || attempt >= this.backoff.attempts) throw error;
        if (kind === "locked" && vmid !== undefined && this.options.probeLock) {
          const lock = error instanceof PctError ? error.details.lock : undefined;
          if ((await this.options.probeLock(node, vmid, lock)) === "stuck") {
            if (suspectedStuck) throw stuckLockError(error as PctError, vmid, lock);
            suspectedStuck = true;
          } else {
            suspectedStuck = false;
          }
        }
        const delay = planBackoffDelay(attempt + 1, this.backoff);
        this.options.log?.(`${label}: ${(error as Error).message.split("\n")[0]} — retrying in ${delay} ms (attempt ${attempt + 1}/${this.backoff.attempts})`);
        await this.sleep(delay);
      }
    }
  }
}

/** The command that clears a stuck lock; a stuck `snapshot-delete` also needs the half-deleted snapshot forced out. */
export function unlockCommandFor(vmid: number, lock: string | undefined): string {
  // A task that died between prepare and commit leaves its half-made snapshot behind (snapstate prepare|delete).
  if (lock === "snapshot-delete") return `pct unlock ${vmid}, then 'pct delsnapshot ${vmid} <snapshot in snapstate delete> --force'`;
  if (lock === "snapshot") return `pct unlock ${vmid}, then 'pct delsnapshot ${vmid} <snapshot in snapstate prepare> --force'`;
  return `pct unlock ${vmid}`;
}

function stuckLockError(cause: PctError, vmid: number, lock: string | undefined): PctError {
  return new PctError(
    "pct-stuck-lock",
    `CT ${vmid} is locked (${lock ?? "unknown"}) and no running task holds the lock`,
    cause.context,
    cause.details,
    {
      cause,
      hint: `check that no backup or snapshot task is still running for CT ${vmid}, then on the node run: ${unlockCommandFor(vmid, lock)}`,
    },
  );
}
