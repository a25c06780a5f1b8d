/**
 * The engine operations the CLI runs (preview, up, destroy), targeted by URN, with progress and the collected
 * results. Failures of the engine are returned, not thrown, so the commands can print every failed resource.
 */
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { ProgressTracker } from "./progress";
import { explainEngineError } from "./stack-locks";
import { listStateContainersOnNode, parseMissingNodes } from "../core/node-connections";

/** Options of one engine operation. */
export interface EngineRunOptions {
  /** URNs to operate on (with `targetDependents: false`); everything when omitted. */
  targets?: string[];
  /** Refresh before the operation. @default false */
  refresh?: boolean;
  /** Progress sink. */
  progress: ProgressTracker;
}

/** What an engine operation ended with. */
export interface EngineRunResult {
  ok: boolean;
  /** Engine change counts by op (`create`, `update`, `same`, …). */
  changes: Record<string, number>;
  /** The engine's own error text when the operation failed. */
  error?: string;
}

/**
 * Resource operations the engine runs at once, unless `PULUMI_PARALLEL` says otherwise. The engine's own default
 * is 4 × CPUs (8 on a 2-core runner), but the provider already limits what reaches each node (the sequencer's
 * `perNodeParallelism`): with 8 engine slots, operations queued behind one node's limit hold slots that ready work
 * on another node could use, and a refresh reads only 8 resources at a time, so a container's feature guards
 * rarely arrive together to share one `pct exec`. Measured in BENCHMARKS.md (fleet benchmark).
 */
export const DEFAULT_ENGINE_PARALLEL = 64;

/** The `parallel` option of every engine operation: `PULUMI_PARALLEL` when set to a positive integer. */
export function engineParallel(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.PULUMI_PARALLEL);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_ENGINE_PARALLEL;
}

/**
 * `runProgram`: a refresh (and a destroy) otherwise configures the provider with the stack config stored in the
 * state by the last up, so a node whose address or port changed since is still looked for at the old one. Run
 * the program, and the provider gets the current stack config (the providers resolve nodes by name from it).
 */
const targetOptions = (targets?: string[]) => ({ parallel: engineParallel(), runProgram: true, ...(targets ? { target: targets, targetDependents: false } : {}) });

/** The changes of a summary, with the op names `create/update/replace/delete/same` always present. */
export function normaliseChanges(raw: Record<string, number> | undefined): Record<string, number> {
  const out: Record<string, number> = { create: 0, update: 0, replace: 0, delete: 0, same: 0 };
  for (const [op, n] of Object.entries(raw ?? {})) {
    const key = op === "create-replacement" || op === "delete-replaced" ? "replace" : op;
    out[key] = (out[key] ?? 0) + (op === "delete-replaced" ? 0 : n);
  }
  return out;
}

async function run(stack: Stack, progress: ProgressTracker, body: (onEvent: (e: EngineEvent) => void) => Promise<Record<string, number> | undefined>): Promise<EngineRunResult> {
  let summary: Record<string, number> | undefined;
  const onEvent = (e: EngineEvent) => {
    if (e.summaryEvent) summary = e.summaryEvent.resourceChanges as Record<string, number>;
    progress.onEvent(e);
  };
  try {
    const changes = await body(onEvent);
    return { ok: true, changes: normaliseChanges(changes ?? summary) };
  } catch (error) {
    // The CLI's raw output (`code: … stdout: … stderr: …`) never reaches the user: a run refused before it
    // started (a lock, the passphrase) is thrown in our words; any other failure is returned in our words.
    const explained = explainEngineError(error, stack);
    if (explained?.refused) throw explained.error;
    const text = explained ? `${explained.error.message}\nnext step: ${explained.error.hint}` : error instanceof Error ? error.message : String(error);
    await addContainersOfMissingNodes(stack, progress);
    return { ok: false, changes: normaliseChanges(summary), error: text };
  } finally {
    progress.finish();
  }
}

/**
 * The engine stops at the first resource whose node the stack config no longer has, so its errors name only the
 * containers it reached: name every container the state has on that node, once, after the run.
 */
async function addContainersOfMissingNodes(stack: Stack, progress: ProgressTracker): Promise<void> {
  const missing = parseMissingNodes([...progress.errors.values()].flat());
  if (missing.length === 0) return;
  const deployment = (await stack.exportStack().catch(() => undefined))?.deployment;
  for (const node of missing) {
    const vmids = listStateContainersOnNode(deployment, node);
    if (vmids.length === 0) continue;
    const line = `the state has ${vmids.length} container(s) on node '${node}', which the stack config 'nodes' no longer has: CT ${vmids.join(", ")}; add the node back, or remove each from the state (pulumi state delete <urn>)`;
    progress.errors.set("", [...(progress.errors.get("") ?? []), line]);
  }
}

/** `pulumi preview`. */
export function runPreview(stack: Stack, opts: EngineRunOptions): Promise<EngineRunResult> {
  return run(stack, opts.progress, async (onEvent) => (await stack.preview({ ...targetOptions(opts.targets), refresh: opts.refresh, onEvent })).changeSummary as Record<string, number>);
}

/** `pulumi up`. */
export function runUp(stack: Stack, opts: EngineRunOptions): Promise<EngineRunResult> {
  return run(stack, opts.progress, async (onEvent) => (await stack.up({ ...targetOptions(opts.targets), refresh: opts.refresh, onEvent })).summary.resourceChanges as Record<string, number> | undefined);
}

/** `pulumi destroy` of exactly `targets`. */
export function runDestroy(stack: Stack, opts: EngineRunOptions & { targets: string[] }): Promise<EngineRunResult> {
  return run(stack, opts.progress, async (onEvent) => (await stack.destroy({ ...targetOptions(opts.targets), onEvent })).summary.resourceChanges as Record<string, number> | undefined);
}

/** Every resource URN in the stack's state. */
export async function readStateUrns(stack: Stack): Promise<string[]> {
  const deployment = await stack.exportStack();
  const resources = (deployment.deployment as { resources?: { urn: string }[] }).resources ?? [];
  return resources.map((r) => r.urn);
}

/** The engine's closing error on the stack resource of a failed run, which names no failure of its own. */
const ENGINE_SUMMARY_ERROR = /^(update|preview|destroy|refresh) failed$/;

/** The lines to print for a failed run: each failed resource with the engine's errors for it. */
export function formatFailures(progress: ProgressTracker, engineError: string | undefined): string {
  const lines: string[] = [];
  for (const step of progress.steps.values()) {
    if (step.ok !== false) continue;
    lines.push(`✗ ${step.name}:`);
    for (const m of progress.errors.get(step.urn) ?? []) lines.push(...m.split("\n").map((l) => `    ${l}`));
  }
  for (const [urn, messages] of progress.errors) {
    if (urn !== "" && progress.steps.get(urn)?.ok === false) continue;
    // The engine ends every failed run with a bare "update failed" on the stack: the failures above say more.
    for (const m of messages) if (!ENGINE_SUMMARY_ERROR.test(m.trim())) lines.push(...m.split("\n").map((l) => `  ${l}`));
  }
  if (lines.length === 0 && engineError) lines.push(...engineError.trim().split("\n").slice(-20));
  return lines.length ? `${lines.join("\n")}\n` : "";
}
