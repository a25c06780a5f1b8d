/**
 * A container's concurrent read-only scripts (feature guards on refresh) in ONE `pct exec`.
 *
 * On refresh every Feature resource's `read` runs its guard at the same moment. The ReadCoalescer already puts
 * those pct calls in one SSH round trip, but each guard is still its own `pct exec`, and every pct invocation is
 * a perl start-up of a few hundred ms on a real PVE node. Here the guards for one container that arrive within
 * a short window run as one `pct exec <vmid> -- sh -c <batch>`, the batch being core/remote-batch's parallel
 * framing run inside the container; each caller gets the {@link ScriptResult} its own run would have produced.
 *
 * Only idempotent runs without streaming are batched (a guard only looks). Anything else runs alone, and so
 * do create/update's guards (the caller's choice: an install must not overlap another feature's guard).
 */
import { randomBytes } from "node:crypto";
import { buildBatchCommand, MAX_BATCH_CHARS, parseBatchOutput } from "../core/remote-batch";
import type { CommandOutput } from "../core/pct-model";
import { buildScriptArgv, DEFAULT_SCRIPT_TIMEOUT_MS, MAX_SCRIPT_OUTPUT, runScriptInContainer, toScriptResult } from "./container-exec";
import type { ScriptResult, ScriptRun } from "./container-exec";
import type { PctClient } from "./pct-client";
import { nodeKeyOf } from "./transport";

/** Options of {@link ContainerScriptBatcher}. */
export interface ContainerScriptBatcherOptions {
  /** How long the first run for a container waits for others when it names no group, ms. @default 10 */
  windowMs?: number;
  /**
   * How long the first run of a named group waits for the rest of it, ms. A full refresh reads every feature,
   * and the batch goes out with the last (siblings arrived up to ~450 ms apart in a loaded 50-container refresh).
   * Only a targeted refresh waits this long (a feature removed from the config updates its siblings' groups).
   * @default 1000
   */
  groupWaitMs?: number;
  /** Runs per batch at most; a full batch goes out at once. @default 16 */
  maxBatch?: number;
  /** Source of batch nonces; tests inject a fixed one. @default 16 random bytes as hex */
  nonce?: () => string;
}

interface Waiting {
  client: PctClient;
  run: ScriptRun;
  resolve: (r: ScriptResult) => void;
  reject: (e: unknown) => void;
}

interface Queue {
  vmid: number;
  /** Names of the runs the first one said belong together; the batch goes out once all are here. */
  group?: ReadonlySet<string>;
  items: Waiting[];
  chars: number;
  timer?: NodeJS.Timeout;
}

/** Batches concurrent idempotent script runs per node and container into one `pct exec`; see the module comment. */
export class ContainerScriptBatcher {
  private readonly queues = new Map<string, Queue>();
  private readonly nonce: () => string;

  constructor(private readonly options: ContainerScriptBatcherOptions = {}) {
    this.nonce = options.nonce ?? (() => randomBytes(16).toString("hex"));
  }

  /**
   * Runs `run` in container `vmid` of `client`'s node, in one `pct exec` with the other runs for the same
   * container that arrive within the window — or, when `group` names every run that belongs together (all
   * of a container's feature guards), with the rest of that group: the engine paces a large refresh's reads
   * hundreds of ms apart, so no short window catches a container's siblings. Resolves like
   * {@link runScriptInContainer}; rejects with the PctError every run of the batch gets when pct refuses
   * (container missing or not running), or with the transport's error.
   */
  run(client: PctClient, vmid: number, run: ScriptRun, group?: readonly string[]): Promise<ScriptResult> {
    if (!run.idempotent || run.onLine) return runScriptInContainer(client, vmid, run);
    const key = queueKey(client, vmid);
    const chars = buildScriptArgv(run).reduce((n, a) => n + a.length + 3, 0);
    if ((this.queues.get(key)?.chars ?? 0) + chars > MAX_BATCH_CHARS) this.flush(key);
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = { vmid, items: [], chars: 0, group: group?.length ? new Set(group) : undefined }));
    const q = queue;
    q.chars += chars;
    const result = new Promise<ScriptResult>((resolve, reject) => q.items.push({ client, run, resolve, reject }));
    const complete = q.group !== undefined && [...q.group].every((name) => q.items.some((i) => i.run.name === name));
    if (complete || q.items.length >= (this.options.maxBatch ?? 16)) this.flush(key);
    else if (!q.timer) q.timer = setTimeout(() => this.flush(key), q.group ? (this.options.groupWaitMs ?? 1000) : (this.options.windowMs ?? 10));
    return result;
  }

  private flush(key: string): void {
    const queue = this.queues.get(key);
    if (!queue) return;
    this.queues.delete(key);
    if (queue.timer) clearTimeout(queue.timer);
    const { vmid, items } = queue;
    if (items.length === 1) {
      // Alone in its window: exactly today's single run, no wrapper around it.
      const [only] = items as [Waiting];
      runScriptInContainer(only.client, vmid, only.run).then(only.resolve, only.reject);
      return;
    }
    void this.runBatch(vmid, items);
  }

  private async runBatch(vmid: number, items: Waiting[]): Promise<void> {
    const nonce = this.nonce();
    // The batch lives as long as its slowest run may and keeps as much output as all of them together.
    const timeoutMs = Math.max(...items.map((i) => i.run.timeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS));
    const maxOutputBytes = MAX_SCRIPT_OUTPUT * items.length;
    let stdout: string;
    try {
      const script = buildBatchCommand(items.map((i) => buildScriptArgv(i.run)), nonce, { parallel: true })[2]!;
      // pct refusing (not found / not running) or the connection failing is the same answer for every run.
      stdout = (await items[0]!.client.exec(vmid, ["sh", "-c", script], { idempotent: true, timeoutMs, maxOutputBytes })).stdout;
    } catch (error) {
      for (const item of items) item.reject(error);
      return;
    }
    let results: CommandOutput[];
    try {
      results = parseBatchOutput(stdout, nonce, items.length);
    } catch {
      // No frames: the wrapper itself could not work in this container (no mktemp, a read-only or full /tmp: it
      // exits 125 before running anything), or the runs printed more than the batch keeps, which cut off the
      // front. Neither says anything about the scripts, so each runs alone, as it would without batching.
      for (const item of items) runScriptInContainer(item.client, vmid, item.run).then(item.resolve, item.reject);
      return;
    }
    items.forEach((item, i) => item.resolve(toScriptResult(results[i]!)));
  }
}

/** One queue per node (as the SSH pool tells nodes apart) and container. */
const queueKey = (client: PctClient, vmid: number) => `${nodeKeyOf(client.node)}\u0000${vmid}`;
