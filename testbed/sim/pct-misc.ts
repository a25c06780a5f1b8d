/**
 * Commands that reach into a running CT or its disks (docs/pve-behaviour.md §3.17, §3.19, §3.20): exec, push, resize.
 */
import { checkVmid } from "./cli-args";
import { canonicalMp, canonicalRootfs, parseDisk } from "./conf-schema";
import { Die, paramError } from "./sim-errors";
import { withConfigLock } from "./flock";
import { checkLock, confExists, isRunning, loadConf, runtimeCt, saveConf } from "./ct-store";
import { applyLatency } from "./faults";
import { runTask } from "./sim-context";
import { classifyVolume, loadStorages, parseVolid } from "./storage";
import { execInCt, pushToCt } from "./runtime-adapter";
import { formatSize, parseSize } from "./value-formats";
import { PctCommand } from "./pct-command";

const exec: PctCommand = {
  def: { name: "exec", positionals: ["vmid"], extraArgs: true, options: { "keep-env": "bool" } },
  midpoint: false,
  run(ctx, a) {
    const vmid = checkVmid(a.pos[0]);
    const conf = loadConf(ctx.env, vmid);
    if (!isRunning(ctx.env, vmid, conf)) throw new Die(`container '${vmid}' not running!`);
    // `die "missing command"` has no newline, so Perl appends its location (docs/pve-behaviour.md §1.3).
    if (!a.extra.length) throw new Die("missing command", 296);
    return execInCt(runtimeCt(ctx.env, vmid, conf), a.extra);
  },
};

const push: PctCommand = {
  def: { name: "push", positionals: ["vmid", "file", "destination"], options: { perms: "string", user: "string", group: "string" } },
  midpoint: false,
  run(ctx, a) {
    const vmid = checkVmid(a.pos[0]);
    return withConfigLock(ctx.env, vmid, () => {
      if (!confExists(ctx.env, vmid)) throw new Die("can only push files to a running CT");
      const conf = loadConf(ctx.env, vmid);
      if (!isRunning(ctx.env, vmid, conf)) throw new Die("can only push files to a running CT");
      // push has no $upid_exit: a failed task still exits 0.
      return runTask(false, () => {
        try {
          pushToCt(runtimeCt(ctx.env, vmid, conf), a.pos[1], a.pos[2], { perms: a.opts.perms, user: a.opts.user, group: a.opts.group });
        } catch (e) {
          throw new Die(e instanceof Error ? e.message : String(e));
        }
      });
    });
  },
};

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB (${Math.round(bytes / (4 * 1024 ** 2))} extents)`;
}

const resize: PctCommand = {
  def: { name: "resize", positionals: ["vmid", "disk", "size"], options: { digest: "string" } },
  midpoint: false,
  run(ctx, a) {
    const env = ctx.env;
    const vmid = checkVmid(a.pos[0]);
    const [, disk, sizeArg] = a.pos;
    const errors: Array<[string, string]> = [];
    if (disk !== "rootfs" && !/^mp([1-9]?\d|1\d\d|2[0-4]\d|25[0-5])$/.test(disk)) {
      errors.push(["disk", `value '${disk}' does not have a value in the enumeration 'rootfs, mp0, mp1, ..., mp255'`]);
    }
    const m = /^(\+)?(\d+(?:\.\d+)?[KMGT]?)$/.exec(sizeArg);
    if (!m) errors.push(["size", "value does not match the regex pattern"]);
    if (errors.length || !m) throw paramError(errors);
    // PVE's resize_vm runs its load-and-check twice: before forking the worker, and again inside the worker under
    // the config lock, so two concurrent `+1G` resizes grow the disk by 2G and an absolute size set twice fails once.
    const loadAndCheck = (): { conf: ReturnType<typeof loadConf>; volid: string; oldBytes: number; newBytes: number } => {
      const conf = loadConf(env, vmid);
      checkLock(conf);
      if (a.opts.digest !== undefined && a.opts.digest !== conf.digest) throw new Die("detected modified configuration - file changed by other user? Try again.");
      const value = conf.main.keys[disk];
      if (value === undefined) throw new Die(`disk '${disk}' does not exist`);
      const d = parseDisk(disk, value);
      const cur = d.size === undefined || classifyVolume(d.volume) !== "volume" ? undefined : parseSize(d.size);
      if (cur === undefined) throw new Die(`Could not determine current size of volume '${d.volume}'`);
      const n = parseSize(m[2]) as number;
      const newBytes = m[1] ? cur + n : n;
      if (newBytes < cur) throw new Die("unable to shrink disk size");
      if (newBytes === cur) throw new Die("disk is already at specified size");
      return { conf, volid: d.volume, oldBytes: cur, newBytes };
    };
    withConfigLock(env, vmid, () => loadAndCheck());
    // resize has no $upid_exit: a failed task still exits 0.
    return runTask(false, (task) => withConfigLock(env, vmid, () => {
      const { conf, volid, oldBytes, newBytes } = loadAndCheck();
      applyLatency(env, "resize");
      const v = parseVolid(volid);
      const type = loadStorages(env)[v?.storage ?? ""]?.type;
      if (type === "lvmthin") {
        task.print(`  Size of logical volume pve/${v?.volname} changed from ${gib(oldBytes)} to ${gib(newBytes)}.\n`);
        task.print(`  Logical volume pve/${v?.volname} successfully resized.\n`);
      }
      const d = parseDisk(disk, conf.main.keys[disk]);
      d.size = formatSize(newBytes);
      conf.main.keys[disk] = disk === "rootfs" ? canonicalRootfs(d) : canonicalMp(d);
      saveConf(env, vmid, conf);
    }));
  },
};

/** exec, push, resize. */
export const MISC_COMMANDS: PctCommand[] = [exec, push, resize];
