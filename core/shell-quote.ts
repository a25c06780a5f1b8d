/**
 * Turns an argv array into one POSIX shell command line, the only way any command reaches a host.
 *
 * Every argument is single-quoted (a `'` inside becomes `'\''`), so nothing — spaces, `$()`, backticks,
 * newlines, globs, leading dashes — is ever interpreted by the remote shell. Arguments that consist only of
 * characters that are inert in every POSIX shell are left bare so command logs stay readable.
 */

import { internalError, PhoenixError } from "./errors";

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one argument for a POSIX shell. */
export function quoteArg(arg: string): string {
  if (arg.includes("\0")) {
    // Reachable from the config: a JSON string may hold \u0000, which no argv element can carry.
    throw new PhoenixError("config", `a command argument contains a NUL character (\\u0000): ${JSON.stringify(arg.slice(0, 80))}`, {
      hint: "remove the \\u0000 from the configuration value above",
    });
  }
  if (arg !== "" && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Quotes an argv array into one command line: `["pct","set","100","--description","a b"]` → `pct set 100 --description 'a b'`. */
export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw internalError("cannot quote an empty argv");
  return argv.map(quoteArg).join(" ");
}

/**
 * The display form of a command: the quoted line with the values of secret-bearing options replaced by `***`,
 * and an inline script (`[env K=V…] sh -c SCRIPT NAME ARGS…`) shown as `<script NAME>`. Used for logs and error
 * messages; never for execution.
 *
 * Why the script is cut: a feature's converge passes its guard, install and verify scripts as arguments, so its
 * full line is dozens of lines, and `pulumi up` shows an error by its message alone; the `env` values may be
 * secrets. The name (`$0`, e.g. `phoenix-docker-converge`) is what `ps` shows on the node.
 */
export function redactArgv(argv: readonly string[], secretOptions: readonly string[] = ["--password"]): string {
  const shown = argv.map((a, i) => (i > 0 && secretOptions.includes(argv[i - 1]!) ? "***" : a));
  const sh = shown.findIndex((a, i) => a === "sh" && shown[i + 1] === "-c" && i + 2 < shown.length);
  if (sh < 0) return quoteArgv(shown);
  let start = sh;
  const env = shown.lastIndexOf("env", sh);
  if (env >= 0 && shown.slice(env + 1, sh).every((a) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(a))) start = env;
  const name = shown[sh + 3];
  const script = name === undefined ? "<script>" : `<script ${name.replace(/[^A-Za-z0-9_.-]/g, "?")}>`;
  return [...(start > 0 ? [quoteArgv(shown.slice(0, start))] : []), script].join(" ");
}
