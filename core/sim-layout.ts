/**
 * Where `phoenix sim start` keeps a project's simulated nodes: the launcher writes these files, and the passphrase
 * policy reads them to tell a simulated node from a real one. One home for the layout both sides rely on.
 */
import * as path from "node:path";

/** The simulation root of a project: `<project>/.phoenix/sim`. */
export function simRootOf(projectDir: string): string {
  return path.join(projectDir, ".phoenix", "sim");
}

/** The host private key sim start generates for node `name` under `root` (its public half is `<path>.pub`). */
export function simHostKeyPath(root: string, name: string): string {
  return path.join(root, "ssh", name, "ssh_host_ed25519_key");
}

/** The record of the nodes sim start runs (`{ nodes: [{ name, host, port }] }`). */
export function simNodesRecordPath(root: string): string {
  return path.join(root, "nodes.json");
}
