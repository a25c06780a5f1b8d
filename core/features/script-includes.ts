/**
 * `# @include lib/<file>.sh` lines in feature scripts: replaced by the library's text when a script is read,
 * because scripts reach the container as text (`pct exec … sh -c <script>`), not as files that could source
 * each other. Pure: the reader of library files is passed in.
 */

const INCLUDE = /^# @include (lib\/[A-Za-z0-9_-]+\.sh)\s*$/gm;

/** Expands every include line of `script` (one level: libraries do not include others). */
export function expandIncludes(script: string, readLibrary: (relativePath: string) => string): string {
  return script.replace(INCLUDE, (_line, file: string) => `# --- ${file} ---\n${readLibrary(file).trimEnd()}\n# --- end of ${file} ---`);
}
