/**
 * The container's `application_script`: pushed with the config it reads, run after the features, and run
 * again only when its content or inputs change (the original re-ran it, and slept 10 s, on every run).
 */
import { runScriptInContainer, scriptCommand } from "../../host/container-exec";
import { clientFor } from "./runtime";
import { StepTarget, stepFailure, stepLog } from "./step-common";
import { decideAppScriptDiff } from "../../core/step-diff";

/** Inputs of an application-script resource. */
export interface AppScriptInputs extends StepTarget {
  /** Script file name, for messages. */
  name: string;
  /** Script text; run with bash when its shebang says so, else sh. */
  script: string;
  /**
   * What the script may read, pushed to /etc/phoenix-lxc/phoenix_lxc_configs.json: the original file's shape with
   * only this container's entry and the top-level NVIDIA settings (core/step-inputs, buildAppScriptConfigText).
   */
  configJson: string;
  /** Hash of the script and exactly the pushed `configJson`: the script runs again when it changes. */
  contentHash: string;
  /** Time limit in ms. @default 1800000 */
  timeoutMs?: number;
  /**
   * The container's step key (core/container/identity): a new or changed container runs the script again.
   * Absent in state from before it existed (then only the content decides).
   */
  trigger?: string;
}

/** Outputs. */
export interface AppScriptOutputs extends AppScriptInputs {
  /** Increases whenever the script ran; the final snapshot keys on it. */
  generation: number;
}

/** Pure: the script runs again when its content or the config changed, or its container is new or changed (core/step-diff). */
export async function diff(_id: string, olds: AppScriptOutputs, news: AppScriptInputs) {
  return { changes: decideAppScriptDiff(olds, news) };
}

async function apply(inputs: AppScriptInputs, generation: number): Promise<AppScriptOutputs> {
  const client = clientFor(inputs.node, inputs.connection, inputs.vmid);
  // pct push does not create parent directories (as on a real host).
  await client.exec(inputs.vmid, ["mkdir", "-p", "/etc/phoenix-lxc"]);
  await client.push(inputs.vmid, inputs.configJson, "/etc/phoenix-lxc/phoenix_lxc_configs.json", { perms: "0600" });
  const shell = /^#!.*\bbash\b/.test(inputs.script) ? "bash" : "sh";
  const script = shell === "bash" ? `exec bash -c "$PHX_APP_SCRIPT" "$0" "$@"` : inputs.script;
  const run = {
    name: `app-${inputs.name}`,
    script,
    env: { PHX_CTID: String(inputs.vmid), PHX_CONFIG_FILE: "/etc/phoenix-lxc/phoenix_lxc_configs.json", ...(shell === "bash" ? { PHX_APP_SCRIPT: inputs.script } : {}) },
    args: [String(inputs.vmid)],
    timeoutMs: inputs.timeoutMs ?? 1_800_000,
    onLine: (line: string) => stepLog(inputs, `${inputs.name}: ${line}`),
  };
  const result = await runScriptInContainer(client, inputs.vmid, run);
  if (result.exitCode !== 0) throw stepFailure(inputs, `application script '${inputs.name}'`, { ...result, command: scriptCommand(inputs.vmid, run) }, "fix the script (it runs again on the next up because it failed)");
  stepLog(inputs, `application script ${inputs.name} finished`);
  return { ...inputs, generation: generation + 1 };
}

/** Provider create: runs the step and returns its outputs. */
export async function create(inputs: AppScriptInputs) {
  return { id: `${inputs.vmid}/app`, outs: await apply(inputs, 0) };
}
/** Provider update: runs the step again with the new inputs. */
export async function update(_id: string, olds: AppScriptOutputs, news: AppScriptInputs) {
  return { outs: await apply(news, olds.generation ?? 0) };
}
/** Provider read: nothing to observe; the stored outputs stand. */
export async function read(id: string, props: AppScriptOutputs) {
  return { id, props };
}
/** Provider delete: removing the script from the config undoes nothing in the container. */
export async function remove() {}
export { remove as delete };
