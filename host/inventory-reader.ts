/**
 * Node inventories for refresh: the first container read of a node fetches the whole node's state in one round
 * trip (core/node-inventory: `pct list` + every config file); the reads that follow within `ttlMs` take their
 * container from it. A refresh of a 50-container fleet then starts two `pct` processes, not one per resource.
 *
 * It is also the transport the providers talk through, so it sees every command: any command that is not an
 * idempotent read (a `pct set`, a snapshot, a file push) makes the node's inventory stale at once — an
 * inventory is only ever used for reads that nothing on this process could have changed since.
 */
import { randomBytes } from "node:crypto";
import { buildInventoryArgvs, InventoryEntry, NodeInventory, parseInventory } from "../core/node-inventory";
import { buildBatchCommand, parseBatchOutput } from "../core/remote-batch";
import { nodeKeyOf, type CommandTransport, type ExecOptions, type ExecResult, type NodeTarget } from "./transport";

/** What the inventory says about one container. */
export type InventoryAnswer = { exists: false } | ({ exists: true } & InventoryEntry);

/** Options of {@link InventoryReader}. */
export interface InventoryReaderOptions {
  /** How long an inventory answers reads after it was fetched, ms. @default 10000 */
  ttlMs?: number;
}

interface Held {
  generation: number;
  fetchedAt: number;
  inventory: Promise<NodeInventory | undefined>;
}

/** A pass-through {@link CommandTransport} that also serves node inventories; see the module comment. */
export class InventoryReader implements CommandTransport {
  private readonly held = new Map<string, Held>();
  private readonly generations = new Map<string, number>();
  /** Inventories fetched (round trips spent on them), for tests and benchmarks. */
  fetches = 0;

  /** @param inner the transport everything goes through (the read coalescer or the pool) */
  constructor(private readonly inner: CommandTransport, private readonly options: InventoryReaderOptions = {}) {}

  /** Passes `argv` through; a command that may change the node makes its inventory stale. */
  exec(node: NodeTarget, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (!options.idempotent || options.stdin !== undefined || options.onStdout) {
      const key = nodeKeyOf(node);
      this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
      this.held.delete(key);
    }
    return this.inner.exec(node, argv, options);
  }

  /**
   * The container as the node's current inventory sees it, or `undefined` when the inventory cannot say
   * (it failed, or the container changed between its two reads): the caller then reads the container alone,
   * which reports any failure precisely.
   */
  async container(node: NodeTarget, vmid: number): Promise<InventoryAnswer | undefined> {
    const inventory = await this.inventory(node);
    if (!inventory || inventory.uncertain.has(vmid)) return undefined;
    const entry = inventory.containers.get(vmid);
    return entry ? { exists: true, ...entry } : { exists: false };
  }

  private inventory(node: NodeTarget): Promise<NodeInventory | undefined> {
    const key = nodeKeyOf(node);
    const generation = this.generations.get(key) ?? 0;
    const held = this.held.get(key);
    if (held && held.generation === generation && Date.now() - held.fetchedAt < (this.options.ttlMs ?? 10_000)) return held.inventory;
    const entry: Held = { generation, fetchedAt: Date.now(), inventory: this.fetch(node) };
    this.held.set(key, entry);
    // The time to live counts from the answer, not the question: a slow node must not make it expire at once.
    // A failed inventory is kept too, so the reads of a node whose `pct list` fails each read their container
    // alone instead of each asking for the inventory again.
    void entry.inventory.then(() => {
      entry.fetchedAt = Date.now();
    });
    return entry.inventory;
  }

  private async fetch(node: NodeTarget): Promise<NodeInventory | undefined> {
    this.fetches++;
    const argvs = buildInventoryArgvs();
    const nonce = randomBytes(16).toString("hex");
    try {
      const outer = await this.inner.exec(node, buildBatchCommand(argvs, nonce, { parallel: true }), { idempotent: true, maxOutputBytes: 64 * 1024 * 1024 });
      const [list, confs] = parseBatchOutput(outer.stdout, nonce, 2);
      if (list!.exitCode !== 0 || confs!.exitCode !== 0) return undefined;
      return parseInventory(list!.stdout, confs!.stdout);
    } catch {
      // Best effort: every read falls back to reading its container alone and reports what fails there.
      return undefined;
    }
  }
}
