/**
 * The SSH transport: one connection per (user, host, port, host-key pin), many exec channels multiplexed on it.
 *
 * A Pulumi operation runs up to 4 × GOMAXPROCS resource operations at once against a handful of nodes; one
 * handshake per node instead of one per command is the difference this pool exists for (see
 * bench/ssh-pool-bench.ts). Connections open lazily, are shared by concurrent first calls, and close when idle so a
 * provider process can exit.
 *
 * Retry contract: a command that never left this process is always re-sent; a command that was sent when the
 * connection dropped is re-run once only when the caller marked it `idempotent`, otherwise the caller gets
 * `ssh-connection-lost` saying it may or may not have run.
 */
import { readFile } from "node:fs/promises";
import { SshError } from "../core/errors";
import { quoteArgv, redactArgv } from "../core/shell-quote";
import { openSshConnection } from "./ssh-connect";
import { CommandNotStartedError, type SshConnection } from "./ssh-connection";
import type { SshCredentials } from "./ssh-credentials";
import { buildPoolClosedError } from "./ssh-errors";
import { nodeKeyOf, type CommandTransport, type ExecOptions, type ExecResult, type NodeTarget } from "./transport";

export type { SshCredentials } from "./ssh-credentials";

/** Options of {@link SshPool}. */
export interface SshPoolOptions {
  /** Private key and/or agent used for every node. */
  credentials: SshCredentials;
  /** Exec channels open at once per connection; the rest queue. Capped at 9, below OpenSSH's MaxSessions 10. @default 8 */
  maxChannelsPerConnection?: number;
  /** TCP connect + handshake + authentication time limit. @default 10000 */
  connectTimeoutMs?: number;
  /** SSH keepalive interval; three missed answers drop the connection. @default 15000 */
  keepaliveIntervalMs?: number;
  /** Time limit of a command when `ExecOptions.timeoutMs` is not given. @default 120000 */
  defaultExecTimeoutMs?: number;
  /** Extra connection attempts after a timeout or refused connection (never after host key or auth failures). @default 2 */
  connectRetries?: number;
  /**
   * Close a connection after this long without commands. Its socket is unref'd meanwhile, but ssh2's keepalive
   * timer still holds the event loop, so a process exits at most this long after its last command. @default 5000
   */
  idleTimeoutMs?: number;
  /** Unknown host keys are never trusted on first use; the field exists to say so. @default false */
  trustOnFirstUse?: false;
  /** Receives one diagnostic line per connection event and command; never secrets. */
  log?: (line: string) => void;
}

/** Counters for tests and benchmarks. */
export interface SshPoolStats {
  /** Connection attempts started (TCP connects). */
  connectionsOpened: number;
  /** Handshakes that completed authentication. */
  handshakes: number;
  /** Commands that ran to a result (any exit code). */
  commandsRun: number;
  /** Connections opened to a node that had been connected before (after a drop or idle close). */
  reconnects: number;
}

const MAX_CHANNELS_CAP = 9;
/** Guards against a node that accepts connections and drops them at once, forever. */
const MAX_NOT_STARTED_RESENDS = 3;

/** A {@link CommandTransport} over pooled ssh2 connections. */
export class SshPool implements CommandTransport {
  private readonly connections = new Map<string, Promise<SshConnection>>();
  private readonly everConnected = new Set<string>();
  private readonly counters: SshPoolStats = { connectionsOpened: 0, handshakes: 0, commandsRun: 0, reconnects: 0 };
  private readonly log: (line: string) => void;
  private closed = false;

  /** @param options see {@link SshPoolOptions} */
  constructor(private readonly options: SshPoolOptions) {
    this.log = options.log ?? (() => undefined);
  }

  /** Runs one argv on a node; resolves whatever the exit code, rejects only on transport failure (typed SshError). */
  async exec(node: NodeTarget, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const command = quoteArgv(argv);
    const display = redactArgv(argv);
    const timeoutMs = options.timeoutMs ?? this.options.defaultExecTimeoutMs ?? 120_000;
    let resends = 0;
    let retriedAfterDrop = false;
    for (;;) {
      if (this.closed) throw buildPoolClosedError(node, display);
      const connection = await this.connection(node);
      try {
        const result = await connection.run(command, display, options, timeoutMs);
        this.counters.commandsRun++;
        return result;
      } catch (err) {
        if (err instanceof CommandNotStartedError && resends++ < MAX_NOT_STARTED_RESENDS) continue;
        if (err instanceof CommandNotStartedError) throw this.lostBeforeStart(node, display, err);
        if (err instanceof SshError && err.code === "ssh-connection-lost" && !connection.alive && options.idempotent && !retriedAfterDrop) {
          retriedAfterDrop = true;
          this.log(`ssh ${node.name}: connection dropped, re-running idempotent command: ${display}`);
          continue;
        }
        throw err;
      }
    }
  }

