/**
 * A feature of one container: guard, then install and verify only when the guard fails. `read` runs the
 * guard, so a feature removed by hand shows as drift on refresh and the next up reinstalls it.
 */
import { convergeFeatureInContainer } from "../../host/feature-converge";
import { PctError } from "../../core/errors";
import { decideFeatureDiff } from "../../core/step-diff";
import { clientFor, guardBatcher, inventory } from "./runtime";
import { StepTarget, stepFailure, stepLog } from "./step-common";

/** A guard's time limit (refresh runs guards alone with it too), ms. */
const GUARD_TIMEOUT_MS = 60_000;
/** Verify's time limit, ms. */
const VERIFY_TIMEOUT_MS = 300_000;

/** Inputs of a feature resource. */
export interface FeatureInputs extends StepTarget {
  /** Feature name (built-in or custom). */
  feature: string;
  /** Script texts. */
  scripts: { guard: string; install: string; verify: string };
  /** `PHX_*` variables for the scripts. */
  env: Record<string, string>;
  /** Hash of scripts and env: the feature re-runs when it changes. */
  contentHash: string;
  /**
   * The container's step key (core/container/identity): a new or changed container gets its guard checked again.
   * A number in state from before container instances (compared as text).
   */
  trigger: string | number;
  /** Install time limit in ms. @default 1800000 */
  installTimeoutMs?: number;
  /**
   * Every feature of this container, in order. On refresh the guards of all of them go out in one `pct exec`
   * (host/guard-batcher waits for the whole group). @default [feature]
   */
  siblings?: string[];
}

/** Outputs: the inputs plus what the guard says. */
export interface FeatureOutputs extends FeatureInputs {
  /** The guard's verdict at the last create/update/read. */
  installed: boolean;
  /** What the guard printed when it failed (what is missing). */
  guardOutput: string;
  /** `guard-passed` (nothing ran) or `installed`. */
  lastAction: "guard-passed" | "installed";
  /** Increases every time the step ran (its preview showed it changing); the final snapshot keys on it. */
  generation: number;
}

/** Changes when the scripts or inputs changed, the container changed, or the guard failed on refresh (core/step-diff). */
export async function diff(_id: string, olds: FeatureOutputs, news: FeatureInputs) {
  const { changes, lines } = decideFeatureDiff(olds, news);
  for (const line of lines) stepLog(news, line);
  return { changes };
}

/** Guard → install → verify, in one `pct exec` (host/feature-converge): the install runs only when the guard fails. */
async function apply(inputs: FeatureInputs, generation: number): Promise<FeatureOutputs> {
  const client = clientFor(inputs.node, inputs.connection, inputs.vmid);
  const { feature } = inputs;
  const result = await convergeFeatureInContainer(client, inputs.vmid, {
    feature,
    scripts: inputs.scripts,
    env: inputs.env,
    timeoutMs: GUARD_TIMEOUT_MS + (inputs.installTimeoutMs ?? 1_800_000) + VERIFY_TIMEOUT_MS,
    onStep: (s) => {
      if (s.step === "guard" && s.exitCode !== 0) stepLog(inputs, `installing ${feature} (${s.output.trim().split("\n")[0] || "guard failed"})`);
    },
    onLine: (step, line) => {
      if (step === "install" && line !== "") stepLog(inputs, `${feature}: ${line}`);
    },
  });
  const [guard, install, verify] = result.steps;
  // The step ran: what comes after it runs too, as the preview (which cannot know the guard's verdict) said.
  if (guard?.exitCode === 0) return { ...inputs, installed: true, guardOutput: "", lastAction: "guard-passed", generation: generation + 1 };
  if (result.unfinished) {
    const step = result.unfinished.step === "guard" ? "checking" : result.unfinished.step === "install" ? "installing" : "verifying";
    throw stepFailure(inputs, `${step} feature '${feature}'`, { ...result.unfinished, exitCode: result.exitCode, command: result.command }, `it ended without reporting its result (killed, or no 'sh' in the container); run the up again`);
  }
  if (install!.exitCode !== 0) throw stepFailure(inputs, `installing feature '${feature}'`, { ...install!, command: result.command }, `fix the cause above and run the up again; the install script is idempotent`);
  if (verify!.exitCode !== 0) throw stepFailure(inputs, `verifying feature '${feature}' after install`, { ...verify!, command: result.command }, `the install finished but the feature does not work; check the output above`);
  stepLog(inputs, `${feature} installed and verified`);
  return { ...inputs, installed: true, guardOutput: "", lastAction: "installed", generation: generation + 1 };
}

export async function create(inputs: FeatureInputs) {
  return { id: `${inputs.vmid}/${inputs.feature}`, outs: await apply(inputs, 0) };
}

export async function update(_id: string, olds: FeatureOutputs, news: FeatureInputs) {
  return { outs: await apply(news, olds.generation ?? 0) };
}

/**
 * Runs the guard: the feature's real installed state. A refresh reads every feature of a container at once, so
 * their guards go out together in one `pct exec` (host/guard-batcher); create/update run theirs alone.
 */
export async function read(id: string, props: FeatureOutputs) {
  const client = clientFor(props.node, props.connection, props.vmid);
  // The node's inventory already says whether the container is there and runs: no pct exec to learn it.
  const known = await inventory().container(client.node, props.vmid);
  if (known && !known.exists) return {};
  if (known?.status === "stopped") return { id, props };
  try {
    const group = (props.siblings ?? [props.feature]).map((f) => `${f}-guard`);
    const guard = await guardBatcher().run(client, props.vmid, { name: `${props.feature}-guard`, script: props.scripts.guard, env: props.env, timeoutMs: GUARD_TIMEOUT_MS, idempotent: true }, group);
    return { id, props: { ...props, installed: guard.exitCode === 0, guardOutput: guard.exitCode === 0 ? "" : guard.output.slice(0, 2000) } };
  } catch (error) {
    // A container that is gone takes its features with it; a stopped one cannot be checked, so the last known
    // state stands (an operator's `phoenix stop` must not make the features look uninstalled).
    if (error instanceof PctError && error.code === "pct-not-found") return {};
    if (error instanceof PctError && error.code === "pct-not-running") return { id, props };
    throw error;
  }
}

/** Removing a feature from the config does not uninstall it; the log says so. */
export async function remove(_id: string, props: FeatureOutputs) {
  stepLog(props, `feature ${props.feature} removed from the stack; it stays installed in the container (uninstall by hand if needed)`);
}
export { remove as delete };
