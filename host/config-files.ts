/**
 * Reads the files a containers file names (scripts, custom features, AppArmor profiles, test scripts) only
 * from inside the allowed roots: the project (the directory of Pulumi.yaml) and the stack config's
 * `allowedPaths`. The same check runs twice: in the loader, so `phoenix validate` and the program report every
 * bad path before anything runs, and at each read, so nothing outside the roots can reach the state even when
 * a file changes between the two.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ConfigIssue } from "../core/errors";
import { PhoenixError } from "../core/errors";
import {
  ALLOWED_PATHS_HINT,
  checkFileSize,
  checkPathPlacement,
  checkTextContent,
  collectConfigFileRefs,
  ConfigFileBase,
  isInsideRoot,
  MAX_CONFIG_FILE_BYTES,
  PathProblem,
} from "../core/config/file-policy";
import type { ConfigView } from "../core/config/salvage";

/** The package's apparmor/ folder: profile files the config names by `apparmor_profile`. */
export const BUILTIN_APPARMOR_DIR = path.resolve(__dirname, "..", "..", "apparmor");

/** Where files named by a containers file may come from. */
export interface ConfigFileAccess {
  /** Directory of the containers file: paths in it are relative to this. */
  configDir: string;
  /** Absolute directories every file must really (after symlinks) lie in. */
  roots: readonly string[];
  /** Folder of AppArmor profiles (`apparmor_profile` names a file in it). @default {@link BUILTIN_APPARMOR_DIR} */
  apparmorDir?: string;
}

/** The project holding `dir`: the nearest directory at or above it with a Pulumi.yaml, else `dir` itself. */
export function findProjectRoot(dir: string): string {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, "Pulumi.yaml")) || fs.existsSync(path.join(d, "Pulumi.yml"))) return d;
    if (d === path.dirname(d)) return path.resolve(dir);
  }
}

/**
 * The allowed roots: the project root and the stack config's `allowedPaths` (relative to the project root).
 * @param projectRoot directory of Pulumi.yaml, as the caller determined it
 */
export function buildAllowedRoots(projectRoot: string, allowedPaths: readonly string[] = []): string[] {
  return [projectRoot, ...allowedPaths].map((p) => path.resolve(projectRoot, p));
}

const realRoot = (root: string) => {
  try {
    return fs.realpathSync(root);
  } catch {
    return path.resolve(root);
  }
};

/** The outcome of inspecting one file: its text, or why it may not be read; `missing` when it does not exist. */
export type InspectedFile = { text: string } | { problem: PathProblem } | { missing: string };

/**
 * Checks one path from the config and reads it when allowed: placement (lexical, then after symlinks), regular
 * file, size, text content. Reads at most {@link MAX_CONFIG_FILE_BYTES} + 1 bytes, never more.
 */
export function inspectConfigFile(value: string, base: ConfigFileBase, access: ConfigFileAccess): InspectedFile {
  const baseDir = base === "apparmor" ? access.apparmorDir ?? BUILTIN_APPARMOR_DIR : access.configDir;
  // A profile is a name in the package's (or the given) apparmor folder: that folder is its root.
  const roots = base === "apparmor" ? [baseDir, ...access.roots] : access.roots;
  const placement = checkPathPlacement(value, baseDir, roots);
  if (placement) return { problem: placement };
  const full = path.resolve(baseDir, value);
  let real: string;
  try {
    real = fs.realpathSync(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !isDanglingLink(full)) return { missing: full };
    return { problem: { message: `"${value}" cannot be resolved (${code ?? String(e)}): ${full}; name an existing file inside the project` } };
  }
  if (!roots.some((r) => isInsideRoot(realRoot(r), real))) {
    return { problem: { message: `"${value}" is a symlink to ${real}, outside the project (${roots.join(", ")}); copy the file into the project instead of linking to it, ${ALLOWED_PATHS_HINT}` } };
  }
  const stat = fs.statSync(real);
  if (!stat.isFile()) return { problem: { message: `"${value}" (${real}) is not a regular file; name a script file` } };
  const size = checkFileSize(value, stat.size);
  if (size) return { problem: size };
  const bytes = readAtMost(real, MAX_CONFIG_FILE_BYTES + 1);
  const content = checkTextContent(value, bytes);
  if (content) return { problem: content };
  return { text: Buffer.from(bytes).toString("utf8") };
}

function isDanglingLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function readAtMost(file: string, limit: number): Uint8Array {
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.alloc(limit);
    let n = 0;
    for (let r = -1; r !== 0 && n < limit; n += r) r = fs.readSync(fd, buf, n, limit - n, null);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The loader's file check: one issue per path that is outside the roots, a symlink out of them, not a regular
 * file, too large or binary. A missing file is not reported here (the existence check reports it).
 */
export function checkConfigFiles(config: ConfigView, access: ConfigFileAccess): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const ref of collectConfigFileRefs(config)) {
    const r = inspectConfigFile(ref.value, ref.base, access);
    if ("problem" in r) issues.push({ path: ref.jsonPath, message: r.problem.message, severity: "error" });
  }
  return issues;
}

/**
 * Reads a file the config names, under the same rules; throws a config error naming the JSON path otherwise.
 * @param jsonPath the field, e.g. `lxc_configs.950.application_script`
 */
export function readConfinedText(value: string, jsonPath: string, access: ConfigFileAccess, base: ConfigFileBase = "config"): string {
  const r = inspectConfigFile(value, base, access);
  if ("text" in r) return r.text;
  if ("missing" in r) {
    const hint = base === "apparmor" ? `add the profile to ${access.apparmorDir ?? BUILTIN_APPARMOR_DIR}/ or choose another apparmor_profile` : `paths are relative to ${access.configDir}`;
    throw new PhoenixError("config", `${jsonPath}: cannot read ${r.missing} (no such file)`, { hint });
  }
  throw new PhoenixError("config", `${jsonPath}: ${r.problem.message}`, { hint: `fix ${jsonPath}; phoenix validate checks every file the config names` });
}
