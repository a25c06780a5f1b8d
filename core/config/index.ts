/**
 * The configuration model: schema (zod, built on call), loader, cross-checks, dependency graph, JSON Schema.
 * Nothing here opens a connection or touches the file system; host/load-config-file.ts reads files.
 */
export * from "./constants";
export * from "./types";
export { buildConfigSchema, buildCustomFeaturesSchema } from "./schema-root";
export { buildContainerSchema } from "./schema-container";
export { buildRetentionSchema, buildSnapshotNameSchema } from "./schema-parts";
export { validateConfig, checkConfig, type ValidationResult } from "./validate";
export { loadConfigText, ConfigUnreadableError, type ConfigSource, type LoadedConfig } from "./load-config";
export { ConfigSyntaxError, parseJsonText, findDuplicateKeys, lineColumnAt } from "./json-text";
export { resolveRetention, resolveNode, requireStackNode, parseGpuAssignment, buildContainerSpec, type GpuAssignment } from "./normalize";
export * from "./dependency-graph";
export { suggestClosest, didYouMean, editDistance } from "./did-you-mean";
export { buildConfigJsonSchema, renderConfigJsonSchema, CONFIG_SCHEMA_FILE_NAME } from "./json-schema";
export { summarizeSpecs, formatSummary, type ConfigSummary } from "./summary";
export { formatPath, describeValue, convertZodIssues } from "./issues";
export { CONFIG_ISSUE_KINDS, type ConfigIssueKind } from "./issue-kinds";
export { CROSS_CHECKS } from "./cross-checks";
export { type CheckContext, type CrossCheck } from "./check-context";
export { salvageConfig, type ConfigView, type ContainerView } from "./salvage";
export { findUnknownKeys } from "./unknown-keys";
export { findVariantSpellings, splitNameservers, splitRawLxcLine, canonicalRawLxcLine } from "./variants";
