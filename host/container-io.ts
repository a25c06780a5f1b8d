/**
 * Container-level I/O that the pct client alone does not cover: the observation read (one round trip) and the
 * raw `lxc.*` line edit, which no pct command can make (PVE's API refuses raw keys, so the config file is
 * edited directly — under PVE's own config flock, main section only, compare-and-swap on the file digest).
 */
import { randomBytes } from "node:crypto";
import { ABSENT, ContainerFacts, ObservedWithFile, observeContainer } from "../core/container/observed";
import { AppArmorInputs } from "../core/container/inputs";
import { normaliseRawLine } from "../core/container/pve-values";
import { replaceMainLxcLines } from "../core/conf-file";
import { confDigest, parseConfText, snapshotListOf } from "../core/conf-views";
import { CommandContext, PctError } from "../core/errors";
import { parsePctStatus } from "../core/parse-config";
import { buildStatusArgv } from "../core/pct-argv";
import type { CommandOutput, CtStatus, SnapshotList } from "../core/pct-model";
import { classifyPctFailure } from "../core/pct-failure";
import { buildBatchCommand, parseBatchOutput } from "../core/remote-batch";
import { redactArgv } from "../core/shell-quote";
import type { InventoryReader } from "./inventory-reader";
import { CommandTransport, NodeTarget } from "./transport";

/** Path of a container's config on a PVE node (a pmxcfs link to nodes/<node>/lxc). */
export const confPath = (vmid: number) => `/etc/pve/lxc/${vmid}.conf`;
/** PVE's config flock (pve-common `lock_file_full` via `PVE::LXC::Config::lock_config`). */
export const confLockPath = (vmid: number) => `/run/lock/lxc/pve-config-${vmid}.lock`;

export type { ObservedWithFile } from "../core/container/observed";

/** What a read needs besides the config: the custom AppArmor profile file, the GPUs (for /proc/devices). */
export interface ObservationWants {
  apparmor?: AppArmorInputs | "unconfined";
  gpus?: readonly number[];
  /**
   * The run state when the caller has just set it (a `pct create`/`clone` leaves the CT stopped, a successful
   * `pct start` running): the read then needs no `pct status`, only the file.
   */
  knownStatus?: CtStatus;
}

/**
 * Reads everything the converge plan needs in ONE round trip: the config file and, when it exists, `pct status`
 * (core/conf-views derives from the file what `pct config --current` and `pct pending` would print: one pct
 * start-up instead of three), plus the AppArmor profile file (when one is configured) and /proc/devices (for the dynamic
 * `nvidia-uvm` major when GPUs are assigned).
 */
export async function readObservedContainer(transport: CommandTransport, node: NodeTarget, vmid: number, wants: ObservationWants = {}): Promise<ObservedWithFile> {
  const extras = extraReads(wants);
  // `pct status` only when the config exists — a container about to be created costs no pct start-up to learn
  // that it does not exist (a missing config is exactly what pct reports as "does not exist") — and only when the
  // caller does not know the run state already.
  const statusArgv = buildStatusArgv(vmid);
  const statusIfExists = ["sh", "-c", '[ -e "$1" ] || exit 0; shift; exec "$@"', "phoenix-status", confPath(vmid), ...statusArgv];
  const parts: string[][] = [["cat", confPath(vmid)], ...(wants.knownStatus ? [] : [statusIfExists]), ...extras.map((e) => e.argv)];
  const nonce = randomBytes(16).toString("hex");
  // The parts are independent reads: run at once, the batch costs the slowest of them, not their sum.
  const outer = await transport.exec(node, buildBatchCommand(parts, nonce, { parallel: true }), { idempotent: true });
  const results = parseBatchOutput(outer.stdout, nonce, parts.length);
  const conf = results.shift()!;
  const status: CommandOutput = wants.knownStatus ? { stdout: `status: ${wants.knownStatus}\n`, stderr: "", exitCode: 0 } : results.shift()!;
  const ctx = { node: node.name, vmid };
  const missing = conf.exitCode !== 0 && /No such file or directory/.test(conf.stderr);
  if (missing && (wants.knownStatus || (status.exitCode === 0 && status.stdout === ""))) return { ...ABSENT };
  const statusError = classifyPctFailure(statusArgv, status, ctx);
  // Destroyed between the two reads: gone.
  if (statusError?.code === "pct-not-found") return { ...ABSENT };
  if (statusError) throw statusError;
  if (conf.exitCode !== 0 || status.stdout === "") {
    // The config vanished or appeared between the two reads, or /etc/pve is unreadable.
    const context = { ...ctx, command: `cat ${confPath(vmid)}`, exitCode: conf.exitCode ?? undefined, stderrTail: conf.stderr };
    throw new PctError("pct-failed", `reading CT ${vmid} failed: its config changed while it was read`, context, {}, { hint: "run the command again; if it persists, check /etc/pve on the node (pmxcfs, quorum)" });
  }
  return observeContainer(vmid, { status: parsePctStatus(status.stdout).status, confText: conf.stdout, ...extraFacts(extras, results) });
}

