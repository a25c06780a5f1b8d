/**
 * The provider process's shared runtime: one SSH pool (one connection per node), one sequencer (one mutation
 * per container at a time) and the credentials from secret stack config. Module state is fine here: this
 * module is loaded lazily inside the provider process, never captured by closure serialization.
 */
import * as fs from "node:fs";
import { NodeConnection } from "../../core/container/inputs";
import { PctClient } from "../../host/pct-client";
import { OperationSequencer } from "../../host/sequencer";
import { ContainerScriptBatcher } from "../../host/guard-batcher";
import { InventoryReader } from "../../host/inventory-reader";
import { ReadCoalescer } from "../../host/read-coalescer";
import { SingleUseTransport } from "../../host/single-use-transport";
import { SshCredentials, SshPool, SshPoolOptions, SshPoolStats } from "../../host/ssh-pool";
import { readSshCredentials } from "../../host/ssh-credentials";
import { CommandTransport, NodeTarget } from "../../host/transport";
import { probeLockHolder } from "../../host/lock-probe";
import { findProjectRoot } from "../../host/project-root";
import { resolveNodeConnection } from "../../core/node-connections";
import { readStackSettings } from "../../core/stack-settings";
import { watchEngine } from "./engine-watch";

/** What `configure` receives: namespaced stack config, secrets decrypted (`<project>:key`). */
export interface ConfigSource {
  get(key: string): string | undefined;
}

interface RuntimeState {
  credentials: SshCredentials;
  /** What counts connections and commands (the pool, or the one-shot transport in the benchmark). */
  ssh?: { stats(): SshPoolStats };
  perNodeLimit?: number;
  /** The stack config's nodes; undefined when the provider runs without stack config (tests). */
  nodes?: Record<string, NodeConnection>;
  transport?: CommandTransport & { close?: () => Promise<void> };
  /** The coalescer under the transport, when reads are coalesced (its counters go to the stats file). */
  coalescer?: ReadCoalescer;
  /** Node inventories for refresh reads; wraps the transport. */
  inventory?: InventoryReader;
  sequencer?: OperationSequencer;
}

const state: RuntimeState = { credentials: {} };
if (process.env.PHOENIX_STATS_FILE) reportStatsOnExit(process.env.PHOENIX_STATS_FILE);

/** Called once per provider process by the engine (dynamic provider `configure`). */
export function configureRuntime(config: ConfigSource): void {
  const settings = readStackSettings((key) => config.get(key));
  // Relative to the project root, as for `phoenix`: the engine starts this process in the program's directory.
  const projectRoot = findProjectRoot(process.cwd()) ?? process.cwd();
  state.credentials = readSshCredentials(settings, projectRoot, process.env.PHOENIX_SSH_PRIVATE_KEY_PATH);
  const limit = settings.perNodeParallelism ?? Number(process.env.PHOENIX_PER_NODE_PARALLELISM ?? NaN);
  state.perNodeLimit = Number.isInteger(limit) && limit > 0 ? limit : undefined;
  state.nodes = settings.nodes;
  if (isEngineProviderHost()) watchEngine();
}

/** Replaces the transport (tests inject a counting or faulty one). */
export function setTransportForTesting(transport: CommandTransport | undefined): void {
  state.transport = transport;
  state.inventory = transport ? new InventoryReader(transport) : undefined;
  state.coalescer = undefined;
  state.ssh = undefined;
  state.sequencer = undefined;
}

/**
 * The shared transport (an {@link SshPool} under a read coalescer unless a test injected one), seen through the
 * {@link InventoryReader}, which must see every command to know when a node's inventory went stale.
 */
export function transport(): CommandTransport {
  return inventory();
}

