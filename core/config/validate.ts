/**
 * The pure validation pipeline: schema, then cross-field checks, then the domain model. No I/O: file existence
 * for custom features is an injected predicate (LoadOptions.fileExists).
 */
import type { ConfigIssue } from "../errors";
import { checkCycles, checkDependencies, checkNodes, checkSources } from "./check-references";
import { checkFeatures, checkGpus, checkMounts, checkNetwork, checkUniqueness } from "./check-values";
import { convertZodIssues } from "./issues";
import { buildContainerSpec } from "./normalize";
import { buildConfigSchema } from "./schema-root";
import type { ContainerSpec, LoadOptions, PhoenixConfig } from "./types";

/** The outcome of validating a configuration value. */
export type ValidationResult =
  | { ok: true; config: PhoenixConfig; specs: Map<number, ContainerSpec>; warnings: ConfigIssue[] }
  | { ok: false; issues: ConfigIssue[] };

/** All cross-field checks of a schema-valid configuration (errors and warnings). */
export function checkConfig(config: PhoenixConfig, options: LoadOptions = {}): ConfigIssue[] {
  return [
    ...checkSources(config, options),
    ...checkDependencies(config),
    ...checkCycles(config),
    ...checkNodes(config, options),
    ...checkUniqueness(config, options),
    ...checkNetwork(config),
    ...checkGpus(config),
    ...checkFeatures(config, options),
    ...checkMounts(config),
    ...(options.checkFiles?.(config) ?? []),
  ];
}

/**
 * Validates a parsed JSON value. Schema violations are reported all at once; the cross-field checks run once
 * the file matches the schema (they need well-typed values to say something true).
 */
export function validateConfig(raw: unknown, options: LoadOptions = {}): ValidationResult {
  const schema = buildConfigSchema();
  const parsed = schema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { ok: false, issues: convertZodIssues(parsed.error.issues, schema) };
  const config = parsed.data;
  const issues = checkConfig(config, options);
  if (issues.some((i) => i.severity === "error")) return { ok: false, issues };
  const specs = new Map<number, ContainerSpec>();
  for (const id of Object.keys(config.lxc_configs)) specs.set(Number(id), buildContainerSpec(config, Number(id), options));
  return { ok: true, config, specs, warnings: issues };
}
