/**
 * What the feature, application-script and health-check resources share: where the container is, the
 * failure they raise, and the log line format.
 */
import { NodeConnection } from "../../core/container/inputs";
import { PctError, PhoenixError, formatErrorMessage } from "../../core/errors";
import { tailLines } from "../../host/container-exec";

/** Inputs every step resource has. */
export interface StepTarget {
  /** Container ID. */
  vmid: number;
  /** Node name. */
  node: string;
  /** How to reach the node. */
  connection: NodeConnection;
}

/** What a failed step ran and produced. */
export interface StepRun {
  /** Its exit code (null when killed). */
  exitCode: number | null;
  /** Its output (the tail is shown). */
  output: string;
  /** The short display form of the command (scripts shown by name, host/container-exec), when known. */
  command?: string;
}

/** A step that ran and failed: names the container, the step, the short command, the exit code and the output's tail. */
export function stepFailure(target: StepTarget, step: string, run: StepRun, hint: string): PhoenixError {
  const context = { node: target.node, vmid: target.vmid, command: run.command, exitCode: run.exitCode ?? undefined, stderrTail: tailLines(run.output) };
  const message = formatErrorMessage(`${step} failed`, context, hint);
  return new PhoenixError("step-failed", message, { hint });
}

/** Prefixes provider log lines so they are recognisable among the engine's diagnostics. */
export const stepLog = (target: StepTarget, line: string) => console.log(`[phoenix] CT ${target.vmid} on ${target.node}: ${line}`);

/** For refresh reads: a container that is gone (`pct-not-found`) reads as `undefined`; anything else rethrows. */
export function goneIsUndefined(error: unknown): undefined {
  if (error instanceof PctError && error.code === "pct-not-found") return undefined;
  throw error;
}
