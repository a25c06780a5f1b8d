/**
 * Argv builders for `pct`, `pvesh` and `pvesm`: arrays, never shell strings (quoting happens once, in host/).
 *
 * Inputs pct would misparse are refused here with an `internal` error that states the rule, so a bad VMID or
 * snapshot name never reaches a node (the config checks and the CLI's argument parser refuse them first, naming
 * the field: one reaching this point is a bug). Booleans are always written as an explicit `1`/`0`: pct booleans take an
 * *optional* value, so a bare `--purge` followed by a positional would swallow it (docs/pve-behaviour.md §1.1).
 */

import { internalError } from "./errors";
import { quoteArgv } from "./shell-quote";

/** A value for a `--key value` option; booleans become `1`/`0`, undefined options are left out. */
export type PctOptionValue = string | number | boolean | undefined;

/** Options written as `--key value` in key order given. */
export type PctOptions = Readonly<Record<string, PctOptionValue>>;

const OPTION_KEY = /^[a-z][a-z0-9_-]*$/;
const SNAPSHOT_NAME = /^[A-Za-z][A-Za-z0-9_-]+$/;
const NODE_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/;
const DISK = /^(rootfs|mp([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5]))$/;
const SIZE = /^\+?[0-9]+(\.[0-9]+)?[KMGT]?$/;

/** Refuses a VMID outside 100..999999999, the range PVE accepts (`pve-vmid`). */
export function checkVmid(vmid: number): void {
  if (!Number.isInteger(vmid) || vmid < 100 || vmid > 999_999_999) {
    throw internalError(`invalid VMID ${String(vmid)}: a Proxmox VMID is an integer from 100 to 999999999`);
  }
}

/**
 * Refuses a snapshot name PVE would reject: a letter, then at least one letter, digit, `_` or `-`, at most
 * 40 characters, and not the reserved `current` or `vzdump` (docs/pve-behaviour.md §2).
 */
export function checkSnapshotName(name: string): void {
  if (!SNAPSHOT_NAME.test(name) || name.length > 40) {
    throw internalError(
      `invalid snapshot name ${JSON.stringify(name)}: it must start with a letter, continue with at least one ` +
        `letter, digit, '_' or '-', and be at most 40 characters long`,
    );
  }
  if (name === "current" || name === "vzdump") {
    throw internalError(`invalid snapshot name '${name}': the name is reserved by Proxmox VE`);
  }
}

function checkOptionKey(key: string): void {
  if (!OPTION_KEY.test(key)) {
    throw internalError(`invalid pct option key ${JSON.stringify(key)}: keys match /^[a-z][a-z0-9_-]*$/`);
  }
}

function checkNodeName(node: string): void {
  if (!NODE_NAME.test(node)) {
    throw internalError(`invalid node name ${JSON.stringify(node)}: a Proxmox node name is a DNS label`);
  }
}

function bool(value: boolean): string {
  return value ? "1" : "0";
}

/** Appends `--key value` for every defined option, booleans as `1`/`0`, in the order given. */
export function buildOptionArgs(options: PctOptions): string[] {
  const args: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    checkOptionKey(key);
    if (value === undefined) continue;
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw internalError(`invalid value for --${key}: ${value} is not a finite number`);
    }
    args.push(`--${key}`, typeof value === "boolean" ? bool(value) : String(value));
  }
  return args;
}

function ct(command: string, vmid: number, ...rest: string[]): string[] {
  checkVmid(vmid);
  return ["pct", command, String(vmid), ...rest];
}

/** `pct list`. */
export function buildListArgv(): string[] {
  return ["pct", "list"];
}

/** `pct status <vmid> [--verbose 1]`. */
export function buildStatusArgv(vmid: number, opts: { verbose?: boolean } = {}): string[] {
  return ct("status", vmid, ...(opts.verbose ? ["--verbose", "1"] : []));
}