/**
 * The same observation from the node's inventory (host/inventory-reader), for refresh: no pct call of its own,
 * only the extra files when the inputs need them. Falls back to {@link readObservedContainer} when the inventory
 * cannot answer for this container.
 */
export async function readObservedFromInventory(inventory: InventoryReader, node: NodeTarget, vmid: number, wants: ObservationWants = {}): Promise<ObservedWithFile> {
  const answer = await inventory.container(node, vmid);
  if (!answer) return readObservedContainer(inventory, node, vmid, wants);
  if (!answer.exists) return { ...ABSENT };
  const extras = extraReads(wants);
  const results = await Promise.all(extras.map((e) => inventory.exec(node, e.argv, { idempotent: true })));
  return observeContainer(vmid, { status: answer.status, confText: answer.confText, ...extraFacts(extras, results) });
}

type Extra = { fact: "apparmorFile" | "procDevices"; argv: string[] };

function extraReads(wants: ObservationWants): Extra[] {
  const extras: Extra[] = [];
  if (wants.apparmor && wants.apparmor !== "unconfined") extras.push({ fact: "apparmorFile", argv: ["cat", `/etc/apparmor.d/${wants.apparmor.fileName}`] });
  if (wants.gpus?.length) extras.push({ fact: "procDevices", argv: ["cat", "/proc/devices"] });
  return extras;
}

function extraFacts(extras: readonly Extra[], results: readonly CommandOutput[]): Partial<ContainerFacts> {
  const facts: Partial<ContainerFacts> = {};
  // A profile file that does not exist yet is simply absent: the converge writes it.
  extras.forEach((e, i) => {
    if (results[i]!.exitCode === 0) facts[e.fact] = results[i]!.stdout;
  });
  return facts;
}

/**
 * A container's snapshots, read from its config file (core/conf-views: the same sections pvesh `…/snapshot`
 * lists, without a pvesh start-up). A missing file is `pct-not-found`, as for any pct command.
 */
export async function readSnapshotList(transport: CommandTransport, node: NodeTarget, vmid: number): Promise<SnapshotList> {
  const command = `cat ${confPath(vmid)}`;
  const result = await transport.exec(node, ["cat", confPath(vmid)], { idempotent: true });
  if (result.exitCode === 0) return snapshotListOf(parseConfText(result.stdout, vmid), result.stdout);
  const context = { node: node.name, vmid, command, exitCode: result.exitCode ?? undefined, stderrTail: result.stderr };
  if (/No such file or directory/.test(result.stderr)) throw notFound(node, vmid, context);
  throw new PctError("pct-failed", `reading the snapshots of CT ${vmid} failed`, context, {}, { hint: "run the command again; if it persists, check /etc/pve on the node (pmxcfs, quorum)" });
}

/** {@link readSnapshotList} from the node's inventory (refresh), falling back to reading the file alone. */
export async function readSnapshotListFromInventory(inventory: InventoryReader, node: NodeTarget, vmid: number): Promise<SnapshotList> {
  const answer = await inventory.container(node, vmid);
  if (!answer) return readSnapshotList(inventory, node, vmid);
  if (!answer.exists) throw notFound(node, vmid, { node: node.name, vmid, command: "pct list; cat /etc/pve/lxc/*.conf" });
  return snapshotListOf(parseConfText(answer.confText, vmid), answer.confText, answer.status === "running");
}

/** The error pct itself gives for a VMID with no config on the node, for reads that looked at the file. */
function notFound(node: NodeTarget, vmid: number, context: CommandContext): PctError {
  const hint = `check the VMID: node '${node.name}' has no config for it (the CT may live on another cluster node)`;
  return new PctError("pct-not-found", `Configuration file 'nodes/${node.name}/lxc/${vmid}.conf' does not exist`, context, {}, { hint });
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
  const ctx = { node: node.name, vmid, command: redactArgv(argv), exitCode: result.exitCode ?? undefined, stderrTail: result.stderr };
  const hint = result.exitCode === 3 ? "another process changed the config at the same time; run the update again" : "check the node's /etc/pve is writable (cluster quorum)";
  throw new PctError("pct-failed", "editing the raw lxc lines failed", ctx, {}, { hint });
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
