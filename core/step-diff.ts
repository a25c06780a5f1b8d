/**
 * Whether each step after a container runs again in an up: the diff decisions of the feature, application
 * script, health check and final snapshot resources, and what preview says about a feature. Pure: each provider's
 * `diff` maps the answer to Pulumi's and logs the lines. (The container's own decision is
 * core/container/diff-decision.ts, the firewall's core/firewall/diff-decision.ts, retention's
 * core/retention/forecast.ts.)
 */
import { describeEnvChanges } from "./features/feature-env";

/** What a feature step's diff reads of its inputs. */
export interface FeatureStepSettings {
  vmid: number;
  feature: string;
  env?: Record<string, string>;
  contentHash: string;
  trigger: string | number;
  siblings?: readonly string[];
}

/**
 * A feature runs again when its scripts or variables changed, its container changed, its guard failed on refresh,
 * or its container's feature list changed (the refresh guard batch waits for exactly these). The lines say why a
 * feature runs although its own container's entry did not change.
 */
export function decideFeatureDiff(olds: FeatureStepSettings & { installed: boolean; guardOutput: string }, news: FeatureStepSettings): { changes: boolean; lines: string[] } {
  // State from before siblings were recorded counts as unchanged, so an upgrade does not touch every feature.
  const siblingsChanged = olds.siblings !== undefined && news.siblings !== undefined && olds.siblings.join(",") !== news.siblings.join(",");
  const changes = olds.contentHash !== news.contentHash || olds.installed === false || String(olds.trigger) !== String(news.trigger) || olds.vmid !== news.vmid || siblingsChanged;
  const lines: string[] = [];
  if (olds.installed === false) lines.push(`feature ${news.feature} is not installed (${olds.guardOutput.trim() || "guard failed"}); the next up installs it`);
  const envChanges = describeEnvChanges(olds.env ?? {}, news.env ?? {});
  // E.g. PHX_DOCKER_NVIDIA_RUNTIME follows nvidia on the clone chain: preview shows it.
  if (envChanges.length) lines.push(`feature ${news.feature} runs again: ${envChanges.join(", ")}`);
  return { changes, lines };
}

/**
 * The application script runs again when its content or container changed, or its container is new or changed
 * (the trigger); state from before the trigger existed has none, and then only the content decides.
 */
export function decideAppScriptDiff(olds: { vmid: number; contentHash: string; trigger?: string }, news: { vmid: number; contentHash: string; trigger?: string }): boolean {
  const triggered = olds.trigger !== undefined && olds.trigger !== news.trigger;
  return olds.contentHash !== news.contentHash || olds.vmid !== news.vmid || triggered;
}

/** The checks run again when anything upstream changed in an up (the trigger) or the checks changed. */
export function decideHealthCheckDiff(olds: { trigger: string; checks: unknown }, news: { trigger: string; checks: unknown }): boolean {
  return olds.trigger !== news.trigger || JSON.stringify(olds.checks) !== JSON.stringify(news.checks);
}

/** What a final snapshot step's diff reads of its inputs. */
export interface FinalSnapshotSettings {
  trigger: string;
  takeFinal: boolean;
  templateSnapshotName?: string;
}

/** The final snapshot step runs when the trigger changed, the template snapshot is missing, or final_snapshot changed. */
export function decideFinalSnapshotDiff(olds: FinalSnapshotSettings & { templateSnapshotPresent: boolean }, news: FinalSnapshotSettings): boolean {
  const templateMissing = news.templateSnapshotName !== undefined && (!olds.templateSnapshotPresent || olds.templateSnapshotName !== news.templateSnapshotName);
  return olds.trigger !== news.trigger || templateMissing || olds.takeFinal !== news.takeFinal;
}