/** `pct create <vmid> <ostemplate> --key value…`. */
export function buildCreateArgv(vmid: number, ostemplate: string, options: PctOptions = {}): string[] {
  if (ostemplate === "" || ostemplate.startsWith("-")) {
    throw internalError(`invalid ostemplate ${JSON.stringify(ostemplate)}: give a volume ID or an absolute path`);
  }
  return ct("create", vmid, ostemplate, ...buildOptionArgs(options));
}

/** Options of `pct clone`. */
export interface CloneOptions {
  /** Clone from this snapshot (needed for a full clone of a running CT). */
  snapname?: string;
  /** Full copy instead of a linked clone. @default pct decides: full for a CT, linked for a template */
  full?: boolean;
  /** Hostname of the new CT. @default the source's */
  hostname?: string;
  /** Description of the new CT. */
  description?: string;
  /** Target storage (full clones only). */
  storage?: string;
  /** Target node (shared storage only). */
  target?: string;
}

/** `pct clone <src> <dst> […]`. */
export function buildCloneArgv(src: number, dst: number, opts: CloneOptions = {}): string[] {
  checkVmid(dst);
  if (opts.snapname !== undefined) checkSnapshotName(opts.snapname);
  if (opts.target !== undefined) checkNodeName(opts.target);
  const { snapname, full, hostname, description, storage, target } = opts;
  return ct("clone", src, String(dst), ...buildOptionArgs({ snapname, full, hostname, description, storage, target }));
}

/** Extra controls of `pct set`. */
export interface SetControls {
  /** Keys to remove (`--delete a,b`). */
  delete?: readonly string[];
  /** Pending changes to drop (`--revert a,b`). */
  revert?: readonly string[];
  /** Fail unless the config still has this SHA-1 digest. */
  digest?: string;
}

/** `pct set <vmid> --key value… [--delete k,…] [--revert k,…] [--digest sha1]`. */
export function buildSetArgv(vmid: number, options: PctOptions, controls: SetControls = {}): string[] {
  for (const reserved of ["delete", "revert", "digest"]) {
    if (reserved in options) throw internalError(`pass --${reserved} through the controls argument, not as an option`);
  }
  const argv = ct("set", vmid, ...buildOptionArgs(options));
  for (const list of ["delete", "revert"] as const) {
    const keys = controls[list];
    if (keys === undefined || keys.length === 0) continue;
    keys.forEach(checkOptionKey);
    argv.push(`--${list}`, keys.join(","));
  }
  if (controls.digest !== undefined) {
    if (!/^[0-9a-f]{40}$/.test(controls.digest)) throw internalError("a config digest is 40 lower-case hex digits");
    argv.push("--digest", controls.digest);
  }
  if (argv.length === 3) throw internalError("pct set needs at least one option (pct says 'no options specified')");
  return argv;
}

/** `pct start <vmid>`. */
export function buildStartArgv(vmid: number): string[] {
  return ct("start", vmid);
}

/** `pct stop <vmid>` (hard stop). */
export function buildStopArgv(vmid: number): string[] {
  return ct("stop", vmid);
}

/** `pct shutdown <vmid> [--timeout s] [--forceStop 1]` (note pct's camelCase `forceStop`). */
export function buildShutdownArgv(vmid: number, opts: { timeoutSeconds?: number; forceStop?: boolean } = {}): string[] {
  if (opts.timeoutSeconds !== undefined && (!Number.isInteger(opts.timeoutSeconds) || opts.timeoutSeconds < 0)) {
    throw internalError("shutdown timeout must be a whole number of seconds >= 0");
  }
  const argv = ct("shutdown", vmid);
  if (opts.timeoutSeconds !== undefined) argv.push("--timeout", String(opts.timeoutSeconds));
  if (opts.forceStop !== undefined) argv.push("--forceStop", bool(opts.forceStop));
  return argv;
}

/** `pct reboot <vmid>`. */
export function buildRebootArgv(vmid: number): string[] {
  return ct("reboot", vmid);
}

