/**
 * Parsers for the two column tables: `pct list` (pct.md §3.1) and `pvesm status`.
 *
 * `pct list` prints `%-10s %-10s %-12s %-20s` with no truncation, so a long value pushes the rest of its line
 * right (fixture 08) and the Lock column is blank when unlocked. Fixed columns would break on overflow and
 * whitespace splitting cannot tell an empty Lock from a name, so rows are matched as: VMID, status, then either
 * one token (name, no lock) or two (lock, name). Names never contain whitespace (pct strips it).
 */

import { ParseError } from "./errors";
import type { PctListEntry, StorageStatus } from "./pct-model";
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

const PVESM_HEADER = /^Name\s+Type\s+Status\s+Total\s+Used\s+Available\s+%\s*$/;

function kib(text: string, command: string, line: number, raw: string): number {
  if (!/^[0-9]+$/.test(text)) throw new ParseError(command, line, "a size in KiB", raw);
  return Number(text);
}

/** Parses `pvesm status` (Name Type Status Total Used Available %), tolerant of column widths. */
export function parseStorageStatus(stdout: string, command = "pvesm status"): StorageStatus[] {
  const lines = splitOutputLines(stdout);
  const headerAt = lines.findIndex((l) => l.trim() !== "");
  if (headerAt < 0) return [];
  if (!PVESM_HEADER.test(lines[headerAt]!.trim())) {
    throw new ParseError(command, headerAt + 1, "the header 'Name Type Status Total Used Available %'", lines[headerAt]!);
  }
  const rows: StorageStatus[] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    const cols = line.trim().split(/\s+/);
    // Disabled storages print `N/A` in the % column.
    const pct = /^(?:([0-9]+(?:\.[0-9]+)?)%|N\/A)$/.exec(cols[6] ?? "");
    if (cols.length !== 7 || !pct) {
      throw new ParseError(command, i + 1, "'<name> <type> <status> <total> <used> <available> <n.nn%|N/A>'", line);
    }
    rows.push({
      name: cols[0]!,
      type: cols[1]!,
      status: cols[2]!,
      totalKiB: kib(cols[3]!, command, i + 1, line),
      usedKiB: kib(cols[4]!, command, i + 1, line),
      availableKiB: kib(cols[5]!, command, i + 1, line),
      ...(pct[1] === undefined ? {} : { usedPercent: Number(pct[1]) }),
    });
  }
  return rows;
}
