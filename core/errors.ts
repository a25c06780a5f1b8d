/**
 * The error hierarchy shared by every layer: every error the product raises is a {@link PhoenixError} with a
 * code (the CLI's exit code follows from the code alone, cli/io.ts).
 *
 * Every message answers, in a fixed order: what failed, where (node, container), the exact command
 * (secrets redacted), the exit code and the tail of stderr, and one next step (`hint`). The next step is the
 * message's last line, `  next step: …`, for every error: `pulumi up` shows a dynamic provider's failure by
 * its message alone, so a hint kept beside the message would be lost there. Command errors are built in one
 * place ({@link formatErrorMessage}) so all errors read alike (the execa model).
 */

/** Discriminant of every error this project raises. */
export type PhoenixErrorCode =
  | "usage"
  | "input"
  | "environment"
  | "config"
  | "ownership-conflict"
  | "ssh-auth"
  | "ssh-timeout"
  | "ssh-host-key"
  | "ssh-connection-lost"
  | "ssh-unreachable"
  | "pct-not-found"
  | "pct-already-exists"
  | "pct-locked"
  | "pct-lock-timeout"
  | "pct-stuck-lock"
  | "stack-locked"
  | "pct-snapshot-exists"
  | "pct-snapshot-not-found"
  | "pct-snapshot-unavailable"
  | "pct-not-running"
  | "pct-already-running"
  | "pct-parameter"
  | "pct-failed"
  | "exec-timeout"
  | "step-failed"
  | "parse"
  | "internal";

/** Options every {@link PhoenixError} accepts. */
export interface PhoenixErrorOptions {
  /** One actionable next step for the user, printed last. */
  hint?: string;
  /** The underlying error, kept for debugging. */
  cause?: unknown;
}

/** The line that ends a message with its next step (the same for command errors and plain ones). */
const nextStepLine = (hint: string) => `  next step: ${hint}`;

/**
 * Base class: a `code` discriminant, an optional `hint` and the `cause` kept. The message ends with the hint
 * as its `next step:` line (added here unless the message already ends with it, as a formatted one does).
 */
export class PhoenixError extends Error {
  /** Machine-readable kind of failure. */
  readonly code: PhoenixErrorCode;
  /** One actionable next step, or undefined when there is nothing useful to say. */
  readonly hint?: string;

  constructor(code: PhoenixErrorCode, message: string, options: PhoenixErrorOptions = {}) {
    const full = options.hint && !message.endsWith(nextStepLine(options.hint)) ? `${message}\n${nextStepLine(options.hint)}` : message;
    super(full, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }
}

/** The next step of every `internal` error: a broken invariant is a fault of phoenix-lxc, not of the input. */
export const BUG_HINT = "this is a bug in phoenix-lxc: report it with the command you ran and this message";

/**
 * A broken programming invariant (never the user's input, which the config checks refuse earlier with the field
 * name): an `internal` {@link PhoenixError} whose next step is to report it.
 */
export function internalError(message: string, cause?: unknown): PhoenixError {
  return new PhoenixError("internal", message, { hint: BUG_HINT, cause });
}

/** One problem in a configuration file: where (JSON path) and what. */
export interface ConfigIssue {
  /** JSON path such as `lxc_configs.950.network_config.ip`. */
  path: string;
  /** What was expected and what was found, and the fix when one is obvious. */
  message: string;
  /** Errors stop the run; warnings are reported and the run goes on. */
  severity: "error" | "warning";
  /** Stable machine-readable class of the finding, e.g. `dependency-missing` (core/config/issue-kinds.ts). */
  kind?: string;
}

/** A configuration that failed validation; carries every issue at once, never just the first. */
export class ConfigError extends PhoenixError {
  /** All problems found, errors and warnings. */
  readonly issues: ConfigIssue[];
  /** The file the configuration came from, when there was one. */
  readonly file?: string;