  /** A snapshot of the counters. */
  stats(): SshPoolStats {
    return { ...this.counters };
  }

  /** Ends every connection; commands still running are reported as connection lost. The pool is unusable afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(pending.map((p) => p.then((c) => c.close(), () => undefined)));
  }

  private lostBeforeStart(node: NodeTarget, display: string, cause: Error): SshError {
    return new SshError("ssh-connection-lost", `SSH connection to ${node.host}:${node.port} kept closing before the command could be sent; it did not run`, { node: node.name, command: display }, {
      cause,
      hint: `look at sshd's log on node ${node.name} (journalctl -u ssh) for why it drops connections`,
    });
  }

  private connection(node: NodeTarget): Promise<SshConnection> {
    const key = nodeKeyOf(node);
    const existing = this.connections.get(key);
    if (existing) {
      // A settled promise whose connection died is replaced below; `onGone` normally removes it first.
      return existing.then((c) => (c.alive ? c : this.replace(key, node, existing)));
    }
    return this.replace(key, node, undefined);
  }

  private replace(key: string, node: NodeTarget, stale: Promise<SshConnection> | undefined): Promise<SshConnection> {
    const current = this.connections.get(key);
    if (current && current !== stale) return current; // another caller already started the replacement
    const attempt = this.connectWithRetries(key, node);
    this.connections.set(key, attempt);
    attempt.catch(() => {
      if (this.connections.get(key) === attempt) this.connections.delete(key);
    });
    return attempt;
  }

  private async connectWithRetries(key: string, node: NodeTarget): Promise<SshConnection> {
    const retries = this.options.connectRetries ?? 2;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.connectOnce(key, node);
      } catch (err) {
        const transient = err instanceof SshError && (err.code === "ssh-timeout" || err.code === "ssh-unreachable");
        if (!transient || attempt >= retries || this.closed) throw err;
        const delayMs = 250 * 2 ** attempt;
        this.log(`ssh ${node.name}: connect failed (${err.code}), retrying in ${delayMs} ms`);
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
  }

  private async connectOnce(key: string, node: NodeTarget): Promise<SshConnection> {
    // Read on every connect: a user who just pinned a key in known_hosts should not need a new process.
    const knownHostsText = node.knownHostsFile === undefined ? undefined : await readKnownHosts(node);
    this.counters.connectionsOpened++;
    if (this.everConnected.has(key)) this.counters.reconnects++;
    this.everConnected.add(key);
    this.log(`ssh ${node.name}: connecting to ${node.user}@${node.host}:${node.port}`);
    let self: Promise<SshConnection> | undefined;
    const connection = await openSshConnection({
      node,
      credentials: this.options.credentials,
      connectTimeoutMs: this.options.connectTimeoutMs ?? 10_000,
      keepaliveIntervalMs: this.options.keepaliveIntervalMs ?? 15_000,
      maxChannels: Math.max(1, Math.min(MAX_CHANNELS_CAP, this.options.maxChannelsPerConnection ?? 8)),
      idleTimeoutMs: this.options.idleTimeoutMs ?? 5000,
      knownHostsText,
      log: this.log,
      onGone: () => {
        this.log(`ssh ${node.name}: connection to ${node.host}:${node.port} closed`);
        if (self !== undefined && this.connections.get(key) === self) this.connections.delete(key);
      },
    });
    self = this.connections.get(key);
    this.counters.handshakes++;
    if (this.closed) {
      await connection.close();
      throw buildPoolClosedError(node, "(connect)");
    }
    return connection;
  }
}

async function readKnownHosts(node: NodeTarget): Promise<string> {
  try {
    return await readFile(node.knownHostsFile!, "utf8");
  } catch (err) {
    throw new SshError("ssh-host-key", `cannot read known_hosts file ${node.knownHostsFile}`, { node: node.name }, {
      cause: err,
      hint: `create it (ssh-keyscan -p ${node.port} ${node.host} >> ${node.knownHostsFile}, after checking the key) or pin the fingerprint instead`,
    });
  }
}
