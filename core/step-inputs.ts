/**
 * What the workflow steps of one container read from the configuration, and nothing more: a step's inputs (and
 * so its diff) change only when something it reads changes, so an edit of one container plans nothing for
 * another. Pure: the validated configuration and specs are passed in.
 */
import type { ContainerConfig, ContainerSpec, PhoenixConfig } from "./config/types";
import { isOwnedSnapshot, OWNERSHIP_MARKER } from "./retention/snapshot-name";
import { internalError } from "./errors";

/**
 * Top-level keys the application script's file carries. The original scripts looked a key up in their own
 * container's block and fell back to the same key at the top level; the top-level keys they were written for are
 * these (the NVIDIA settings). `snapshot_retention` and `custom_features` configure this tool, not the service.
 */
export const APP_SCRIPT_ROOT_KEYS = ["nvidia_driver_version", "nvidia_repo_url", "nvidia_runfile_url"] as const;

/**
 * Keys of the container's entry left out of the application script's file: they configure steps that run after
 * the script (health checks, tests, the final snapshot, retention), so a change to them must not run it again.
 */
export const APP_SCRIPT_OMITTED_KEYS = [
  "health_check",
  "health_checks",
  "tests",
  "integration_tests",
  "run_integration_tests",
  "final_snapshot",
  "snapshot_retention",
  "snapshot_pins",
] as const satisfies readonly (keyof ContainerConfig)[];

/**
 * The document pushed to the container for its application script: the original file's shape, cut down to what
 * the script may read, `{<APP_SCRIPT_ROOT_KEYS that are set>, "lxc_configs": {"<ctid>": <own entry, defaults
 * filled, minus APP_SCRIPT_OMITTED_KEYS>}}`. A lookup written for the original file (`.lxc_configs["950"].x`,
 * falling back to `.x`) reads the same values from it.
 */
export function buildAppScriptConfig(config: PhoenixConfig, ctid: number): Record<string, unknown> {
  const entry = config.lxc_configs[String(ctid)];
  if (!entry) throw internalError(`container ${ctid} is not in the configuration`);
  const own = Object.fromEntries(Object.entries(entry).filter(([key]) => !(APP_SCRIPT_OMITTED_KEYS as readonly string[]).includes(key)));
  const root: Record<string, unknown> = {};
  for (const key of APP_SCRIPT_ROOT_KEYS) if (config[key] !== undefined) root[key] = config[key];
  return { ...root, lxc_configs: { [String(ctid)]: own } };
}

/**
 * {@link buildAppScriptConfig} as the exact text pushed (and hashed): keys sorted at every level, two-space
 * indent, a final newline. Sorting makes it independent of the key order in the file, so reordering or
 * reformatting the file runs nothing.
 */
export function buildAppScriptConfigText(config: PhoenixConfig, ctid: number): string {
  return `${JSON.stringify(sortKeys(buildAppScriptConfig(config, ctid)), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

/**
 * The snapshots of container `ctid` that clones in the config are made from AND that retention could otherwise
 * delete (names of this tool's shape). A clone is made from its source's `template_snapshot_name`, which this tool
 * takes without its ownership marker, so retention never deletes it anyway: the list is empty unless that name
 * has the shape of an owned snapshot. Keeping it empty otherwise means adding or removing a clone plans nothing
 * for its source.
 */
export function planRetainedCloneSources(specs: ReadonlyMap<number, ContainerSpec>, ctid: number, prefix: string): string[] {
  const names = new Set<string>();
  for (const s of specs.values()) {
    if (s.source.kind !== "clone" || s.source.fromCtid !== ctid) continue;
    if (isOwnedSnapshot({ name: s.source.snapshot, description: OWNERSHIP_MARKER }, prefix)) names.add(s.source.snapshot);
  }
  return [...names].sort();
}