  /**
   * `code` is `config` for a configuration that was read but is wrong, `input` for a file that cannot be read or
   * parsed at all (the CLI exits 1 for the first and 2, like a usage error, for the second).
   */
  constructor(issues: ConfigIssue[], file?: string, options: PhoenixErrorOptions & { code?: "config" | "input" } = {}) {
    const errors = issues.filter((i) => i.severity === "error");
    const head = `${file ?? "configuration"}: ${errors.length} problem${errors.length === 1 ? "" : "s"}`;
    super(options.code ?? "config", [head, ...errors.map((i) => `  ${i.path}: ${i.message}`)].join("\n"), options);
    this.issues = issues;
    this.file = file;
  }
}

/** Where a remote command ran and what it was; attached to SSH and pct errors. */
export interface CommandContext {
  /** Node name as configured in the stack (not necessarily the host name). */
  node: string;
  /** Container ID when the command concerns one. */
  vmid?: number;
  /** The exact command line as sent, with secrets redacted. */
  command?: string;
  /** Remote exit code, when the command ran to completion. */
  exitCode?: number;
  /** The last lines of stderr (or merged task output). */
  stderrTail?: string;
}

/** Builds the message of a command error in the fixed order: what, where, command, exit, stderr, hint. */
export function formatErrorMessage(what: string, ctx: CommandContext, hint?: string): string {
  const where = ctx.vmid === undefined ? `on node '${ctx.node}'` : `for CT ${ctx.vmid} on node '${ctx.node}'`;
  const lines = [`${what} ${where}`];
  if (ctx.command !== undefined) lines.push(`  command:   ${ctx.command}`);
  if (ctx.exitCode !== undefined) lines.push(`  exit code: ${ctx.exitCode}`);
  if (ctx.stderrTail) lines.push(`  stderr:    ${ctx.stderrTail.trimEnd().split("\n").join("\n             ")}`);
  if (hint) lines.push(nextStepLine(hint));
  return lines.join("\n");
}

/** A failure of the SSH transport itself: authentication, timeout, host key, lost connection. */
export class SshError extends PhoenixError {
  /** Where it happened and what was running. */
  readonly context: CommandContext;

  constructor(
    code: Extract<PhoenixErrorCode, `ssh-${string}` | "exec-timeout">,
    what: string,
    context: CommandContext,
    options: PhoenixErrorOptions = {},
  ) {
    super(code, formatErrorMessage(what, context, options.hint), options);
    this.context = context;
  }
}

/** A host key that does not match the pinned one; shows both fingerprints. */
export class HostKeyMismatchError extends SshError {
  /** The fingerprint the configuration pins (`SHA256:…`). */
  readonly expected: string;
  /** The fingerprint the server presented. */
  readonly presented: string;

  constructor(context: CommandContext, expected: string, presented: string, hint: string) {
    super("ssh-host-key", `host key mismatch (expected ${expected}, presented ${presented})`, context, { hint });
    this.expected = expected;
    this.presented = presented;
  }
}

/** Details a pct failure may carry beyond its context. */
export interface PctErrorDetails {
  /** Lock kind for `pct-locked` / `pct-stuck-lock` (e.g. `snapshot-delete`). */
  lock?: string;
  /** Per-field messages of a `400 Parameter verification failed.` block. */
  fields?: Record<string, string>;
  /** Snapshot concerned, for snapshot errors. */
  snapshot?: string;
}

/** A `pct`/`pvesh`/`pvesm` command that ran and failed, mapped to a typed code. */
export class PctError extends PhoenixError {
  /** Where it happened and what ran. */
  readonly context: CommandContext;
  /** Typed details (lock kind, parameter fields, snapshot name). */
  readonly details: PctErrorDetails;

  constructor(
    code: Extract<PhoenixErrorCode, `pct-${string}`>,
    what: string,
    context: CommandContext,
    details: PctErrorDetails = {},
    options: PhoenixErrorOptions = {},
  ) {
    super(code, formatErrorMessage(what, context, options.hint), options);
    this.context = context;
    this.details = details;
  }
}

/** Output a parser could not understand: names the command, the line and what was expected. */
export class ParseError extends PhoenixError {
  /** The command whose output this was, e.g. `pct listsnapshot`. */
  readonly command: string;
  /** 1-based line number in the output, when known. */
  readonly line?: number;

  constructor(command: string, line: number | undefined, expected: string, found: string) {
    const where = line === undefined ? "" : ` at line ${line}`;
    super(
      "parse",
      `cannot parse the output of '${command}'${where}: expected ${expected}, found ${JSON.stringify(found.slice(0, 200))}`,
      { hint: "the node may run a pct version this tool does not know; report the output above" },
    );
    this.command = command;
    this.line = line;
  }
}
