/**
 * Direct access to the nodes for the commands that read or operate outside the engine (status, start/stop,
 * snapshots, test): one SSH pool with the stack's key, one pct client per container's node.
 */
import type { ContainerSpec } from "../core/config/types";
import { PctClient } from "../host/pct-client";
import { SshPool } from "../host/ssh-pool";
import { DirectSettings, resolveNode } from "./stack-context";

/** Pct clients for the stack's nodes; close it when done so the process can exit. */
export class NodeAccess {
  private readonly pool: SshPool;
  private readonly clients = new Map<string, PctClient>();

  constructor(private readonly settings: DirectSettings) {
    this.pool = new SshPool({ credentials: { privateKey: settings.privateKey, passphrase: settings.passphrase }, connectRetries: 0, idleTimeoutMs: 1000 });
  }

  /** The node name of a container. */
  nodeOf(spec: ContainerSpec): string {
    return resolveNode(spec.ctid, spec.node, this.settings);
  }

  /** The pct client of a container's node. */
  clientFor(spec: ContainerSpec): PctClient {
    const node = this.nodeOf(spec);
    let client = this.clients.get(node);
    if (!client) {
      client = new PctClient(this.pool, { name: node, ...this.settings.nodes[node]! });
      this.clients.set(node, client);
    }
    return client;
  }

  /** Runs a command on a container's node (not inside the container); resolves to its stdout. */
  async runOnNode(spec: ContainerSpec, argv: string[]): Promise<string> {
    const node = this.nodeOf(spec);
    return (await this.pool.exec({ name: node, ...this.settings.nodes[node]! }, argv, { idempotent: true })).stdout;
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await this.pool.close();
  }
}
