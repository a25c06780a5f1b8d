/**
 * Reads what the program passes to step resources: the feature catalog and scripts (built-in under
 * features/, custom ones relative to the config file), application scripts and health-check scripts. Files the
 * config names are read only from inside the allowed roots (host/config-files.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { CatalogFeature } from "../core/features/feature-env";
import { PhoenixError } from "../core/errors";
import { expandIncludes } from "../core/features/script-includes";
import { ConfigFileAccess, readConfinedText } from "./config-files";

/** The package's features/ folder. */
export const BUILTIN_FEATURES_DIR = path.resolve(__dirname, "..", "..", "features");

/** The built-in catalog (features/catalog.json). */
export function readCatalog(dir = BUILTIN_FEATURES_DIR): Record<string, CatalogFeature> {
  return (JSON.parse(fs.readFileSync(path.join(dir, "catalog.json"), "utf8")) as { features: Record<string, CatalogFeature> }).features;
}

/** A built-in script (path relative to features/) with its `# @include lib/…` lines expanded. */
export function readBuiltinScript(relativePath: string): string {
  const text = fs.readFileSync(path.join(BUILTIN_FEATURES_DIR, relativePath), "utf8");
  return expandIncludes(text, (lib) => fs.readFileSync(path.join(BUILTIN_FEATURES_DIR, lib), "utf8"));
}

/** A feature's three scripts. */
export interface FeatureScripts {
  guard: string;
  install: string;
  verify: string;
}

/**
 * Reads a script the config names (relative to the containers file, confined to the allowed roots, text only);
 * the error names the field and the path.
 * @param jsonPath the field, e.g. `lxc_configs.950.application_script`
 */
export function readConfigScript(access: ConfigFileAccess, value: string, jsonPath: string): string {
  return readConfinedText(value, jsonPath, access);
}

/**
 * Scripts already read, per file access (one per fleet, so per program run): every container with a feature
 * names the same three files, and each confined read costs a few file-system calls (200 containers: ~600 reads).
 */
const readScripts = new WeakMap<ConfigFileAccess, Map<string, FeatureScripts>>();

/** The scripts of a built-in feature, or of a custom one (`custom_features` paths, relative to the config file). */
export function readFeatureScripts(
  feature: string,
  catalog: Record<string, CatalogFeature>,
  custom: Record<string, { guard: string; install: string; verify: string }> | undefined,
  access: ConfigFileAccess,
): FeatureScripts {
  let cache = readScripts.get(access);
  if (!cache) readScripts.set(access, (cache = new Map()));
  let scripts = cache.get(feature);
  if (!scripts) cache.set(feature, (scripts = readFeatureScriptsUncached(feature, catalog, custom, access)));
  return scripts;
}

function readFeatureScriptsUncached(
  feature: string,
  catalog: Record<string, CatalogFeature>,
  custom: Record<string, { guard: string; install: string; verify: string }> | undefined,
  access: ConfigFileAccess,
): FeatureScripts {
  const own = custom?.[feature];
  if (own) {
    const read = (role: keyof FeatureScripts) => readConfigScript(access, own[role], `custom_features.${feature}.${role}`);
    return { guard: read("guard"), install: read("install"), verify: read("verify") };
  }
  const entry = catalog[feature];
  if (!entry) {
    throw new PhoenixError("config", `feature '${feature}' is neither built in nor in custom_features`, { hint: `check its spelling, or define it under custom_features.${feature}` });
  }
  const read = (role: keyof FeatureScripts) => readBuiltinScript(entry.scripts[role]);
  return { guard: read("guard"), install: read("install"), verify: read("verify") };
}
