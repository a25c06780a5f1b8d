/**
 * Parser for the column table of `pct list` (docs/pve-behaviour.md §3.1).
 *
 * `pct list` prints `%-10s %-10s %-12s %-20s` with no truncation, so a long value pushes the rest of its line
 * right (fixture 08) and the Lock column is blank when unlocked. Fixed columns would break on overflow and
 * whitespace splitting cannot tell an empty Lock from a name, so rows are matched as: VMID, status, then either
 * one token (name, no lock) or two (lock, name). Names never contain whitespace (pct strips it).
 */

import { ParseError } from "./errors";
import type { PctListEntry } from "./pct-model";
import { checkCtStatus } from "./parse-config";
import { splitOutputLines } from "./parse-text";

const LIST_HEADER = /^VMID\s+Status\s+Lock\s+Name\s*$/;

/** Parses `pct list`; empty output means the node has no containers. */
export function parsePctList(stdout: string, command = "pct list"): PctListEntry[] {
  const lines = splitOutputLines(stdout);
  if (lines.every((l) => l.trim() === "")) return [];
  if (!LIST_HEADER.test(lines[0]!)) throw new ParseError(command, 1, "the header 'VMID Status Lock Name'", lines[0]!);
  const entries: PctListEntry[] = [];
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === "") return;
    const cols = line.trim().split(/\s+/);
    const lineNo = i + 2;
    if (!/^[1-9][0-9]{2,8}$/.test(cols[0]!) || cols.length < 3 || cols.length > 4) {
      throw new ParseError(command, lineNo, "'<vmid> <status> [<lock>] <name>'", line);
    }
    const status = checkCtStatus(cols[1]!, command, lineNo);
    const entry: PctListEntry = { vmid: Number(cols[0]), status, name: cols[cols.length - 1]! };
    if (cols.length === 4) entry.lock = cols[2];
    entries.push(entry);
  });
  return entries;
}
