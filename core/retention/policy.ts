/**
 * The `snapshot_retention` policy: the Proxmox Backup Server keep-* options (docs/pve-behaviour.md §R).
 *
 * The config schema (core/config) owns the user-facing validation of the configuration file; this module holds
 * the planner's own view of the policy and a dependency-free check the CLI uses for `--policy '<json>'`.
 */
import { ConfigIssue } from "../errors";
import { didYouMean } from "../config/did-you-mean";

/** The keep-* rules in the fixed order PBS applies them (`pbs-datastore/src/prune.rs`). */
export const RETENTION_RULES = ["last", "hourly", "daily", "weekly", "monthly", "yearly"] as const;

/** One keep-* rule. */
export type RetentionRule = (typeof RETENTION_RULES)[number];

/**
 * Which owned snapshots to keep. Every field is unset or an integer ≥ 1 (the PBS API minimum); with no field
 * set at all nothing is deleted.
 */
export interface RetentionPolicy {
  /** Keep the N newest snapshots. @default unset */
  keep_last?: number;
  /** Keep the newest snapshot of each of the last N local hours that have snapshots. @default unset */
  keep_hourly?: number;
  /** Keep the newest snapshot of each of the last N local days that have snapshots. @default unset */
  keep_daily?: number;
  /** Keep the newest snapshot of each of the last N ISO weeks (Monday start) that have snapshots. @default unset */
  keep_weekly?: number;
  /** Keep the newest snapshot of each of the last N local months that have snapshots. @default unset */
  keep_monthly?: number;
  /** Keep the newest snapshot of each of the last N local years that have snapshots. @default unset */
  keep_yearly?: number;
}

/** The policy field of each rule, in rule order. */
export const RETENTION_FIELDS = RETENTION_RULES.map((r) => `keep_${r}` as const);

/** The policy field that configures `rule`. */
export function policyField(rule: RetentionRule): keyof RetentionPolicy {
  return `keep_${rule}`;
}

/** True when at least one rule is set; PBS `keeps_something()`: otherwise the plan keeps everything. */
export function keepsSomething(policy: RetentionPolicy): boolean {
  return RETENTION_RULES.some((rule) => (policy[policyField(rule)] ?? 0) > 0);
}

/**
 * Every problem of an untrusted policy value, all at once: not an object, unknown keys (with a did-you-mean,
 * because a misspelled `keep_dialy` silently ignored would delete what the user meant to keep), and counts that
 * are not integers ≥ 1.
 * @param path - JSON path prefix for the issues; @default "snapshot_retention"
 */
export function checkRetentionPolicy(value: unknown, path = "snapshot_retention"): ConfigIssue[] {
  const at = (key: string) => (path === "" ? key : `${path}.${key}`);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [{ path: path || "(policy)", severity: "error", message: `expected an object such as {"keep_last": 3}, found ${describe(value)}` }];
  }
  const issues: ConfigIssue[] = [];
  const known: readonly string[] = RETENTION_FIELDS;
  for (const [key, v] of Object.entries(value)) {
    if (!known.includes(key)) {
      issues.push({ path: at(key), severity: "error", message: `unknown key${didYouMean(key, known)} (known: ${known.join(", ")})` });
    } else if (v !== undefined /* unset: a merged TS policy may carry it */ && (typeof v !== "number" || !Number.isInteger(v) || v < 1)) {
      issues.push({ path: at(key), severity: "error", message: `expected an integer ≥ 1, found ${describe(v)}` });
    }
  }
  return issues;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  return Array.isArray(value) ? "an array" : JSON.stringify(value) ?? String(value);
}
