/**
 * The project root: the directory of Pulumi.yaml. Every relative path in stack config (`configFile`,
 * `sshPrivateKeyPath`) is resolved against it, never against the working directory, because the working
 * directory differs by entry point: the Pulumi CLI runs the program (and the provider processes) in the
 * directory of `main` (`dist/` here), the `phoenix` CLI wherever the user stands.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** File names Pulumi accepts for the project file. */
const PROJECT_FILES = ["Pulumi.yaml", "Pulumi.yml"];

/**
 * The nearest directory at or above `start` that holds a Pulumi project file, or undefined. `main` must lie
 * inside the project, so from the program's working directory the nearest project file is the project's own.
 */
export function findProjectRoot(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (PROJECT_FILES.some((f) => fs.existsSync(path.join(dir, f)))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The project root as the engine names it (current Node.js language hosts pass it; v3.68's and the Automation
 * API's inline programs do not), else the nearest project file at or above the working directory, else the
 * working directory itself.
 */
export function resolveProjectRoot(fromEngine: string | undefined, cwd: string = process.cwd()): string {
  if (fromEngine) return fromEngine;
  return findProjectRoot(cwd) ?? cwd;
}
