/**
 * Several commands in one SSH round trip, each with its own stdout, stderr and exit code.
 *
 * The script runs each argv with stdin from /dev/null and stdout/stderr into temp files, then prints them
 * between marker lines `<nonce>:<i>:out|err|exit:<code>`. Because the outputs are printed only after the
 * command finished, they cannot interleave; because each marker carries an unguessable nonce, output cannot
 * forge a frame. The nonce never appears whole in the script itself (it is assembled from two shell variables),
 * so even a command that prints the process list (`ps`, /proc/*\/cmdline) cannot leak a marker.
 */

import { internalError, ParseError } from "./errors";
import type { CommandOutput } from "./pct-model";
import { quoteArg, quoteArgv } from "./shell-quote";

const NONCE = /^[A-Za-z0-9]{16,128}$/;
const COMMAND = "remote batch";

function checkNonce(nonce: string): void {
  if (!NONCE.test(nonce)) throw internalError("a batch nonce is 16 to 128 random letters and digits");
}

/**
 * The most characters of commands one batch should carry. A batch is one `sh -c` argument of the SSH command
 * line, which the node's login shell receives as one string, and Linux caps one argument at 128 KiB
 * (MAX_ARG_STRLEN); scripts get quoted again on the way (into the batch, then onto the command line), so batches
 * close well below that.
 */
export const MAX_BATCH_CHARS = 48 * 1024;

/** How a batch runs its commands. */
export interface BatchOptions {
  /**
   * Run the commands at the same time (each in a background subshell, outputs printed in order once all are
   * done) instead of one after another. For independent reads: the batch then takes as long as its slowest
   * command, not their sum. @default false
   */
  parallel?: boolean;
}

/**
 * Builds `["sh", "-c", script]` that runs `argvs` (each regardless of the others' exit codes) and frames their
 * outputs with `nonce`. Pass a fresh random nonce per call.
 */
export function buildBatchCommand(argvs: readonly (readonly string[])[], nonce: string, options: BatchOptions = {}): string[] {
  checkNonce(nonce);
  if (argvs.length === 0) throw internalError("a batch needs at least one command");
  const half = Math.floor(nonce.length / 2);
  const lines = [
    'd=$(mktemp -d) || exit 125',
    "trap 'rm -rf \"$d\"' EXIT",
    `a=${quoteArg(nonce.slice(0, half))}; b=${quoteArg(nonce.slice(half))}`,
  ];
  // Sequentially one pair of files serves every command; in parallel each command has its own.
  const printFrame = (i: number, out: string, err: string) => [
    `printf '%s%s:${i}:out\\n' "$a" "$b"`,
    `cat "${out}"; printf '\\n%s%s:${i}:err\\n' "$a" "$b"`,
    `cat "${err}"; printf '\\n%s%s:${i}:exit:%d\\n' "$a" "$b" "$c"`,
  ];
  if (options.parallel) {
    // A subshell that dies without writing its code (killed) reports 255, like ssh for a lost command.
    argvs.forEach((argv, i) => lines.push(`{ ${quoteArgv(argv)} </dev/null >"$d/o${i}" 2>"$d/e${i}"; echo $? >"$d/c${i}"; } &`));
    lines.push("wait");
    argvs.forEach((_, i) => lines.push(`c=$(cat "$d/c${i}" 2>/dev/null) || c=255`, ...printFrame(i, `$d/o${i}`, `$d/e${i}`)));
  } else {
    argvs.forEach((argv, i) => {
      const [begin, ...rest] = printFrame(i, "$d/o", "$d/e");
      lines.push(begin!, `${quoteArgv(argv)} </dev/null >"$d/o" 2>"$d/e"; c=$?`, ...rest);
    });
  }
  return ["sh", "-c", lines.join("\n")];
}

function lineAt(text: string, pos: number): number {
  return text.slice(0, pos).split("\n").length;
}

/**
 * Splits the stdout of a {@link buildBatchCommand} run into one result per command, in order. Text before the
 * first frame (a login banner) is ignored; a missing or truncated frame is a ParseError (the batch was cut off).
 */
export function parseBatchOutput(stdout: string, nonce: string, count: number): CommandOutput[] {
  checkNonce(nonce);
  const results: CommandOutput[] = [];
  let pos = 0;
  const expect = (marker: string, what: string): number => {
    const at = stdout.indexOf(marker, pos);
    if (at < 0) throw new ParseError(COMMAND, lineAt(stdout, pos), what, stdout.slice(pos));
    return at;
  };
  for (let i = 0; i < count; i++) {
    const begin = `${nonce}:${i}:out\n`;
    const beginAt = expect(i === 0 ? begin : `\n${begin}`, `the start of command ${i + 1} of ${count}`);
    pos = beginAt + begin.length + (i === 0 ? 0 : 1);
    const errMark = `\n${nonce}:${i}:err\n`;
    const errAt = expect(errMark, `the stderr marker of command ${i + 1}`);
    const stdoutText = stdout.slice(pos, errAt);
    pos = errAt + errMark.length;
    const exitMark = `\n${nonce}:${i}:exit:`;
    const exitAt = expect(exitMark, `the exit marker of command ${i + 1}`);
    const stderrText = stdout.slice(pos, exitAt);
    pos = exitAt + exitMark.length;
    const code = /^([0-9]+)(?:\n|$)/.exec(stdout.slice(pos));
    if (!code) throw new ParseError(COMMAND, lineAt(stdout, pos), "an exit code", stdout.slice(pos));
    // Leave the newline after the code in place: it is the one the next frame's begin marker starts with.
    pos += code[1]!.length;
    results.push({ stdout: stdoutText, stderr: stderrText, exitCode: Number(code[1]) });
  }
  return results;
}
