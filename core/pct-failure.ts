/**
 * Decides whether a finished pct/pvesh/pvesm command failed, and maps the failure to a typed {@link PctError}
 * by the exact texts PVE prints (docs/pve-behaviour.md §1.3, §3).
 *
 * Two traps: `push`, `pull`, `resize` and `template` exit 0 even when their task failed (their `$cmddef` has no
 * `$upid_exit`), so their stderr is read on success too; and a worker that finished with warnings (`WARN: …`,
 * then `Task finished with N warning(s)!` on stderr) exits 0 and has succeeded.
 */

import { PctError, type PctErrorDetails, type PhoenixErrorCode } from "./errors";
import { redactArgv } from "./shell-quote";
import type { CommandOutput, ParameterErrorBlock } from "./pct-model";
import { parseParameterError } from "./parse-param-error";
import { splitOutputLines } from "./parse-text";

/** Where the command ran. */
export interface FailureContext {
  /** Node name as configured. */
  node: string;
  /** The container concerned, when there is one. */
  vmid?: number;
}

type PctCode = Extract<PhoenixErrorCode, `pct-${string}`>;

const TAIL_LINES = 20;
const NO_EXIT_HOOK = new Set(["push", "pull", "resize", "template"]);
// Commands whose "not running" does not prove the CT exists: they check the run state before the config.
const NO_EXISTENCE_CHECK = new Set(["stop", "shutdown", "push", "pull"]);
const TASK_WARNINGS = /^Task finished with \d+ warning\(s\)!$/;
// stderr lines that accompany a successful run: task warnings, config-parse warnings, lock waits.
const BENIGN = [/^WARN: /, TASK_WARNINGS, /^vm \d+ - unable to parse/, /^trying to ac?quire lock\.\.\./];

interface Rule {
  code: PctCode;
  pattern: RegExp;
  details?: (m: RegExpExecArray) => PctErrorDetails;
}

// Order matters only where texts could overlap; each pattern is one exact PVE message.
const RULES: Rule[] = [
  { code: "pct-not-found", pattern: /Configuration file 'nodes\/[^/']+\/lxc\/\d+\.conf' does not exist/ },
  { code: "pct-already-exists", pattern: /\b(?:CT|VM) \d+ already exists on node '[^']*'/ },
  { code: "pct-locked", pattern: /CT is locked \(([^)]+)\)/, details: (m) => ({ lock: m[1]! }) },
  { code: "pct-lock-timeout", pattern: /can't lock file '[^']+' - got timeout/ },
  { code: "pct-snapshot-exists", pattern: /snapshot name '([^']+)' already used/, details: (m) => ({ snapshot: m[1]! }) },
  { code: "pct-snapshot-not-found", pattern: /snapshot '([^']+)' does not exist/, details: (m) => ({ snapshot: m[1]! }) },
  { code: "pct-snapshot-unavailable", pattern: /snapshot feature is not available/ },
  {
    code: "pct-not-running",
    pattern: /\bCT \d+ not running|container '\d+' not running!|\bVM \d+ not running|can only (?:push files to|pull files from) a running (?:CT|VM)/,
  },
  { code: "pct-already-running", pattern: /\bCT \d+ already running/ },
];

function subcommandOf(argv: readonly string[]): string {
  return argv[0] === "pct" || argv[0] === "pvesh" ? `${argv[0]} ${argv[1] ?? ""}`.trim() : (argv[0] ?? "");
}

function tail(text: string): string {
  return splitOutputLines(text).slice(-TAIL_LINES).join("\n");
}

