/**
 * Container-level I/O that the pct client alone does not cover: the observation read (one round trip) and the
 * raw `lxc.*` line edit, which no pct command can make (PVE's API refuses raw keys, so the config file is
 * edited directly — under PVE's own config flock, main section only, compare-and-swap on the file digest).
 */
import { createHash, randomBytes } from "node:crypto";
import { ObservedContainer } from "../core/container/apply-plan";
import { AppArmorInputs } from "../core/container/inputs";
import { normaliseRawLine } from "../core/container/pve-values";
import { replaceMainLxcLines } from "../core/conf-file";
import { PctError, formatErrorMessage } from "../core/errors";
import { parsePctConfig, parsePctPending, parsePctStatus } from "../core/parse-config";
import { buildConfigArgv, buildPendingArgv, buildStatusArgv } from "../core/pct-argv";
import { classifyPctFailure } from "../core/pct-failure";
import { buildBatchCommand, parseBatchOutput } from "../core/remote-batch";
import { redactArgv } from "../core/shell-quote";
import { CommandTransport, NodeTarget } from "./transport";

/** Path of a container's config on a PVE node (a pmxcfs link to nodes/<node>/lxc). */
export const confPath = (vmid: number) => `/etc/pve/lxc/${vmid}.conf`;
/** PVE's config flock (pve-common `lock_file_full` via `PVE::LXC::Config::lock_config`). */
export const confLockPath = (vmid: number) => `/run/lock/lxc/pve-config-${vmid}.lock`;

/** The observation plus the raw file text it was read from (the base of a raw-line edit). */
export interface ObservedWithFile extends ObservedContainer {
  /** The config file as read, for the compare-and-swap edit; undefined when the CT does not exist. */
  confText?: string;
}

/**
 * Reads everything the converge plan needs in ONE round trip: `pct config --current`, `pct pending`,
 * `pct status`, the config file, the AppArmor profile file (when one is configured) and /proc/devices (for
 * the dynamic `nvidia-uvm` major when GPUs are assigned).
 */
export async function readObservedContainer(
  transport: CommandTransport,
  node: NodeTarget,
  vmid: number,
  wants: { apparmor?: AppArmorInputs | "unconfined"; gpus?: readonly number[] } = {},
): Promise<ObservedWithFile> {
  const parts: string[][] = [buildConfigArgv(vmid, { current: true }), buildPendingArgv(vmid), buildStatusArgv(vmid), ["cat", confPath(vmid)]];
  const apparmorAt = wants.apparmor && wants.apparmor !== "unconfined" ? parts.push(["cat", `/etc/apparmor.d/${wants.apparmor.fileName}`]) - 1 : -1;
  const devicesAt = wants.gpus?.length ? parts.push(["cat", "/proc/devices"]) - 1 : -1;
  const nonce = randomBytes(16).toString("hex");
  // The parts are independent reads: run at once, the batch costs the slowest of them, not their sum (on a
  // real node each pct call is a perl start-up of a few hundred ms).
  const outer = await transport.exec(node, buildBatchCommand(parts, nonce, { parallel: true }), { idempotent: true });
  const results = parseBatchOutput(outer.stdout, nonce, parts.length);
  const ctx = { node: node.name, vmid };
  const configError = classifyPctFailure(parts[0]!, results[0]!, ctx);
  if (configError?.code === "pct-not-found") return { exists: false, running: false, options: {}, pending: {}, rawLines: [] };
  for (const i of [0, 1, 2]) {
    const error = classifyPctFailure(parts[i]!, results[i]!, ctx);
    if (error) throw error;
  }
  const config = parsePctConfig(results[0]!.stdout, "pct config --current 1");
  const pending: Record<string, string | null> = {};
  for (const p of parsePctPending(results[1]!.stdout)) {
    if (p.delete) pending[p.key] = null;
    else if (p.pending !== undefined) pending[p.key] = p.pending;
  }
  const { lock, ...options } = config.options;
  const observed: ObservedWithFile = {
    exists: true,
    running: parsePctStatus(results[2]!.stdout).status === "running",
    options,
    pending,
    rawLines: config.lxc.filter((l) => l.key !== "lxc.environment.runtime").map((l) => `${l.key}: ${l.value}`),
    description: config.description,
    lock,
    confText: results[3]!.exitCode === 0 ? results[3]!.stdout : undefined,
  };
  if (apparmorAt >= 0 && results[apparmorAt]!.exitCode === 0) observed.apparmorFile = results[apparmorAt]!.stdout;
  if (devicesAt >= 0) {
    const m = /^\s*(\d+)\s+nvidia-uvm$/m.exec(results[devicesAt]!.stdout);
    if (m) observed.uvmMajor = Number(m[1]);
  }
  return observed;
}

