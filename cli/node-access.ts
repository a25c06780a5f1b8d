/**
 * Direct access to the nodes for the commands that read or operate outside the engine (status, start/stop,
 * snapshots, test): one SSH pool with the stack's key, one pct client per container's node.
 */
import type { ContainerSpec } from "../core/config/types";
import { SshError } from "../core/errors";
import type { SnapshotList } from "../core/pct-model";
import { readSnapshotList } from "../host/container-io";
import { PctClient } from "../host/pct-client";
import { SshPool } from "../host/ssh-pool";
import { requireStackNode } from "../core/config/normalize";
import { DirectSettings } from "./stack-context";

/** Pct clients for the stack's nodes; close it when done so the process can exit. */
export class NodeAccess {
  private readonly pool: SshPool;
  private readonly clients = new Map<string, PctClient>();

  constructor(private readonly settings: DirectSettings) {
    this.pool = new SshPool({ credentials: { privateKey: settings.privateKey, passphrase: settings.passphrase }, connectRetries: 0, idleTimeoutMs: 1000 });
  }

  /** The node name of a container. */
  nodeOf(spec: ContainerSpec): string {
    return requireStackNode(spec.ctid, spec.node, { nodes: Object.keys(this.settings.nodes), defaultNode: this.settings.defaultNode });
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

  /** The container's snapshots, read as the retention step reads them (its config file on the node). */
  readSnapshots(spec: ContainerSpec): Promise<SnapshotList> {
    return readSnapshotList(this.pool, this.clientFor(spec).node, spec.ctid);
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

/**
 * After an engine operation failed: the stack's nodes that cannot be reached over SSH (down, untrusted host key,
 * refused key), by name. One `true` per node, so a failed run can say "environment" (exit 3) from what the nodes
 * do now, not from the wording of an error that crossed the engine as text.
 */
export async function findUnreachableNodes(settings: DirectSettings): Promise<string[]> {
  const pool = new SshPool({ credentials: { privateKey: settings.privateKey, passphrase: settings.passphrase }, connectRetries: 0, idleTimeoutMs: 1000 });
  try {
    const probes = Object.entries(settings.nodes).map(async ([name, connection]) => {
      try {
        await pool.exec({ name, ...connection }, ["true"], { idempotent: true });
        return undefined;
      } catch (e) {
        return e instanceof SshError ? name : undefined;
      }
    });
    return (await Promise.all(probes)).filter((n): n is string => n !== undefined);
  } finally {
    await pool.close();
  }
}
