/**
 * Parser for `pct listsnapshot` (and `qm listsnapshot`, same printer: pve-guest-common `GuestHelpers.pm`
 * `print_snapshot_tree`), in every format PVE has printed (pct.md §3.14, §11):
 *
 * - tree lines `<indent>`-> <name> <time> <description>` where each level adds 1 space (now), 2 spaces
 *   (until Mar 2022) or 4 spaces (until Oct 2020). The unit is the smallest indentation in the output: a line
 *   at depth d > 0 always follows its parent at depth d − 1, so the first indented line is at depth 1;
 * - the legacy flat listing `<name> <parent|no-parent> <description>` (fixture 17).
 *
 * Names overflow their column with a single separating space (fixture 16), so lines are split on whitespace
 * runs, not on fixed columns.
 */

import { ParseError } from "./errors";
import type { SnapshotTreeEntry } from "./pct-model";
import { splitOutputLines } from "./parse-text";

const TREE_LINE = /^( *)`-> (\S+)(.*)$/;
const TIME_AND_DESCRIPTION = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?: +(.*))?$/;
const FLAT_LINE = /^(\S+) +(\S+)(?: +(.*))?$/;
const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

interface NumberedLine {
  text: string;
  line: number;
}

function describe(printed: string): string {
  return printed === "no-description" ? "" : printed;
}

function parseTree(lines: NumberedLine[], command: string): SnapshotTreeEntry[] {
  const matches = lines.map(({ text, line }) => {
    const m = TREE_LINE.exec(text);
    if (!m || !NAME.test(m[2]!)) throw new ParseError(command, line, "a tree line '`-> <name> <time> <description>'", text);
    return { m, line, text };
  });
  const indents = matches.map(({ m }) => m[1]!.length).filter((n) => n > 0);
  const unit = indents.length === 0 ? 1 : Math.min(...indents);
  const path: string[] = [];
  return matches.map(({ m, line, text }) => {
    const indent = m[1]!.length;
    const depth = indent / unit;
    if (!Number.isInteger(depth) || depth > path.length) {
      throw new ParseError(command, line, `an indentation of at most ${path.length} level(s) of ${unit} space(s)`, text);
    }
    path.length = depth;
    const name = m[2]!;
    const rest = m[3]!.trim();
    const timed = TIME_AND_DESCRIPTION.exec(rest);
    const entry: SnapshotTreeEntry = { name, description: describe(timed ? (timed[2] ?? "") : rest), depth };
    if (depth > 0) entry.parent = path[depth - 1];
    if (timed) entry.time = timed[1];
    path.push(name);
    return entry;
  });
}

function parseFlat(lines: NumberedLine[], command: string): SnapshotTreeEntry[] {
  const entries = lines.map(({ text, line }) => {
    const m = FLAT_LINE.exec(text.trim());
    const parentOk = m && (m[2] === "no-parent" || NAME.test(m[2]!));
    if (!m || !NAME.test(m[1]!) || !parentOk) {
      throw new ParseError(command, line, "a tree line or a legacy line '<name> <parent|no-parent> <description>'", text);
    }
    const entry: SnapshotTreeEntry = { name: m[1]!, description: describe(m[3] ?? ""), depth: 0 };
    if (m[2] !== "no-parent") entry.parent = m[2];
    return entry;
  });
  // Depth follows the parent chain; a parent missing from the listing makes a root, a cycle stops the walk.
  const parentOf = new Map(entries.map((e) => [e.name, e.parent]));
  for (const entry of entries) {
    const seen = new Set<string>([entry.name]);
    for (let p = entry.parent; p !== undefined && parentOf.has(p) && !seen.has(p); p = parentOf.get(p)) {
      seen.add(p);
      entry.depth++;
    }
  }
  return entries;
}

/**
 * Parses `pct listsnapshot` output into entries in printed order, the `current` pseudo-entry included when
 * printed. Empty output gives an empty list.
 */
export function parseSnapshotTree(stdout: string, command = "pct listsnapshot"): SnapshotTreeEntry[] {
  const lines = splitOutputLines(stdout)
    .map((text, i) => ({ text, line: i + 1 }))
    .filter(({ text }) => text.trim() !== "");
  if (lines.length === 0) return [];
  return lines.some(({ text }) => text.includes("`->")) ? parseTree(lines, command) : parseFlat(lines, command);
}
