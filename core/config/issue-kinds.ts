/**
 * The classes of configuration findings. Every issue the loader reports carries one, so tests and tools compare
 * findings by path and kind instead of by message text, and messages can improve without breaking them.
 */
import type { ConfigIssue } from "../errors";

/** Every kind of configuration finding, grouped by the pass that reports it. */
export const CONFIG_ISSUE_KINDS = [
  // schema (zod) and keys
  "schema",
  "required",
  "invalid-key",
  "duplicate-key",
  "unknown-key",
  "misspelled-key",
  "variant-spelling",
  // references between containers
  "no-source",
  "template-ignored",
  "clone-source-missing",
  "clone-source-not-template",
  "clone-across-nodes",
  "dependency-missing",
  "dependency-repeated",
  "cycle",
  "node-unknown",
  "node-required",
  // values
  "duplicate-hostname",
  "duplicate-ip",
  "duplicate-mac",
  "gateway-without-address",
  "gpu-repeated",
  "gpu-spacing",
  "gpu-missing",
  "feature-unknown",
  "feature-repeated",
  "feature-shadows-builtin",
  "nvidia-setting-missing",
  "mount-collision",
  "snapshot-with-bind-mounts",
  "lifecycle-snapshots-ignored",
  "raw-line-refused",
  "firewall-without-rules",
  "firewall-inherited",
  "firewall-disabled",
  "file-missing",
] as const;

/** One kind of configuration finding. */
export type ConfigIssueKind = (typeof CONFIG_ISSUE_KINDS)[number];

/** An error finding. */
export const errorAt = (kind: ConfigIssueKind, path: string, message: string): ConfigIssue => ({ path, message, severity: "error", kind });

/** A warning finding: reported, the run goes on. */
export const warningAt = (kind: ConfigIssueKind, path: string, message: string): ConfigIssue => ({ path, message, severity: "warning", kind });

/** True when JSON path `path` is `parent` or lies inside it (`a.b` is inside `a`, `a.bc` is not). */
export function isAtOrBelow(path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}.`) || path.startsWith(`${parent}[`);
}
