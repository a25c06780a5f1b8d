/**
 * Health checks after the application: `health_check` (one command, retried) and `health_checks` (named
 * scripts with arguments). They run whenever something upstream changed in this up; a failure fails the up
 * with the check's name, its attempts and its output. Results are outputs of the resource.
 */
import { runScriptInContainer, scriptCommand, tailLines } from "../../host/container-exec";
import { clientFor } from "./runtime";
import { StepRun, StepTarget, stepFailure, stepLog } from "./step-common";
import { decideHealthCheckDiff } from "../../core/step-diff";

/** One check. */
export interface CheckInputs {
  /** Name shown in results and errors. */
  name: string;
  /** Shell command or script text (run by `sh -c`). */
  script: string;
  /** Arguments ($1 …). */
  args: string[];
  /** Attempts in all. */
  retries: number;
  /** Wait between attempts, ms. */
  intervalMs: number;
}

/** Inputs of a health-check resource. */
export interface HealthCheckInputs extends StepTarget {
  /** The checks, run in order. */
  checks: CheckInputs[];
  /** Changes whenever anything upstream changed in an up: the checks run again. */
  trigger: string;
}

/** One result. */
export interface CheckResult {
  name: string;
  ok: boolean;
  attempts: number;
  output: string;
}

/** Outputs. */
export interface HealthCheckOutputs extends HealthCheckInputs {
  results: CheckResult[];
}

/** Pure: the checks run again when anything upstream changed (the trigger) or the checks changed (core/step-diff). */
export async function diff(_id: string, olds: HealthCheckOutputs, news: HealthCheckInputs) {
  return { changes: decideHealthCheckDiff(olds, news) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function apply(inputs: HealthCheckInputs): Promise<HealthCheckOutputs> {
  const client = clientFor(inputs.node, inputs.connection, inputs.vmid);
  const results: CheckResult[] = [];
  for (const check of inputs.checks) {
    const run = { name: `health-${check.name}`, script: check.script, args: check.args, timeoutMs: 120_000 };
    let last: StepRun = { exitCode: null, output: "", command: scriptCommand(inputs.vmid, run) };
    let attempt = 0;
    while (attempt < check.retries) {
      attempt++;
      last = { ...(await runScriptInContainer(client, inputs.vmid, run)), command: last.command };
      if (last.exitCode === 0) break;
      if (attempt < check.retries) await sleep(check.intervalMs);
    }
    const ok = last.exitCode === 0;
    results.push({ name: check.name, ok, attempts: attempt, output: tailLines(last.output, 10) });
    if (!ok) throw stepFailure(inputs, `health check '${check.name}' (${attempt} attempt${attempt === 1 ? "" : "s"})`, last, "the service is not healthy; check the application's logs in the container");
    stepLog(inputs, `health check ${check.name} passed (attempt ${attempt}/${check.retries})`);
  }
  return { ...inputs, results };
}

/** Provider create: runs the step and returns its outputs. */
export async function create(inputs: HealthCheckInputs) {
  return { id: `${inputs.vmid}/health`, outs: await apply(inputs) };
}
/** Provider update: runs the step again with the new inputs. */
export async function update(_id: string, _olds: HealthCheckOutputs, news: HealthCheckInputs) {
  return { outs: await apply(news) };
}
/** Provider read: checks are run by up, not refresh; the stored results stand. */
export async function read(id: string, props: HealthCheckOutputs) {
  return { id, props };
}
/** Provider delete: nothing to undo. */
export async function remove() {}
export { remove as delete };
