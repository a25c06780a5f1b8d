/**
 * `pct set` (docs/pve-behaviour.md §3.5, §7): schema check → flock → check_lock → digest → reverts → deletes → sets →
 * hot-plug (running) or apply all (stopped) → write. Also `pct unlock` (§3.22).
 */
import { checkVmid } from "./cli-args";
import { checkOption, configOptionKinds, isOptionKey } from "./conf-schema";
import { Die, paramError } from "./sim-errors";
import { err, out } from "./sim-env";
import { withConfigLock } from "./flock";
import { checkLock, isRunning, loadConf, runtimeCt, saveConf } from "./ct-store";
import { prepareMountTargets } from "./mount-targets";
import { applyLatency } from "./faults";
import { faultPoint } from "./sim-context";
import { applyPending, cleanupPending, pendingDeletes, setPendingDeletes } from "./pending-apply";
import { CtConfig } from "./conf-file";
import { splitList } from "./value-formats";
import { PctCommand } from "./pct-command";

const REQUIRED = ["memory", "rootfs", "ostype"];

/** Validates every config-key option of `opts`; throws the 400 block listing all failures. */
export function checkConfigOptions(opts: Record<string, string>, skip: readonly string[]): Record<string, string> {
  const errors: Array<[string, string]> = [];
  const sets: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts)) {
    if (skip.includes(k)) continue;
    const r = checkOption(k, v);
    if ("error" in r) errors.push([k, r.error]);
    else sets[k] = r.ok;
  }
  if (errors.length) throw paramError(errors);
  return sets;
}

function isDrive(key: string): boolean {
  return key === "rootfs" || /^mp\d+$/.test(key);
}

/** The API's parameter conflicts (raised as a 400 before anything changes, like PVE's update_vm). */
function checkConflicts(sets: Record<string, string>, deletes: string[], reverts: string[]): void {
  for (const r of reverts) {
    if (sets[r] !== undefined) throw paramError([["revert", `you can't use '-${r}' and '-revert ${r}' at the same time`]]);
  }
  for (const d of deletes) {
    // (sic) the unbalanced quote is PVE's own text.
    if (sets[d] !== undefined) throw paramError([["delete", `you can't use '-${d}' and -delete ${d}' at the same time`]]);
    if (reverts.includes(d)) throw paramError([["delete", `you can't use '-delete ${d}' and '-revert ${d}' at the same time`]]);
  }
}

/**
 * PVE's update_pct_config up to the hot-plug/apply step: reverts, deletes and sets go to `[pve:pending]`, then
 * cleanup_pending drops what would change nothing. Returns the options this call modified: only those are
 * hot-plugged or applied afterwards, other pending changes wait for the next start.
 */
function updatePending(conf: CtConfig, vmid: number, sets: Record<string, string>, deletes: string[], reverts: string[]): Set<string> {
  const protectedCt = conf.main.keys.protection === "1";
  for (const r of reverts) {
    if (r === "description") delete conf.pending.description;
    delete conf.pending.keys[r];
    setPendingDeletes(conf, pendingDeletes(conf).filter((x) => x !== r));
  }
  const modified = new Set<string>();
  const dels = pendingDeletes(conf);
  for (const raw of deletes) {
    const d = raw.replace(/^!/, "");
    const present = d === "description" ? conf.main.description !== undefined || conf.pending.description !== undefined
      : conf.main.keys[d] !== undefined || conf.pending.keys[d] !== undefined;
    if (!present) {
      err(`cannot delete '${d}' - not set in current configuration!\n`);
      continue;
    }
    modified.add(d);
    if (REQUIRED.includes(d)) throw new Die(`unable to delete required option '${d}'`);
    if (/^(unused|mp)\d+$/.test(d) && protectedCt) throw new Die(`can't remove CT ${vmid} drive '${d}' - protection mode enabled`);
    if (d === "unprivileged") throw new Die("unable to delete read-only option: 'unprivileged'");
    // As in PVE, a pending value of the key stays; the delete of a key without a current value is dropped below.
    if (!dels.includes(d)) dels.push(d);
  }
  setPendingDeletes(conf, dels);
  for (const k of Object.keys(sets).sort()) {
    modified.add(k);
    if (isDrive(k) && protectedCt) throw new Die(`can't update CT ${vmid} drive '${k}' - protection mode enabled`);
    if (k === "unprivileged") throw new Die("unable to modify read-only option: 'unprivileged'");
    if (k === "description") conf.pending.description = sets[k];
    else conf.pending.keys[k] = sets[k];
    setPendingDeletes(conf, pendingDeletes(conf).filter((x) => x !== k));
  }
  cleanupPending(conf);
  return modified;
}

const set: PctCommand = {
  def: { name: "set", positionals: ["vmid"], options: { ...configOptionKinds(), delete: "string", revert: "string", digest: "string" } },
  midpoint: true,
  run(ctx, a) {
    const vmid = checkVmid(a.pos[0]);
    const sets = checkConfigOptions(a.opts, ["delete", "revert", "digest"]);
    const deletes = splitList(a.opts.delete ?? "");
    const reverts = splitList(a.opts.revert ?? "");
    const bad: Array<[string, string]> = [];
    for (const d of deletes) if (!isOptionKey(d.replace(/^!/, ""))) bad.push(["delete", `unknown option '${d}'`]);
    for (const r of reverts) if (!isOptionKey(r)) bad.push(["revert", `unknown option '${r}'`]);
    if (bad.length) throw paramError(bad);
    if (!Object.keys(sets).length && !deletes.length && !reverts.length) throw new Die("no options specified");
    withConfigLock(ctx.env, vmid, () => {
      const conf = loadConf(ctx.env, vmid);
      checkLock(conf);
      if (a.opts.digest !== undefined && a.opts.digest !== conf.digest) {
        throw new Die("detected modified configuration - file changed by other user? Try again.");
      }
      checkConflicts(sets, deletes.map((d) => d.replace(/^!/, "")), reverts);
      applyLatency(ctx.env, "set");
      const modified = updatePending(conf, vmid, sets, deletes, reverts);
      const running = isRunning(ctx.env, vmid, conf);
      applyPending(ctx.env, vmid, conf, running, out, modified);
      // A hot-plugged mount point appears inside the running container at once.
      if (running) prepareMountTargets(runtimeCt(ctx.env, vmid, conf).rootfs, conf);
      saveConf(ctx.env, vmid, conf);
    });
    faultPoint(ctx, vmid);
    return 0;
  },
};

const unlock: PctCommand = {
  def: { name: "unlock", positionals: ["vmid"], options: {} },
  midpoint: true,
  run(ctx, a) {
    const vmid = checkVmid(a.pos[0]);
    withConfigLock(ctx.env, vmid, () => {
      const conf = loadConf(ctx.env, vmid);
      if (!conf.main.keys.lock) throw new Die("no lock found trying to remove any lock");
      delete conf.main.keys.lock;
      saveConf(ctx.env, vmid, conf);
    });
    faultPoint(ctx, vmid);
    return 0;
  },
};

/** set and unlock. */
export const SET_COMMANDS: PctCommand[] = [set, unlock];
