/**
 * The provider process's shared runtime: one SSH pool (one connection per node), one sequencer (one mutation
 * per container at a time) and the credentials from secret stack config. Module state is fine here: this
 * module is loaded lazily inside the provider process, never captured by closure serialization.
 */
import { NodeConnection } from "../../core/container/inputs";
import { PctClient } from "../../host/pct-client";
import { OperationSequencer } from "../../host/sequencer";
import { ContainerScriptBatcher } from "../../host/guard-batcher";
import { InventoryReader } from "../../host/inventory-reader";
import { ReadCoalescer } from "../../host/read-coalescer";
import { SshCredentials, SshPool, SshPoolOptions } from "../../host/ssh-pool";
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
  perNodeLimit?: number;
  /** The stack config's nodes; undefined when the provider runs without stack config (tests). */
  nodes?: Record<string, NodeConnection>;
  transport?: RuntimeTransport;
  /** Node inventories for refresh reads; wraps the transport. */
  inventory?: InventoryReader;
  sequencer?: OperationSequencer;
}

const state: RuntimeState = { credentials: {} };

/** Called once per provider process by the engine (dynamic provider `configure`). */
export function configureRuntime(config: ConfigSource): void {
  const settings = readStackSettings((key) => config.get(key));
  state.credentials = credentialsFrom(settings);
  const limit = settings.perNodeParallelism ?? Number(process.env.PHOENIX_PER_NODE_PARALLELISM ?? NaN);
  state.perNodeLimit = Number.isInteger(limit) && limit > 0 ? limit : undefined;
  state.nodes = settings.nodes;
  if (isEngineProviderHost()) watchEngine();
}

/**
 * The key from the settings, else from the file PHOENIX_SSH_PRIVATE_KEY_PATH names; relative to the project root, as
 * for `phoenix` (the engine starts this process in the program's directory).
 */
function credentialsFrom(settings: { privateKey?: string; privateKeyPath?: string; passphrase?: string }): SshCredentials {
  return readSshCredentials(settings, findProjectRoot(process.cwd()) ?? process.cwd(), process.env.PHOENIX_SSH_PRIVATE_KEY_PATH);
}

/** Replaces the transport (tests inject a counting or faulty one). */
export function setTransportForTesting(transport: CommandTransport | undefined): void {
  state.transport = transport;
  state.inventory = transport ? new InventoryReader(transport) : undefined;
  state.sequencer = undefined;
}

/**
 * The shared transport (an {@link SshPool} under a read coalescer unless a test injected one), seen through the
 * {@link InventoryReader}, which must see every command to know when a node's inventory went stale.
 */
export function transport(): CommandTransport {
  return inventory();
}

/** What the runtime sends every command through; `close` ends its connections. */
export type RuntimeTransport = CommandTransport & { close?: () => Promise<void> };

/** Builds the process's transport from the SSH options the runtime resolved (credentials, time limits). */
export type TransportFactory = (options: SshPoolOptions) => RuntimeTransport;

/** The product's transport: one pooled connection per node; concurrent reads of a node share round trips. */
export const pooledTransport: TransportFactory = (options) => {
  const pool = new SshPool(options);
  return Object.assign(new ReadCoalescer(pool), { close: () => pool.close() });
};

let transportFactory: TransportFactory = pooledTransport;

/**
 * Replaces how the transport is built; takes effect at the first command. The benchmark's provider hook
 * (bench/provider-hooks.ts) uses it to count connections or to measure a transport without pool or coalescer.
 */
export function setTransportFactory(factory: TransportFactory): void {
  transportFactory = factory;
}

/** Node inventories: what refresh reads take their container, snapshot list and run state from. */
export function inventory(): InventoryReader {
  if (!state.transport) {
    // A provider driven without `configure` (the integration tests) takes its key from PHOENIX_SSH_PRIVATE_KEY_PATH.
    if (!state.credentials.privateKey) state.credentials = credentialsFrom(state.credentials);
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
    state.transport = transportFactory(options);
    state.inventory = new InventoryReader(state.transport);
  }
  return state.inventory!;
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
