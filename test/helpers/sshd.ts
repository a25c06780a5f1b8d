/**
 * Test helper: simulated nodes behind real sshd processes, ready for an SshPool.
 *
 *   const t = await startTestNodes(2);
 *   const pool = new SshPool({ credentials: t.credentials });
 *   await pool.exec(t.nodes[0]!, ["pct", "list"]);
 *   await t.stop();
 */
import { rm } from "node:fs/promises";
import type { SshCredentials } from "../../host/ssh-credentials";
import type { NodeTarget } from "../../host/transport";
import { listDescendants, readCmdline } from "../../testbed/launcher/processes";
import { startSimCluster, type SimCluster, type SimNode } from "../../testbed/launcher/sim-cluster";

/** Options of {@link startTestNodes}. */
export interface TestNodesOptions {
  /** Node names. @default pve1 … pveN */
  names?: string[];
  /** Per-operation delays of the pct simulator. @default "none" */
  latency?: "realistic" | "none";
  /** Directories put first in the remote PATH. */
  extraPath?: string;
  /** Keep the simulation root on stop (to inspect it). @default false */
  keepRoot?: boolean;
}

/** Running test nodes. */
export interface TestNodes {
  /** One target per node, host key fingerprint pinned. */
  nodes: NodeTarget[];
  /** The client key every node accepts. */
  credentials: SshCredentials;
  /** The underlying cluster (root, pids, restartNode). */
  cluster: SimCluster;
  /** Kills every sshd (and what it started) and removes the root. */
  stop(): Promise<void>;
}

/** The pool's view of a simulated node: pinned by fingerprint. */
export function toNodeTarget(node: SimNode): NodeTarget {
  return { name: node.name, host: node.host, port: node.port, user: node.user, hostKeyFingerprint: node.hostKeyFingerprint };
}

/** Starts `n` simulated nodes; call `stop()` in an `after` hook. */
export async function startTestNodes(n: number, opts: TestNodesOptions = {}): Promise<TestNodes> {
  const names = opts.names ?? Array.from({ length: n }, (_, i) => `pve${i + 1}`);
  const cluster = await startSimCluster({ nodes: names, latency: opts.latency, extraPath: opts.extraPath });
  return {
    nodes: cluster.nodes.map(toNodeTarget),
    credentials: { privateKey: cluster.privateKey },
    cluster,
    async stop() {
      await cluster.stop();
      if (!opts.keepRoot) await rm(cluster.root, { recursive: true, force: true });
    },
  };
}

/**
 * Kills, with SIGKILL, everything a node's sshd listener has forked — the per-connection sshd processes and the
 * commands they run — but not the listener: the client sees its connection drop, the node stays reachable.
 * @returns the pids killed
 */
export function killNodeConnections(node: SimNode): number[] {
  const pids = listDescendants(node.pid);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  return pids;
}

/** Command lines of everything currently running under a node's sshd listener. */
export function listNodeProcesses(node: SimNode): string[] {
  return listDescendants(node.pid).map(readCmdline);
}
