/**
 * Turns an argv array into one POSIX shell command line, the only way any command reaches a host.
 *
 * Every argument is single-quoted (a `'` inside becomes `'\''`), so nothing — spaces, `$()`, backticks,
 * newlines, globs, leading dashes — is ever interpreted by the remote shell. Arguments that consist only of
 * characters that are inert in every POSIX shell are left bare so command logs stay readable.
 */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one argument for a POSIX shell. */
export function quoteArg(arg: string): string {
  if (arg.includes("\0")) throw new TypeError("a command argument cannot contain a NUL byte");
  if (arg !== "" && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Quotes an argv array into one command line: `["pct","set","100","--description","a b"]` → `pct set 100 --description 'a b'`. */
export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new TypeError("cannot quote an empty argv");
  return argv.map(quoteArg).join(" ");
}

/**
 * The display form of a command: the quoted line with the values of secret-bearing options replaced by `***`.
 * Used for logs and error messages; never for execution.
 */
export function redactArgv(argv: readonly string[], secretOptions: readonly string[] = ["--password"]): string {
  const shown = argv.map((a, i) => (i > 0 && secretOptions.includes(argv[i - 1]!) ? "***" : a));
  return quoteArgv(shown);
}
