/**
 * Runs a feature's guard → install → verify as one `pct exec` (core/features/converge-script) and reports each
 * step as it finishes, with the install's output streamed line by line.
 */
import { randomBytes } from "node:crypto";
import { buildFeatureConvergeArgv, ConvergeOutputParser, ConvergeStep, FeatureScripts, StepOutcome } from "../core/features/converge-script";
import { buildExecArgv } from "../core/pct-argv";
import { redactArgv } from "../core/shell-quote";
import { MAX_SCRIPT_OUTPUT } from "./container-exec";
import type { PctClient } from "./pct-client";

/** One feature to converge. */
export interface FeatureConvergeRun {
  /** Feature name (the steps' $0 is `phoenix-<name>-<step>`). */
  feature: string;
  scripts: FeatureScripts;
  /** Variables every step sees. */
  env: Record<string, string>;
  /** Time limit of the whole run, ms (guard + install + verify). */
  timeoutMs: number;
  /** Each output line of the step running now (the install's progress). */
  onLine?: (step: ConvergeStep, line: string) => void;
  /** Each step as it finishes (e.g. to say why an install starts). */
  onStep?: (outcome: StepOutcome) => void;
}

/** How a converge ended. */
export interface FeatureConvergeResult {
  /** The steps that ran to their end, in order (a failed step is the last). */
  steps: StepOutcome[];
  /** The exit code of the whole command (the last step's, or pct's/the shell's when no step finished). */
  exitCode: number | null;
  /** Output of a step that started but never reported its end (killed, or the shell failed), else undefined. */
  unfinished?: { step: ConvergeStep; output: string };
  /** The command as errors show it: `pct exec <vmid> -- <script phoenix-<feature>-converge>`, scripts left out. */
  command: string;
}

/** Runs the converge in a running container; throws only when pct refused (CT missing or not running). */
export async function convergeFeatureInContainer(client: PctClient, vmid: number, run: FeatureConvergeRun): Promise<FeatureConvergeResult> {
  const nonce = randomBytes(16).toString("hex");
  const parser = new ConvergeOutputParser(nonce, { onLine: run.onLine, onStep: run.onStep }, MAX_SCRIPT_OUTPUT);
  const argv = buildFeatureConvergeArgv(run.feature, run.scripts, run.env, nonce);
  // The output is parsed from the stream: the captured tail may have lost the first markers of a long install.
  const result = await client.exec(vmid, argv, { timeoutMs: run.timeoutMs, maxOutputBytes: MAX_SCRIPT_OUTPUT, onStdout: (chunk) => parser.push(chunk) });
  const command = redactArgv(buildExecArgv(vmid, argv));
  const steps = parser.finished;
  const last = steps[steps.length - 1];
  // Finished: the guard passed, the install failed, or verify ran. Anything else was cut off on the way.
  const done = last !== undefined && ((last.step === "guard" && last.exitCode === 0) || (last.step === "install" && last.exitCode !== 0) || last.step === "verify");
  if (done) return { steps, exitCode: result.exitCode, command };
  const unfinished = parser.unfinished();
  if (result.stderr) unfinished.output = `${unfinished.output}${result.stderr}`.slice(-MAX_SCRIPT_OUTPUT);
  return { steps, exitCode: result.exitCode, unfinished, command };
}
