/**
 * The loader: text or file → validated configuration, or a {@link ConfigError} carrying every issue.
 *
 * Pure: reading the file lives in host/load-config-file.ts; the existence of custom feature scripts is checked
 * through the injected `fileExists`.
 */
import { ConfigError, type ConfigIssue } from "../errors";
import { findDuplicateKeys, parseJsonText } from "./json-text";
import type { ContainerSpec, LoadOptions, PhoenixConfig } from "./types";
import { validateConfig } from "./validate";

/** A loaded, valid configuration. */
export interface LoadedConfig {
  config: PhoenixConfig;
  /** ctid → domain model. */
  specs: Map<number, ContainerSpec>;
  /** Problems that do not stop the run. */
  warnings: ConfigIssue[];
}

/** Where the configuration comes from: a file to read, or text (with the file name it came from, if any). */
export type ConfigSource = { file: string } | { text: string; file?: string };

/** The file could not be read; the CLI maps it to exit code 2. */
export class ConfigUnreadableError extends ConfigError {
  constructor(file: string, cause: unknown) {
    const reason = (cause as NodeJS.ErrnoException)?.code ?? (cause instanceof Error ? cause.message : String(cause));
    super([{ path: file, message: `cannot read the file (${reason})`, severity: "error" }], file, {
      cause,
      hint: "check the path, or pass --config <file>",
      code: "input",
    });
  }
}

/** Validates configuration text (pure apart from the injected fileExists); throws {@link ConfigError}. */
export function loadConfigText(text: string, options: LoadOptions = {}, file?: string): LoadedConfig {
  const raw = parseJsonText(text, file);
  const duplicates = findDuplicateKeys(text);
  const result = validateConfig(raw, options);
  const issues = result.ok ? [...duplicates, ...result.warnings] : [...duplicates, ...result.issues];
  if (!result.ok || duplicates.length > 0) throw new ConfigError(issues, file);
  return { config: result.config, specs: result.specs, warnings: result.warnings };
}
