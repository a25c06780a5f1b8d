/**
 * Parser for the `400 …` blocks pve-common prints for parameter errors (docs/pve-behaviour.md §1.3):
 *
 * ```
 * 400 Parameter verification failed.
 * rootfs: invalid format - format error
 * rootfs.volume: property is missing and it is not optional
 *
 * memory: type check ('integer') failed - got ''
 *
 * pct create <vmid> <ostemplate> [OPTIONS]
 * ```
 *
 * Blank lines follow messages that ended in a newline; dotted subkeys are messages of their own; the block
 * ends with the usage line. Getopt's `Unknown option: x` may precede the `400` line.
 */

import { ParseError } from "./errors";
import type { ParameterErrorBlock } from "./pct-model";
import { splitOutputLines } from "./parse-text";

const HEAD = /^400 (.+)$/;
const FIELD = /^([A-Za-z][A-Za-z0-9_.\-]*): (.*)$/;
const USAGE = /^(pct|pvesh|pvesm|qm) \S/;

/** Finds the `400 …` line in stderr, or undefined when there is none. */
export function findParameterErrorLine(stderr: string): number | undefined {
  const index = splitOutputLines(stderr).findIndex((l) => HEAD.test(l));
  return index < 0 ? undefined : index;
}

/** Parses a `400 …` block out of stderr; lines before the `400` line are ignored. */
export function parseParameterError(stderr: string, command = "pct"): ParameterErrorBlock {
  const lines = splitOutputLines(stderr);
  const start = findParameterErrorLine(stderr);
  if (start === undefined) throw new ParseError(command, undefined, "a '400 …' parameter error block", stderr);
  const block: ParameterErrorBlock = { summary: HEAD.exec(lines[start]!)![1]!, fields: {} };
  let last: string | undefined;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    if (USAGE.test(line)) {
      block.usage = line;
      break;
    }
    const m = FIELD.exec(line);
    if (m) {
      last = m[1]!;
      block.fields[last] = m[2]!;
    } else if (last !== undefined) {
      // A message that itself spans lines: keep the continuation with the field it belongs to.
      block.fields[last] += `\n${line}`;
    } else {
      throw new ParseError(command, i + 1, "'<parameter>: <message>' or the usage line", line);
    }
  }
  return block;
}