/** Node inventories: what refresh reads take their container, snapshot list and run state from. */
export function inventory(): InventoryReader {
  if (!state.transport) {
    if (!state.credentials.privateKey && process.env.PHOENIX_SSH_PRIVATE_KEY_PATH) {
      state.credentials.privateKey = fs.readFileSync(process.env.PHOENIX_SSH_PRIVATE_KEY_PATH, "utf8");
    }
    // PHOENIX_EXEC_TIMEOUT_MS: the time limit of commands that set none (tests use a short one for hung commands).
    const timeout = Number(process.env.PHOENIX_EXEC_TIMEOUT_MS ?? NaN);
    const options: SshPoolOptions = {
      credentials: state.credentials,
      defaultExecTimeoutMs: Number.isInteger(timeout) && timeout > 0 ? timeout : undefined,
      // Inside the engine's provider host the engine ends the process with SIGINT when the operation is over
      // (bench/fleet-bench.ts records it), so an idle connection need not close early for the process to exit;
      // the pool's 5 s default reconnected 2× per node during a loaded 50-container up. Elsewhere (tests, the
      // CLI) the default keeps a finished process from waiting on ssh2's keepalive timer.
      idleTimeoutMs: isEngineProviderHost() ? 120_000 : undefined,
    };
    if (process.env.PHOENIX_SSH_CONNECTION_PER_COMMAND === "1") {
      // Benchmark only: what @pulumi/command's remote.Command costs (no pool, no coalescing).
      const single = new SingleUseTransport(options);
      state.ssh = single;
      state.transport = single;
    } else {
      const pool = new SshPool(options);
      state.ssh = pool;
      // Concurrent reads of a node share round trips (a refresh reads every resource at once);
      // PHOENIX_COALESCE_READS=0 turns it off (the benchmark measures both).
      state.coalescer = process.env.PHOENIX_COALESCE_READS === "0" ? undefined : new ReadCoalescer(pool);
      state.transport = state.coalescer ? Object.assign(state.coalescer, { close: () => pool.close() }) : pool;
    }
    state.inventory = new InventoryReader(state.transport);
  }
  return state.inventory!;
}

/**
 * PHOENIX_STATS_FILE: on exit, append one JSON line `{connectionsOpened, handshakes, commandsRun, reconnects, reads,
 * inventories, pid, maxRssKiB, cpuMs, endedBy, endedAt}` to that file. Benchmarks read it to count what one engine process cost (bench/fleet-bench.ts);
 * nothing else depends on it, and without the variable nothing is written.
 */
function reportStatsOnExit(file: string): void {
  const stats = () => state.ssh?.stats() ?? { connectionsOpened: 0, handshakes: 0, commandsRun: 0, reconnects: 0 };
  let written = false;
  const write = (endedBy: string) => {
    if (written) return;
    written = true;
    const reads = state.coalescer?.stats();
    const inventories = state.inventory?.fetches;
    // maxRSS is in KiB on Linux (getrusage ru_maxrss).
    const usage = process.resourceUsage();
    const cpuMs = Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000);
    const line = { ...stats(), reads, inventories, pid: process.pid, maxRssKiB: usage.maxRSS, cpuMs, endedBy, endedAt: Date.now() };
    fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
  };
  process.on("exit", () => write("exit"));
  // The engine stops provider plugins with a signal; write first, then die of it as before.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      write(signal);
      process.kill(process.pid, signal);
    });
  }
}

/** True in the engine's dynamic-provider host process (@pulumi/pulumi cmd/dynamic-provider). */
function isEngineProviderHost(): boolean {
  return /[\\/]cmd[\\/]dynamic-provider[\\/]index\.js$/.test(require.main?.filename ?? "");
}

/** The shared sequencer. */
export function sequencer(): OperationSequencer {
  if (!state.sequencer) {
    state.sequencer = new OperationSequencer({
      perNodeLimit: state.perNodeLimit,
      probeLock: (nodeName, vmid) => probeLockHolder(transport(), targets.get(nodeName)!, vmid),
      log: (line) => console.log(`[phoenix] ${line}`),
    });
  }
  return state.sequencer;
}

const targets = new Map<string, NodeTarget>();

/**
 * The node target of a resource on `node`: reached as the current stack config says (the `stored` connection
 * only when the provider runs without stack config). `vmid` names the container in the error for a node the
 * stack config no longer has.
 */
export function nodeTarget(node: string, stored: NodeConnection, vmid?: number): NodeTarget {
  const target: NodeTarget = { name: node, ...resolveNodeConnection(state.nodes, node, stored, vmid) };
  targets.set(node, target);
  return target;
}

/** A pct client for a node (see {@link nodeTarget}). */
export function clientFor(node: string, connection: NodeConnection, vmid?: number): PctClient {
  return new PctClient(transport(), nodeTarget(node, connection, vmid));
}

let sharedGuardBatcher: ContainerScriptBatcher | undefined;

/** The process's {@link ContainerScriptBatcher}: a container's feature guards on refresh share one `pct exec`. */
export function guardBatcher(): ContainerScriptBatcher {
  return (sharedGuardBatcher ??= new ContainerScriptBatcher());
}
