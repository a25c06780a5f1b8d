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