function hintFor(code: PctCode, sub: string, vmid: number | undefined, details: PctErrorDetails, node: string): string {
  const id = vmid === undefined ? "<vmid>" : String(vmid);
  switch (code) {
    case "pct-not-found":
      return `check the VMID: node '${node}' has no config for it (the CT may live on another cluster node)`;
    case "pct-already-exists":
      return "pick a free VMID, or import the existing container instead of creating it";
    case "pct-locked":
      return (
        `wait for the '${details.lock}' operation to finish; only if no such task runs on the node is the lock ` +
        `stale, and then 'pct unlock ${id}' clears it`
      );
    case "pct-lock-timeout":
      return "another pct command holds the container's config lock; retry when it has finished";
    case "pct-snapshot-exists":
      return `choose another snapshot name, or delete '${details.snapshot}' first`;
    case "pct-snapshot-not-found":
      return `list the snapshots ('pct listsnapshot ${id}') and use an existing name`;
    case "pct-snapshot-unavailable":
      return (
        "snapshots need every volume on snapshot-capable storage (ZFS, LVM-thin, Ceph RBD, BTRFS) and no bind or " +
        "device mount points; move those volumes or drop those mount points, or disable snapshots for this CT"
      );
    case "pct-not-running":
      return NO_EXISTENCE_CHECK.has(sub.replace(/^pct /, ""))
        ? `the CT is stopped or does not exist ('${sub}' checks the run state first); 'pct status ${id}' tells which`
        : `start the container first: phoenix start ${id} (on the node itself: pct start ${id})`;
    case "pct-already-running":
      return "the container already runs; nothing to start";
    case "pct-parameter":
      return "fix the parameters listed above";
    default:
      return "read the stderr above; the full task log is in the node's task history (Datacenter → Tasks)";
  }
}

function errorLines(stderr: string): string[] {
  return splitOutputLines(stderr).filter((l) => l.trim() !== "" && !BENIGN.some((re) => re.test(l)));
}

/**
 * Classifies a finished command: undefined when it succeeded, else a PctError with the node, VMID, redacted
 * command, exit code, stderr tail and a hint. `pct stop` on a missing CT says "not running" like a stopped
 * one; that is mapped to pct-not-running and must not be read as proof the CT exists.
 */
export function classifyPctFailure(argv: readonly string[], result: CommandOutput, ctx: FailureContext): PctError | undefined {
  const sub = subcommandOf(argv);
  const exitedZero = result.exitCode === 0;
  if (exitedZero && !(argv[0] === "pct" && NO_EXIT_HOOK.has(argv[1] ?? ""))) return undefined;
  if (exitedZero && errorLines(result.stderr).length === 0) return undefined;

  // The error text is on stderr; fall back to stdout only when stderr is empty and stdout is pct's own
  // (never for exec, whose stdout belongs to the command run inside the CT).
  const text = result.stderr.trim() !== "" || sub === "pct exec" ? result.stderr : result.stdout;
  const context = {
    node: ctx.node,
    vmid: ctx.vmid,
    command: redactArgv(argv),
    exitCode: result.exitCode ?? undefined,
    stderrTail: tail(text),
  };
  const make = (code: PctCode, reason: string, details: PctErrorDetails = {}) =>
    new PctError(code, `'${sub}' failed: ${reason}`, context, details, {
      hint: hintFor(code, sub, ctx.vmid, details, ctx.node),
    });

  if (/^400 /m.test(text)) {
    let block: ParameterErrorBlock;
    try {
      block = parseParameterError(text, sub);
    } catch {
      block = { summary: splitOutputLines(text).find((l) => l.startsWith("400 "))!.slice(4), fields: {} };
    }
    const listed = Object.entries(block.fields).map(([k, v]) => `${k}: ${v.split("\n")[0]}`);
    return make("pct-parameter", [block.summary, ...listed].join("; "), { fields: block.fields });
  }
  for (const rule of RULES) {
    const m = rule.pattern.exec(text);
    if (m) return make(rule.code, m[0], rule.details?.(m) ?? {});
  }
  if (result.exitCode === null) {
    return make("pct-failed", result.signal ? `killed by signal ${result.signal}` : "ended without an exit status");
  }
  const first = errorLines(text)[0];
  const reason = exitedZero ? `the task failed although pct exited 0: ${first}` : (first ?? `exit code ${result.exitCode}`);
  return make("pct-failed", reason);
}

/**
 * The warnings of a successful run: `WARN: …` lines (stdout or stderr, prefix removed) and any other stderr
 * line except the `Task finished with N warning(s)!` summary (e.g. `cannot delete 'x' - not set …`).
 */
export function parseTaskWarnings(result: CommandOutput): string[] {
  const warns = splitOutputLines(result.stdout)
    .filter((l) => l.startsWith("WARN: "))
    .map((l) => l.slice("WARN: ".length));
  for (const line of splitOutputLines(result.stderr)) {
    if (line.trim() === "" || TASK_WARNINGS.test(line)) continue;
    warns.push(line.startsWith("WARN: ") ? line.slice("WARN: ".length) : line);
  }
  return warns;
}
