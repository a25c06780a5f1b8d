/**
 * The environment a feature's scripts receive, from the catalog's declarations (features/catalog.json) and
 * the config. Pure: the catalog and the config are passed in.
 */
import { createHash } from "node:crypto";
import type { ContainerSpec, PhoenixConfig } from "../config/types";
import { PhoenixError } from "../errors";

/** One variable a feature reads, as the catalog declares it. */
export interface CatalogEnvVar {
  name: string;
  required: boolean;
  default: string | null;
  source: { kind: "config"; field: string } | { kind: "derived"; rule: string } | { kind: "provider"; rule: string } | { kind: "none" };
}

/** One feature of the catalog. */
export interface CatalogFeature {
  description: string;
  requires: string[];
  scripts: { guard: string; install: string; verify: string };
  env: CatalogEnvVar[];
}

/** Everything a feature's env can be computed from. */
export interface FeatureEnvContext {
  config: PhoenixConfig;
  spec: ContainerSpec;
  /** Features of this container and of every container on its clone chain (clones inherit installs). */
  inheritedFeatures: readonly string[];
}

/** Builds the `PHX_*` environment of one feature; throws naming the variable and the field when a required one is missing. */
export function buildFeatureEnv(feature: string, entry: CatalogFeature, ctx: FeatureEnvContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of entry.env) {
    const value = resolveVar(v, ctx);
    if (value !== undefined && value !== "") env[v.name] = value;
    else if (v.default !== null) env[v.name] = v.default;
    else if (v.required && v.source.kind !== "provider") {
      const field = v.source.kind === "config" ? v.source.field.replace("<ctid>", String(ctx.spec.ctid)) : v.name;
      throw new PhoenixError("config", `feature '${feature}' on container ${ctx.spec.ctid} needs ${v.name}, which the config does not set`, { hint: `set ${field} in the config` });
    }
  }
  return env;
}

function resolveVar(v: CatalogEnvVar, ctx: FeatureEnvContext): string | undefined {
  switch (v.source.kind) {
    case "config": {
      const field = v.source.field;
      if (field.endsWith("gpu_assignment")) return ctx.spec.gpus.join(",");
      if (field.endsWith("portainer_role")) return ctx.spec.portainerRole ?? undefined;
      const value = (ctx.config as unknown as Record<string, unknown>)[field];
      return value === undefined || value === null ? undefined : String(value);
    }
    case "derived":
      // The only derived variable: the NVIDIA runtime for Docker when this container or an ancestor has nvidia.
      return ctx.inheritedFeatures.includes("nvidia") ? "1" : "0";
    default:
      return undefined;
  }
}

/** Features of a container and its clone ancestors, nearest first. */
export function collectInheritedFeatures(specs: ReadonlyMap<number, ContainerSpec>, ctid: number): string[] {
  const out: string[] = [];
  const seen = new Set<number>();
  let current = specs.get(ctid);
  while (current && !seen.has(current.ctid)) {
    seen.add(current.ctid);
    out.push(...current.features);
    current = current.source.kind === "clone" ? specs.get(current.source.fromCtid) : undefined;
  }
  return [...new Set(out)];
}

/** The variables that differ, `NAME old → new` (`(unset)` for a missing one): why a feature runs again, for the preview. */
export function describeEnvChanges(before: Record<string, string>, after: Record<string, string>): string[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const show = (v: string | undefined) => (v === undefined ? "(unset)" : v);
  return names.filter((n) => before[n] !== after[n]).map((n) => `${n} ${show(before[n])} → ${show(after[n])}`);
}

/** A stable hash of scripts and env: a feature re-runs when this changes, not on every up. */
export function hashFeatureInputs(scripts: Record<string, string>, env: Record<string, string>): string {
  const canonical = JSON.stringify([Object.entries(scripts).sort(), Object.entries(env).sort()]);
  return createHash("sha256").update(canonical).digest("hex").slice(0, 32);
}
