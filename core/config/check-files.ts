/**
 * Files the configuration names must exist: custom feature scripts, application scripts and health-check
 * scripts (read by an up before any container is touched) and test scripts (read by `phoenix test`). Relative
 * paths are relative to the config file's directory. Existence is the injected `LoadOptions.fileExists`, so this
 * stays pure; without it the check is skipped.
 */
import type { ConfigIssue } from "../errors";
import { type CheckContext, containersOf } from "./check-context";
import { errorAt } from "./issue-kinds";
import type { ConfigView } from "./salvage";

/** Every named script file must exist. */
export function checkFilesExist(config: ConfigView, ctx: CheckContext): ConfigIssue[] {
  const { fileExists, baseDir } = ctx.options;
  if (fileExists === undefined) return [];
  const issues: ConfigIssue[] = [];
  const need = (at: string, file: string | undefined, what: string) => {
    if (file === undefined) return;
    const full = joinPath(baseDir, file);
    if (!fileExists(full)) issues.push(errorAt("file-missing", at, `file not found: ${full}${what}`));
  };
  for (const [name, f] of Object.entries(config.custom_features ?? {})) {
    for (const role of ["guard", "install", "verify"] as const) need(`custom_features.${name}.${role}`, f?.[role], "");
  }
  const relative = baseDir ? ` (paths are relative to ${baseDir})` : "";
  for (const [id, c] of containersOf(config)) {
    const at = `lxc_configs.${id}`;
    need(`${at}.application_script`, c.application_script, `; create it or fix the path${relative}`);
    (c.health_checks ?? []).forEach((h, i) => need(`${at}.health_checks.${i}.script`, h?.script, `; create it or fix the path${relative}`));
    for (const [suite, tests] of Object.entries(c.tests ?? {})) {
      (tests ?? []).forEach((t, i) => need(`${at}.tests.${suite}.${i}.path`, t?.path, `; phoenix test runs it: create it or fix the path${relative}`));
    }
  }
  return issues;
}

/** Joins a relative path onto `base` with `/` (POSIX; the tool runs on Linux). Absolute paths stay as they are. */
function joinPath(base: string | undefined, path: string): string {
  if (path.startsWith("/") || base === undefined || base === "") return path;
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\.\//, "")}`;
}
