/**
 * Detached helper for the `transient-lock` fault: sleeps, then removes the lock it was told about (only if
 * that lock is still the one set), under the config flock. Argv: <vmid> <lock> <ms>.
 */
import { withConfigLock } from "./flock";
import { loadConf, saveConf } from "./ct-store";
import { readSimEnv, sleepMs } from "./sim-env";
import { registerTask } from "./tasks";

const [vmidArg, lock, msArg] = process.argv.slice(2);
const env = readSimEnv();
const vmid = Number(vmidArg);
// The lock stands for a task that holds it (a backup, say): it is active while this process sleeps.
registerTask(env, lock === "backup" ? "vzdump" : "vzsnapshot", vmid);
sleepMs(Number(msArg));
try {
  withConfigLock(env, vmid, () => {
    const conf = loadConf(env, vmid);
    if (conf.main.keys.lock === lock) {
      delete conf.main.keys.lock;
      saveConf(env, vmid, conf);
    }
  });
} catch {
  // The CT may have been destroyed meanwhile; nothing to undo then.
}
