/**
 * One SSH connection per command — a TCP connect, key exchange and authentication for every call, the way
 * @pulumi/command's remote.Command works. Exists to measure what the pool saves (bench/fleet-bench.ts selects it
 * through bench/provider-hooks.ts); never part of the product.
 */
import { SshPool, type SshPoolOptions, type SshPoolStats } from "../host/ssh-pool";
import type { CommandTransport, ExecOptions, ExecResult, NodeTarget } from "../host/transport";

/** A {@link CommandTransport} that opens and closes a connection around each command. */
export class SingleUseTransport implements CommandTransport {
  private readonly counters: SshPoolStats = { connectionsOpened: 0, handshakes: 0, commandsRun: 0, reconnects: 0 };

  /** @param options the options every one-shot pool gets */
  constructor(private readonly options: SshPoolOptions) {}

  /** Connects, runs argv, disconnects. */
  async exec(node: NodeTarget, argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    const pool = new SshPool(this.options);
    try {
      return await pool.exec(node, argv, options);
    } finally {
      await pool.close();
      const s = pool.stats();
      this.counters.connectionsOpened += s.connectionsOpened;
      this.counters.handshakes += s.handshakes;
      this.counters.commandsRun += s.commandsRun;
    }
  }

  /** The counters summed over every one-shot connection. */
  stats(): SshPoolStats {
    return { ...this.counters };
  }
}
