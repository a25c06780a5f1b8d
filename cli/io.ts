import { PhoenixError, type PhoenixErrorCode } from "../core/errors";

/** The CLI's view of the outside world, injected so commands are testable without a process. */
export interface CliIo {
  /** Writes to standard output (no newline added). */
  stdout: (text: string) => void;
  /** Writes to standard error (no newline added). */
  stderr: (text: string) => void;
  /** Directory relative paths are resolved against. */
  cwd: string;
  /** Environment variables. */
  env: NodeJS.ProcessEnv;
  /** True when stderr is a terminal (live progress view instead of plain lines). */
  isTty: boolean;
}

/** Exit codes shared by every command (documented in `phoenix --help` and the README). */
export const ExitCode = {
  /** Success. */
  ok: 0,
  /** The operation ran and failed (a container failed to converge, a test failed, the config is invalid). */
  failed: 1,
  /** Usage error, or an input file that cannot be read or parsed. */
  usage: 2,
  /** The environment is not ready (no Pulumi CLI, no sshd, a node unreachable). */
  environment: 3,
} as const;

/**
 * The one place an error's code becomes an exit code. A `Record` over every code, so a new code does not
 * compile until it has its exit code here.
 */
export const EXIT_CODE_OF: Readonly<Record<PhoenixErrorCode, number>> = {
  usage: ExitCode.usage,
  input: ExitCode.usage,
  environment: ExitCode.environment,
  "ssh-auth": ExitCode.environment,
  "ssh-timeout": ExitCode.environment,
  "ssh-host-key": ExitCode.environment,
  "ssh-connection-lost": ExitCode.environment,
  "ssh-unreachable": ExitCode.environment,
  "exec-timeout": ExitCode.environment,
  config: ExitCode.failed,
  "ownership-conflict": ExitCode.failed,
  "pct-not-found": ExitCode.failed,
  "pct-already-exists": ExitCode.failed,
  "pct-locked": ExitCode.failed,
  "pct-lock-timeout": ExitCode.failed,
  "pct-stuck-lock": ExitCode.failed,
  "stack-locked": ExitCode.failed,
  "pct-snapshot-exists": ExitCode.failed,
  "pct-snapshot-not-found": ExitCode.failed,
  "pct-snapshot-unavailable": ExitCode.failed,
  "pct-not-running": ExitCode.failed,
  "pct-already-running": ExitCode.failed,
  "pct-parameter": ExitCode.failed,
  "pct-failed": ExitCode.failed,
  "step-failed": ExitCode.failed,
  parse: ExitCode.failed,
  internal: ExitCode.failed,
};

/**
 * The code of any error that reaches the CLI: a {@link PhoenixError}'s own; anything else is `internal` (an
 * Automation API failure is turned into a coded error first, cli/stack-locks `explainEngineError`).
 */
export function errorCodeOf(e: unknown): PhoenixErrorCode {
  return e instanceof PhoenixError ? e.code : "internal";
}

/** The exit code of an error that ended a command (see {@link EXIT_CODE_OF}). */
export function exitCodeOf(e: unknown): number {
  return EXIT_CODE_OF[errorCodeOf(e)];
}

/** The process's own IO. */
export function processIo(): CliIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    isTty: Boolean(process.stderr.isTTY) && process.env.CI !== "true",
  };
}
