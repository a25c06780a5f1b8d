/**
 * Node inventories for refresh: the first container read of a node fetches the whole node's state in one round
 * trip (core/node-inventory: `pct list` + every config file); the reads that follow take their container from it
 * while they keep coming (`idleMs` since the last one, at most `maxAgeMs` since the answer). A refresh of a
 * 200-container fleet then starts two `pct` processes per node for its reads, not one per resource: the engine paces
 * a large refresh's reads over tens of seconds, so a fixed lifetime from the fetch made it fetch again and again.
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
  /** How long an inventory answers reads after the last read it answered, ms. @default 10000 */
  idleMs?: number;
  /** How long an inventory answers reads at most after it was fetched, ms. @default 60000 */
  maxAgeMs?: number;
  /** The clock, ms; tests inject one. @default Date.now */
  now?: () => number;
}

interface Held {
  generation: number;
  fetchedAt: number;
  lastReadAt: number;
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
    const now = (this.options.now ?? Date.now)();
    if (held && held.generation === generation && this.isFresh(held, now)) {
      held.lastReadAt = now;
      return held.inventory;
    }
    const entry: Held = { generation, fetchedAt: now, lastReadAt: now, inventory: this.fetch(node) };
    this.held.set(key, entry);
    // Both limits count from the answer, not the question: a slow node must not make it expire at once.
    // A failed inventory is kept too, so the reads of a node whose `pct list` fails each read their container
    // alone instead of each asking for the inventory again.
    void entry.inventory.then(() => {
      entry.fetchedAt = entry.lastReadAt = (this.options.now ?? Date.now)();
    });
    return entry.inventory;
  }

  /** Still answering: read within `idleMs` of the last read, and not older than `maxAgeMs`. */
  private isFresh(held: Held, now: number): boolean {
    return now - held.lastReadAt < (this.options.idleMs ?? 10_000) && now - held.fetchedAt < (this.options.maxAgeMs ?? 60_000);
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
