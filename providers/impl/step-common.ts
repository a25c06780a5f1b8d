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

/** A step that ran and failed: names the container, the step, the exit code and the output's tail. */
export function stepFailure(target: StepTarget, step: string, exitCode: number | null, output: string, hint: string): PhoenixError {
  const message = formatErrorMessage(`${step} failed`, { node: target.node, vmid: target.vmid, exitCode: exitCode ?? undefined, stderrTail: tailLines(output) }, hint);
  return new PhoenixError("step-failed", message, { hint });
}

/** Prefixes provider log lines so they are recognisable among the engine's diagnostics. */
export const stepLog = (target: StepTarget, line: string) => console.log(`[phoenix] CT ${target.vmid} on ${target.node}: ${line}`);

/** For refresh reads: a container that is gone (`pct-not-found`) reads as `undefined`; anything else rethrows. */
export function goneIsUndefined(error: unknown): undefined {
  if (error instanceof PctError && error.code === "pct-not-found") return undefined;
  throw error;
}
