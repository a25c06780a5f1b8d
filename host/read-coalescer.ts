/**
 * Request coalescing: idempotent reads for the same node that arrive within a short window go out as ONE remote
 * batch (core/remote-batch, commands run in parallel on the node), so a refresh costs a handful of SSH round
 * trips instead of one per resource.
 *
 * Only commands the caller marked `idempotent` with no stdin and no streaming are coalesced; everything else
 * passes straight through. A batch that fails as a whole (dropped connection, cut-off output) fails every read in
 * it with that error; the pool already re-ran it once when the drop allows (it is idempotent).
 */
import { randomBytes } from "node:crypto";
import { buildBatchCommand, MAX_BATCH_CHARS, parseBatchOutput } from "../core/remote-batch";
import { nodeKeyOf, type CommandTransport, type ExecOptions, type ExecResult, type NodeTarget } from "./transport";

/** Options of {@link ReadCoalescer}. */
export interface ReadCoalescerOptions {
  /** How long the first read of a batch waits for others, ms. @default 3 */
  windowMs?: number;
  /** Reads per batch at most; a full batch goes out at once. @default 24 */
  maxBatch?: number;
  /** Source of batch nonces; tests inject a fixed one. @default 16 random bytes as hex */
  nonce?: () => string;
}

/** Counters for tests and benchmarks. */
export interface ReadCoalescerStats {
  /** Reads submitted for coalescing. */
  reads: number;
  /** Round trips those reads took (a lone read is sent as is). */
  roundTrips: number;
}

interface Waiting {
  argv: readonly string[];
  options: ExecOptions;
  resolve: (r: ExecResult) => void;
  reject: (e: unknown) => void;
}

const DEFAULT_MAX_OUTPUT = 4 * 1024 * 1024;

/** A {@link CommandTransport} that batches concurrent idempotent reads per node; see the module comment. */
export class ReadCoalescer implements CommandTransport {
  private readonly queues = new Map<string, { node: NodeTarget; items: Waiting[]; chars: number; timer?: NodeJS.Timeout }>();
  private readonly counters: ReadCoalescerStats = { reads: 0, roundTrips: 0 };
  private readonly nonce: () => string;

  /** @param inner the transport the batches go through (the SSH pool) */
  constructor(private readonly inner: CommandTransport, private readonly options: ReadCoalescerOptions = {}) {
    this.nonce = options.nonce ?? (() => randomBytes(16).toString("hex"));
  }

  /** Runs one argv; coalesces it with other reads of the same node when it is an idempotent plain read. */
  exec(node: NodeTarget, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const key = nodeKeyOf(node);
    if (!options.idempotent || options.stdin !== undefined || options.onStdout) return this.inner.exec(node, argv, options);
    this.counters.reads++;
    const chars = argv.reduce((n, a) => n + a.length + 3, 0);
    if (this.queues.get(key) && this.queues.get(key)!.chars + chars > MAX_BATCH_CHARS) this.flush(key);
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = { node, items: [], chars: 0 }));
    const q = queue;
    q.chars += chars;
    const result = new Promise<ExecResult>((resolve, reject) => q.items.push({ argv, options, resolve, reject }));
    if (q.items.length >= (this.options.maxBatch ?? 24) || q.chars > MAX_BATCH_CHARS) this.flush(key);
    else if (!q.timer) q.timer = setTimeout(() => this.flush(key), this.options.windowMs ?? 3);
    return result;
  }

  /** A snapshot of the counters. */
  stats(): ReadCoalescerStats {
    return { ...this.counters };
  }

  private flush(key: string): void {
    const queue = this.queues.get(key);
    if (!queue) return;
    this.queues.delete(key);
    if (queue.timer) clearTimeout(queue.timer);
    this.counters.roundTrips++;
    const { node, items } = queue;
    if (items.length === 1) {
      const [only] = items as [Waiting];
      this.inner.exec(node, only.argv, only.options).then(only.resolve, only.reject);
      return;
    }
    void this.runBatch(node, items);
  }

  private async runBatch(node: NodeTarget, items: Waiting[]): Promise<void> {
    const nonce = this.nonce();
    // The batch lives as long as its slowest read may; any read without a limit gets the transport's default.
    const limits = items.map((i) => i.options.timeoutMs);
    const timeoutMs = limits.every((l) => l !== undefined) ? Math.max(...(limits as number[])) : undefined;
    const maxOutputBytes = items.reduce((sum, i) => sum + (i.options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT), 0);
    // The same read asked twice at once (the snapshot and retention steps both list a CT's snapshots) runs once.
    const unique = new Map<string, number>();
    const slot = items.map((i) => {
      const k = JSON.stringify(i.argv);
      if (!unique.has(k)) unique.set(k, unique.size);
      return unique.get(k)!;
    });
    const argvs = [...unique.keys()].map((k) => JSON.parse(k) as string[]);
    try {
      const batch = buildBatchCommand(argvs, nonce, { parallel: true });
      const outer = await this.inner.exec(node, batch, { idempotent: true, timeoutMs, maxOutputBytes });
      const results = parseBatchOutput(outer.stdout, nonce, argvs.length);
      items.forEach((item, i) => {
        const r = results[slot[i]!]!;
        item.resolve({ stdout: capFront(r.stdout, item.options.maxOutputBytes), stderr: capFront(r.stderr, item.options.maxOutputBytes), exitCode: r.exitCode });
      });
    } catch (error) {
      for (const item of items) item.reject(error);
    }
  }
}


/** Keeps the last `max` bytes' worth of characters, as the pool does for a single command. */
function capFront(text: string, max: number | undefined): string {
  return max !== undefined && text.length > max ? text.slice(-max) : text;
}
