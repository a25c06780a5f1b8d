/**
 * Runs scripts inside a container through `pct exec <vmid> -- env K=V… sh -c <script>`: an explicit shell
 * (the original passed words to pct exec without one, so builtins and pipes never worked, §7.13), the script
 * text as an argument (no temp file to clean up), exit codes preserved, output capped, progress streamed.
 */
import { buildExecArgv } from "../core/pct-argv";
import { redactArgv } from "../core/shell-quote";
import { PctClient } from "./pct-client";

/** One script run. */
export interface ScriptRun {
  /** The script text (POSIX sh). */
  script: string;
  /** Environment variables for the script. */
  env?: Record<string, string>;
  /** Positional arguments ($1 …). */
  args?: string[];
  /** Name shown as $0 and in messages, e.g. `docker/guard`. */
  name: string;
  /** Time limit. @default 600000 */
  timeoutMs?: number;
  /** Receives complete output lines as they arrive (long installs). */
  onLine?: (line: string) => void;
  /**
   * The script only looks (a feature guard): safe to re-run after a dropped connection, and concurrent ones
   * may share a round trip (host/read-coalescer). @default false
   */
  idempotent?: boolean;
}

/** What a script run produced. */
export interface ScriptResult {
  /** The script's exit code (null when killed). */
  exitCode: number | null;
  /** stdout then stderr, capped to the last 64 KiB. */
  output: string;
}

/** How much of a script's output is kept (the last part), bytes. */
export const MAX_SCRIPT_OUTPUT = 64 * 1024;

/** A script's time limit when its run sets none, ms. */
export const DEFAULT_SCRIPT_TIMEOUT_MS = 600_000;

/** The argv that runs a script in a container. */
export function buildScriptArgv(run: Pick<ScriptRun, "script" | "env" | "args" | "name">): string[] {
  const env = Object.entries(run.env ?? {}).map(([k, v]) => `${k}=${v}`);
  return ["env", ...env, "sh", "-c", run.script, `phoenix-${run.name.replace(/[^A-Za-z0-9_.-]/g, "-")}`, ...(run.args ?? [])];
}

/** The command of a script run as errors show it: `pct exec <vmid> -- <script phoenix-NAME>` (core/shell-quote). */
export function scriptCommand(vmid: number, run: Pick<ScriptRun, "script" | "env" | "args" | "name">): string {
  return redactArgv(buildExecArgv(vmid, buildScriptArgv(run)));
}

/** Runs one script in a running container. */
export async function runScriptInContainer(client: PctClient, vmid: number, run: ScriptRun): Promise<ScriptResult> {
  let partial = "";
  const onStdout = run.onLine
    ? (chunk: string) => {
        partial += chunk;
        const lines = partial.split("\n");
        partial = lines.pop() ?? "";
        for (const l of lines) run.onLine!(l);
      }
    : undefined;
  const result = await client.exec(vmid, buildScriptArgv(run), { timeoutMs: run.timeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS, maxOutputBytes: MAX_SCRIPT_OUTPUT, onStdout, idempotent: run.idempotent });
  if (partial && run.onLine) run.onLine(partial);
  return toScriptResult(result);
}

/** A script's {@link ScriptResult} from what its command produced: stdout, then stderr, capped. */
export function toScriptResult(result: { stdout: string; stderr: string; exitCode: number | null }): ScriptResult {
  const output = (result.stdout + (result.stderr ? `\n${result.stderr}` : "")).slice(-MAX_SCRIPT_OUTPUT);
  return { exitCode: result.exitCode, output };
}

/** The last `n` lines of an output, for error messages. */
export function tailLines(output: string, n = 20): string {
  return output.trimEnd().split("\n").slice(-n).join("\n");
}
