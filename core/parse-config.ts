/**
 * Parser for the `key: value` output of `pct status [--verbose]` (docs/pve-behaviour.md §3.2).
 */

import { ParseError } from "./errors";
import type { CtStatus, PctStatus } from "./pct-model";
import { parseKeyValueLine, splitOutputLines } from "./parse-text";

/** Narrows a status word to {@link CtStatus}, or throws a ParseError naming the line. */
export function checkCtStatus(value: string, command: string, line?: number): CtStatus {
  if (value === "running" || value === "stopped") return value;
  throw new ParseError(command, line, "status 'running' or 'stopped'", value);
}

/** Parses `pct status` (one `status:` line) and `pct status --verbose` (one line per field). */
export function parsePctStatus(stdout: string, command = "pct status"): PctStatus {
  const fields: Record<string, string> = {};
  let statusLine: number | undefined;
  splitOutputLines(stdout).forEach((line, index) => {
    if (line.trim() === "") return;
    const kv = parseKeyValueLine(line);
    if (!kv) throw new ParseError(command, index + 1, "a 'key: value' line", line);
    if (kv.key === "status") statusLine = index + 1;
    fields[kv.key] = kv.value;
  });
  if (fields.status === undefined) throw new ParseError(command, undefined, "a 'status: …' line", stdout);
  const status = checkCtStatus(fields.status, command, statusLine);
  return fields.lock ? { status, lock: fields.lock, fields } : { status, fields };
}
