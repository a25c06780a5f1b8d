/**
 * The provider process's shared runtime: one SSH pool (one connection per node), one sequencer (one mutation
 * per container at a time) and the credentials from secret stack config. Module state is fine here: this
 * module is loaded lazily inside the provider process, never captured by closure serialization.
 */
import * as fs from "node:fs";
import { NodeConnection } from "../../core/container/inputs";
import { PctClient } from "../../host/pct-client";
import { OperationSequencer } from "../../host/sequencer";
import { SshCredentials, SshPool } from "../../host/ssh-pool";
import { CommandTransport, NodeTarget } from "../../host/transport";
import { probeLockHolder } from "../../host/lock-probe";

/** What `configure` receives: namespaced stack config, secrets decrypted (`<project>:key`). */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/** The stack config keys the provider reads. Documented in the README. */
export const CONFIG_KEYS = {
  /** SSH private key text; set with `pulumi config set --secret sshPrivateKey < key`. */
  privateKey: "sshPrivateKey",
  /** Passphrase of the key, if encrypted (secret). */
  passphrase: "sshKeyPassphrase",
  /** Path of a private key file on the machine running Pulumi (alternative to the secret). */
  privateKeyPath: "sshPrivateKeyPath",
  /** Operations in flight per node. */
  perNodeLimit: "perNodeParallelism",
} as const;

interface RuntimeState {
  credentials: SshCredentials;
  perNodeLimit?: number;
  transport?: CommandTransport & { close?: () => Promise<void> };
  sequencer?: OperationSequencer;
}

const state: RuntimeState = { credentials: {} };

/** Called once per provider process by the engine (dynamic provider `configure`). */
export function configureRuntime(config: ConfigSource): void {
  const keyPath = config.get(CONFIG_KEYS.privateKeyPath) ?? process.env.PHOENIX_SSH_PRIVATE_KEY_PATH;
  const privateKey = config.get(CONFIG_KEYS.privateKey) ?? (keyPath ? fs.readFileSync(keyPath, "utf8") : undefined);
  state.credentials = { privateKey, passphrase: config.get(CONFIG_KEYS.passphrase) };
  const limit = Number(config.get(CONFIG_KEYS.perNodeLimit) ?? process.env.PHOENIX_PER_NODE_PARALLELISM ?? NaN);
  state.perNodeLimit = Number.isInteger(limit) && limit > 0 ? limit : undefined;
}

/** Replaces the transport (tests inject a counting or faulty one). */
export function setTransportForTesting(transport: CommandTransport | undefined): void {
  state.transport = transport;
  state.sequencer = undefined;
}

/** The shared transport (an {@link SshPool} unless a test injected one). */
export function transport(): CommandTransport {
  if (!state.transport) {
    if (!state.credentials.privateKey && process.env.PHOENIX_SSH_PRIVATE_KEY_PATH) {
      state.credentials.privateKey = fs.readFileSync(process.env.PHOENIX_SSH_PRIVATE_KEY_PATH, "utf8");
    }
    // PHOENIX_EXEC_TIMEOUT_MS: the time limit of commands that set none (tests use a short one for hung commands).
    const timeout = Number(process.env.PHOENIX_EXEC_TIMEOUT_MS ?? NaN);
    state.transport = new SshPool({ credentials: state.credentials, defaultExecTimeoutMs: Number.isInteger(timeout) && timeout > 0 ? timeout : undefined });
  }
  return state.transport;
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

/** The node target for a resource's stored connection. */
export function nodeTarget(node: string, connection: NodeConnection): NodeTarget {
  const target: NodeTarget = { name: node, ...connection };
  targets.set(node, target);
  return target;
}

/** A pct client for a node. */
export function clientFor(node: string, connection: NodeConnection): PctClient {
  return new PctClient(transport(), nodeTarget(node, connection));
}
