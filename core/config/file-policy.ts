/**
 * Which files a containers file may make the program read, and what they may contain. Pure: the file system is
 * consulted in host/config-files.ts; here are the list of paths a config names, the placement rule and the
 * content rule.
 *
 * Why: script and profile texts become resource inputs, so they are stored in the Pulumi state and pushed into
 * containers. A containers file arriving by pull request must not be able to name `/etc/shadow` or
 * `../../.ssh/id_ed25519` on the machine that runs `pulumi up`.
 */
import * as path from "node:path";
import type { ConfigView } from "./salvage";

/**
 * Largest script or profile file, in bytes. A script travels as one command-line argument (Linux caps one
 * argument at 128 KiB and quoting grows the text on the way) and is stored in the state on every up.
 */
export const MAX_CONFIG_FILE_BYTES = 64 * 1024;

/** Which directory a path in the config is relative to. */
export type ConfigFileBase = "config" | "apparmor";

/** One file the configuration names. */
export interface ConfigFileRef {
  /** JSON path of the field, e.g. `lxc_configs.950.application_script`. */
  jsonPath: string;
  /** The value as written. */
  value: string;
  /** `config`: relative to the containers file's directory; `apparmor`: a profile name under the apparmor folder. */
  base: ConfigFileBase;
}

/** Every file path the configuration names, in file order (custom features first). */
export function collectConfigFileRefs(config: ConfigView): ConfigFileRef[] {
  const refs: ConfigFileRef[] = [];
  // A file that failed the schema is a view: any part may be missing, and only strings are paths.
  const add = (jsonPath: string, value: unknown, base: ConfigFileBase) => {
    if (typeof value === "string") refs.push({ jsonPath, value, base });
  };
  for (const [name, f] of Object.entries(config.custom_features ?? {})) {
    for (const role of ["guard", "install", "verify"] as const) add(`custom_features.${name}.${role}`, f?.[role], "config");
  }
  for (const [id, c] of Object.entries(config.lxc_configs ?? {})) {
    if (c === undefined) continue;
    const at = `lxc_configs.${id}`;
    add(`${at}.application_script`, c.application_script, "config");
    (c.health_checks ?? []).forEach((h, i) => add(`${at}.health_checks.${i}.script`, h?.script, "config"));
    for (const [suite, tests] of Object.entries(c.tests ?? {})) {
      (tests ?? []).forEach((t, i) => add(`${at}.tests.${suite}.${i}.path`, t?.path, "config"));
    }
    if (c.apparmor_profile !== "unconfined") add(`${at}.apparmor_profile`, c.apparmor_profile, "apparmor");
  }
  return refs;
}

/** True when `p` is `root` or lies below it (both absolute and normalised). */
export function isInsideRoot(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** A problem with one path, with the text of the next step. */
export interface PathProblem {
  message: string;
}

/** How to add a directory to the allowed roots (stack config `allowedPaths`). */
export const ALLOWED_PATHS_HINT = "or add its directory to the stack config: pulumi config set --path 'allowedPaths[0]' <dir>";

/**
 * The lexical rule: no absolute path, and the path joined onto `baseDir` stays inside one of `roots`.
 * Symlinks are the file system's business (host/config-files.ts).
 */
export function checkPathPlacement(value: string, baseDir: string, roots: readonly string[]): PathProblem | undefined {
  const rootList = roots.join(", ");
  if (path.isAbsolute(value)) {
    return { message: `absolute path "${value}" is not allowed: files are read from the project only (${rootList}); put the file there and write its path relative to ${baseDir}` };
  }
  const full = path.resolve(baseDir, value);
  if (!roots.some((r) => isInsideRoot(r, full))) {
    return { message: `"${value}" resolves to ${full}, outside the project (${rootList}); move the file into the project and write its path relative to ${baseDir}, ${ALLOWED_PATHS_HINT}` };
  }
  return undefined;
}

/** The size rule: at most {@link MAX_CONFIG_FILE_BYTES} per file. */
export function checkFileSize(value: string, sizeBytes: number): PathProblem | undefined {
  if (sizeBytes <= MAX_CONFIG_FILE_BYTES) return undefined;
  return { message: `"${value}" is ${sizeBytes} bytes, more than the limit of ${MAX_CONFIG_FILE_BYTES} bytes per script or profile; make it smaller (a script can download what it needs)` };
}

/** The content rule: text only (no NUL byte, valid UTF-8), within the size limit. */
export function checkTextContent(value: string, bytes: Uint8Array): PathProblem | undefined {
  const size = checkFileSize(value, bytes.length);
  if (size) return size;
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { message: `"${value}" contains a NUL byte at offset ${nul}: a binary file, not a script or profile; name a text file` };
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { message: `"${value}" is not valid UTF-8 text (a binary file?); name a text file, saved as UTF-8` };
  }
  return undefined;
}
