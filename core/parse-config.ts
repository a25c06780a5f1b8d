/**
 * Parsers for the `key: value` outputs of pct: `pct config`, `pct pending` and `pct status [--verbose]`
 * (pct.md §3.2–3.4).
 */

import { ParseError } from "./errors";
import type { CtStatus, PctConfig, PctPendingEntry, PctStatus } from "./pct-model";
import { decodePveText, parseKeyValueLine, splitOutputLines } from "./parse-text";

/**
 * Parses `pct config` output. Raw `lxc.*` lines keep their order; `description` is decoded; values are kept
 * byte for byte (a value may be one space, fixture 31). With or without `--current` the format is the same.
 */
export function parsePctConfig(stdout: string, command = "pct config"): PctConfig {
  const config: PctConfig = { options: {}, lxc: [] };
  splitOutputLines(stdout).forEach((line, index) => {
    if (line.trim() === "") return;
    const kv = parseKeyValueLine(line);
    if (!kv) throw new ParseError(command, index + 1, "a 'key: value' line", line);
    if (kv.key.startsWith("lxc.")) {
      config.lxc.push(kv);
    } else if (kv.key === "description") {
      config.description = decodePveText(kv.value);
    } else if (kv.key === "digest") {
      config.digest = kv.value;
    } else {
      if (kv.key in config.options) throw new ParseError(command, index + 1, `'${kv.key}' only once`, line);
      config.options[kv.key] = kv.value;
    }
  });
  return config;
}

const PENDING_LINE = /^(cur|new|del) (.*)$/;

/**
 * Parses `pct pending`: `cur k: v` (applied), `new k: v` (pending value), `del k: v` (pending deletion of
 * the applied value). Entries come back in output order, one per key.
 */
export function parsePctPending(stdout: string, command = "pct pending"): PctPendingEntry[] {
  const byKey = new Map<string, PctPendingEntry>();
  splitOutputLines(stdout).forEach((line, index) => {
    if (line.trim() === "") return;
    const m = PENDING_LINE.exec(line);
    const kv = m ? parseKeyValueLine(m[2]!) : undefined;
    if (!m || !kv) throw new ParseError(command, index + 1, "'cur|new|del <key>: <value>'", line);
    const value = kv.key === "description" ? decodePveText(kv.value) : kv.value;
    const entry = byKey.get(kv.key) ?? { key: kv.key };
    if (m[1] === "new") {
      entry.pending = value;
    } else {
      entry.current = value;
      if (m[1] === "del") entry.delete = true;
    }
    byKey.set(kv.key, entry);
  });
  return [...byKey.values()];
}

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
