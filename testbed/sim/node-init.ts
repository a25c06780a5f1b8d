/**
 * What a simulated node needs before its first command, written when the node starts (the launcher, the test
 * harness), never lazily by a command: on a real node `storage.cfg` and the pmxcfs node directories exist before
 * any `pct` runs, and a file written on first use would race with a concurrent reader of the same file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { SimEnv, ensureDir, lxcDir, nodeDir, stateDir, writeFileAtomic } from "./sim-env";
import { DEFAULT_STORAGES, storageConfigPath } from "./storage";

/**
 * Creates the node's directories (its pmxcfs `lxc` directory, config lock directory, state) and, when the
 * cluster has none yet, the default storage list (local, local-lvm, local-zfs). Idempotent; safe to run while
 * commands on other nodes of the cluster read the storage list (the file is replaced in one rename).
 */
export function initSimNode(root: string, node: string): void {
  const env: SimEnv = { root: path.resolve(root), node };
  for (const dir of [lxcDir(env), path.join(env.root, "run/lock/lxc"), stateDir(env), path.join(nodeDir(env), "template/cache")]) ensureDir(dir);
  const storage = storageConfigPath(env);
  if (!fs.existsSync(storage)) writeFileAtomic(storage, `${JSON.stringify(DEFAULT_STORAGES, null, 2)}\n`);
}
