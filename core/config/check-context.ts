/**
 * What every cross-check receives besides the configuration: the loader options and which JSON paths already
 * failed the schema (a check must not report a consequence of a value the schema refused, such as "no
 * template" when the template is misspelled).
 */
import type { ConfigIssue } from "../errors";
import type { ConfigView } from "./salvage";
import type { LoadOptions } from "./types";

/** Context of one validation run. */
export interface CheckContext {
  options: LoadOptions;
  /** True when the schema refused the value at `path` (or the path is missing a required value). */
  invalid: (path: string) => boolean;
}

/** A cross-check: pure, reports every finding, never throws. */
export type CrossCheck = (config: ConfigView, ctx: CheckContext) => ConfigIssue[];

/** A context for a configuration known to be schema-valid. */
export function validContext(options: LoadOptions = {}): CheckContext {
  return { options, invalid: () => false };
}

/** `[id, container]` pairs of a view, skipping containers nothing could be read of. */
export function containersOf(config: ConfigView) {
  return Object.entries(config.lxc_configs ?? {}).flatMap(([id, c]) => (c === undefined ? [] : [[id, c] as const]));
}
