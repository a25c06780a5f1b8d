/**
 * Helpers for tests that drive providers against simulated nodes: read a node's command log, count the
 * mutating pct calls since a mark, run a command on the node as an operator would (out of band), inject faults.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { NodeConnection } from "../../core/container/inputs";
import { PctClient } from "../../host/pct-client";
import { SshPool } from "../../host/ssh-pool";
import { NodeTarget } from "../../host/transport";
import { configureRuntime, setTransportForTesting } from "../../providers/impl/runtime";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes, TestNodes } from "./sshd";

/** pct sub-commands that change a container (the idempotency tests count these). */
export const MUTATING_PCT = new Set(["create", "clone", "set", "start", "stop", "shutdown", "reboot", "destroy", "snapshot", "delsnapshot", "rollback", "push", "resize", "unlock"]);

/** One line of the simulator's command log. */
export interface LoggedCommand {
  ts: number;
  node: string;
  argv: string[];
  exit: number | null;
  ms: number;
}

/** Reads a node's command log. */
export function readCommandLog(root: string, node: string): LoggedCommand[] {
  const file = path.join(root, "nodes", node, "command.log");
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as LoggedCommand);
}

/** The mutating pct calls logged after `since` entries (use `readCommandLog(...).length` as the mark). */
export function mutatingSince(root: string, node: string, since: number): LoggedCommand[] {
  return readCommandLog(root, node).slice(since).filter((c) => c.argv[0] === "pct" && MUTATING_PCT.has(c.argv[1] ?? ""));
}

/** Writes the node's fault rules (see testbed/sim/README.md). */
export function setFaults(root: string, node: string, rules: object[]): void {
  // Replaced in one rename: a pct running meanwhile reads either the old rules or the new ones, never half a file.
  const file = path.join(root, "nodes", node, "faults.json");
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(rules));
  fs.renameSync(`${file}.tmp`, file);
}

/** Runs a command on the node over SSH as an operator would, failing the test when it fails. */
export async function onNode(pool: SshPool, node: NodeTarget, argv: string[]): Promise<string> {
  const r = await pool.exec(node, argv);
  if (r.exitCode !== 0) throw new Error(`${argv.join(" ")} failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout;
}

/** One simulated node over real SSH, with the provider runtime pointed at it (for tests that call providers). */
export interface ProviderTestNode {
  t: TestNodes;
  target: NodeTarget;
  connection: NodeConnection;
  pool: SshPool;
  client: PctClient;
  /** The busybox template's volume id on the node. */
  template: string;
}

/** Starts one node, configures the provider runtime with its key, and installs the busybox template. */
export async function startProviderTestNode(node: string): Promise<ProviderTestNode> {
  const t = await startTestNodes(1, { names: [node] });
  const target = t.nodes[0]!;
  const connection: NodeConnection = { host: target.host, port: target.port, user: target.user, hostKeyFingerprint: target.hostKeyFingerprint };
  configureRuntime({ get: (k) => (k === "sshPrivateKey" ? t.credentials.privateKey : undefined) });
  setTransportForTesting(undefined);
  const pool = new SshPool({ credentials: t.credentials });
  return { t, target, connection, pool, client: new PctClient(pool, target), template: installTemplate(t.cluster.root, node, "busybox") };
}