/** SHA-1 of a config text, the digest PVE itself uses for `--digest` checks. */
export function confDigest(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/**
 * Replaces the main section's raw lines with `lines`, atomically: under PVE's config flock, only if the file
 * still has `expectedText` (else a concurrent `pct set` would be lost), refusing a locked CT as `pct set` does,
 * written to a temp file and renamed (as PVE's own `file_set_contents` does on pmxcfs).
 */
export async function writeRawLines(transport: CommandTransport, node: NodeTarget, vmid: number, expectedText: string, lines: readonly string[]): Promise<void> {
  const newText = replaceMainLxcLines(expectedText, lines.map(normaliseRawLine));
  const lockMatch = /^lock:\s*(\S+)/m.exec(expectedText.split(/^\[/m)[0]!);
  if (lockMatch) {
    throw new PctError("pct-locked", `CT is locked (${lockMatch[1]})`, { node: node.name, vmid, command: `edit ${confPath(vmid)}` }, { lock: lockMatch[1] });
  }
  const script = [
    'conf="$1"; lock="$2"; want="$3"',
    'exec 9>"$lock" || exit 2',
    `flock -w 10 9 || { echo "can't lock file '$lock' - got timeout" >&2; exit 255; }`,
    'have=$(sha1sum < "$conf" | cut -d" " -f1)',
    '[ "$have" = "$want" ] || { echo "config file changed since it was read (digest $have, expected $want)" >&2; exit 3; }',
    'cat > "$conf.tmp.$$" && mv "$conf.tmp.$$" "$conf"',
  ].join("\n");
  const argv = ["sh", "-c", script, "phoenix-edit-conf", confPath(vmid), confLockPath(vmid), confDigest(expectedText)];
  const result = await transport.exec(node, argv, { stdin: newText });
  if (result.exitCode === 0) return;
  const pctError = classifyPctFailure(argv, result, { node: node.name, vmid });
  if (pctError?.code === "pct-lock-timeout") throw pctError;
  const ctx = { node: node.name, vmid, command: redactArgv(argv.slice(0, 3)) + " …", exitCode: result.exitCode ?? undefined, stderrTail: result.stderr };
  const hint = result.exitCode === 3 ? "another process changed the config at the same time; run the update again" : "check the node's /etc/pve is writable (cluster quorum)";
  throw new PctError("pct-failed", formatErrorMessage("editing the raw lxc lines failed", ctx, hint).split("\n")[0]!, ctx, {}, { hint });
}

/**
 * Writes a file on the NODE (not in a container) from stdin, atomically, and reloads it into AppArmor when the
 * node has `apparmor_parser` (a real PVE host has; the simulated node has not).
 */
export async function writeNodeApparmorProfile(transport: CommandTransport, node: NodeTarget, path: string, content: string): Promise<void> {
  const script = 'set -e; mkdir -p "$(dirname "$1")"; cat > "$1.tmp.$$"; mv "$1.tmp.$$" "$1"; if command -v apparmor_parser >/dev/null 2>&1; then apparmor_parser -r -W "$1"; fi';
  const argv = ["sh", "-c", script, "phoenix-apparmor", path];
  const result = await transport.exec(node, argv, { stdin: content });
  if (result.exitCode !== 0) {
    const ctx = { node: node.name, command: `write ${path}`, exitCode: result.exitCode ?? undefined, stderrTail: result.stderr };
    throw new PctError("pct-failed", `loading AppArmor profile ${path} failed`, ctx, {}, { hint: "check the profile with 'apparmor_parser -p' on the node" });
  }
}