/** `pct destroy <vmid> [--purge 1] [--force 1]`. */
export function buildDestroyArgv(vmid: number, opts: { purge?: boolean; force?: boolean } = {}): string[] {
  return ct("destroy", vmid, ...buildOptionArgs({ purge: opts.purge, force: opts.force }));
}

/** `pct snapshot <vmid> <name> [--description text]`. */
export function buildSnapshotArgv(vmid: number, name: string, description?: string): string[] {
  checkSnapshotName(name);
  const argv = ct("snapshot", vmid, name);
  if (description) argv.push("--description", description);
  return argv;
}

/** `pct delsnapshot <vmid> <name> [--force 1]`. */
export function buildDelSnapshotArgv(vmid: number, name: string, opts: { force?: boolean } = {}): string[] {
  checkSnapshotName(name);
  return ct("delsnapshot", vmid, name, ...buildOptionArgs({ force: opts.force }));
}

/** `pct exec <vmid> -- argv…`; the `--` keeps the command's own options away from pct. */
export function buildExecArgv(vmid: number, command: readonly string[]): string[] {
  if (command.length === 0) throw internalError("pct exec needs a command");
  return ct("exec", vmid, "--", ...command);
}

/** Ownership and mode of a pushed file. */
export interface PushOptions {
  /** Octal mode such as `0644`. @default new files get 0666 & ~umask */
  perms?: string;
  /** Owner (name or uid) resolved inside the CT. */
  user?: string;
  /** Group (name or gid) resolved inside the CT. */
  group?: string;
}

/** `pct push <vmid> <file> <dest> [--perms] [--user] [--group]`. */
export function buildPushArgv(vmid: number, file: string, dest: string, opts: PushOptions = {}): string[] {
  for (const [what, path] of [["source", file], ["destination", dest]] as const) {
    if (!path.startsWith("/")) throw internalError(`pct push ${what} must be an absolute path, got ${JSON.stringify(path)}`);
  }
  if (opts.perms !== undefined && !/^(0x[0-9a-fA-F]+|[0-7]{1,4})$/.test(opts.perms)) {
    throw internalError(`invalid --perms ${JSON.stringify(opts.perms)}: give an octal mode such as 0644`);
  }
  return ct("push", vmid, file, dest, ...buildOptionArgs({ perms: opts.perms, user: opts.user, group: opts.group }));
}

/** `pct resize <vmid> <disk> <size>`; size `[+]N[.N][K|M|G|T]`, no unit = bytes. */
export function buildResizeArgv(vmid: number, disk: string, size: string): string[] {
  if (!DISK.test(disk)) throw internalError(`invalid disk ${JSON.stringify(disk)}: use rootfs or mp0..mp255`);
  if (!SIZE.test(size)) throw internalError(`invalid size ${JSON.stringify(size)}: use [+]N[.N][K|M|G|T], e.g. 10G`);
  return ct("resize", vmid, disk, size);
}

/** `pct unlock <vmid>`. */
export function buildUnlockArgv(vmid: number): string[] {
  return ct("unlock", vmid);
}

/**
 * `pct push` fed from stdin, for one round trip: `sh -c` copies stdin into a temp file on the node, pushes it
 * and removes it. Returns the argv to run and the `pct push` argv to show in errors (with a placeholder source).
 */
export function buildPushFromStdinArgv(
  vmid: number,
  dest: string,
  opts: PushOptions = {},
): { argv: string[]; display: string[] } {
  const display = buildPushArgv(vmid, "/tmp/phoenix-push.XXXXXX", dest, opts);
  // The source is the 4th word; splice in "$t" unquoted-by-us so the shell expands the temp file name.
  const push = `${quoteArgv(display.slice(0, 3))} "$t" ${quoteArgv(display.slice(4))}`;
  const script = [
    "t=$(mktemp /tmp/phoenix-push.XXXXXX) || exit 125",
    "trap 'rm -f \"$t\"' EXIT",
    'cat >"$t" || exit 125',
    push,
  ].join("\n");
  return { argv: ["sh", "-c", script], display };
}
