/**
 * The pure validation pipeline, one pass: the schema, unknown keys, accepted-but-variant spellings, and every
 * cross-check, all reported together. When the schema refuses part of the file, the cross-checks run on what
 * could be read (salvage.ts), so a bad value in one container never hides a dangling reference in another.
 * No I/O: file existence is an injected predicate (LoadOptions.fileExists).
 */
import type { ConfigIssue } from "../errors";
import { type CheckContext, validContext } from "./check-context";
import { CROSS_CHECKS } from "./cross-checks";
import { isAtOrBelow } from "./issue-kinds";
import { convertZodIssues } from "./issues";
import { buildContainerSpec } from "./normalize";
import { type ConfigView, salvageConfig } from "./salvage";
import { buildConfigSchema } from "./schema-root";
import type { ContainerSpec, LoadOptions, PhoenixConfig } from "./types";
import { findUnknownKeys } from "./unknown-keys";
import { findVariantSpellings } from "./variants";

/** The outcome of validating a configuration value. */
export type ValidationResult =
  | { ok: true; config: PhoenixConfig; specs: Map<number, ContainerSpec>; warnings: ConfigIssue[] }
  | { ok: false; issues: ConfigIssue[] };

/** All cross-checks of a configuration (errors and warnings); `ctx` says which paths the schema refused. */
export function checkConfig(config: ConfigView, options: LoadOptions = {}, ctx: CheckContext = validContext(options)): ConfigIssue[] {
  return CROSS_CHECKS.flatMap((check) => check(config, ctx));
}

/** Validates a parsed JSON value; every problem of the file is in the one result. */
export function validateConfig(raw: unknown, options: LoadOptions = {}): ValidationResult {
  const schema = buildConfigSchema();
  const parsed = schema.safeParse(raw, { reportInput: true });
  const keys = findUnknownKeys(schema, raw);
  // A "required" error for the key a misspelled key stands for says the same thing twice.
  const schemaIssues = (parsed.success ? [] : convertZodIssues(parsed.error.issues, schema)).filter(
    (i) => !(i.kind === "required" && keys.meantPaths.has(i.path)),
  );
  const refused = schemaIssues.filter((i) => i.severity === "error").map((i) => i.path);
  const invalid = (path: string) => refused.some((r) => isAtOrBelow(path, r));
  const view: ConfigView = parsed.success ? parsed.data : salvageConfig(schema, raw);
  const derived = [...keys.issues, ...findVariantSpellings(raw), ...checkConfig(view, options, { options, invalid })];
  // A finding about a value the schema refused is a consequence of that refusal: the schema error says it.
  const kept = [...schemaIssues, ...derived.filter((i) => i.kind === "misspelled-key" || !invalid(i.path))];
  const issues = [...kept.filter((i) => i.severity === "error"), ...kept.filter((i) => i.severity !== "error")];
  if (!parsed.success || issues.some((i) => i.severity === "error")) return { ok: false, issues };
  const config = parsed.data;
  const specs = new Map<number, ContainerSpec>();
  for (const id of Object.keys(config.lxc_configs)) specs.set(Number(id), buildContainerSpec(config, Number(id), options));
  return { ok: true, config, specs, warnings: issues };
}
