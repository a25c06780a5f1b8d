/**
 * The on-disk container config `/etc/pve/lxc/<vmid>.conf` (docs/pve-behaviour.md §5): parse, serialize, and replace the main
 * section's raw `lxc.*` lines without touching anything else.
 *
 * Reader rules follow pve-container `PVE::LXC::Config::parse_pct_config`: blank lines are ignored, `#` lines
 * add to the description of the section they sit in, `[pve:pending]` and `[<snap>]` start sections, raw lines
 * come as `lxc.key: v` or `lxc.key = v`, values lose surrounding whitespace but keep at least one character
 * (so `searchdomain:  ` holds one space). Snapshot sections can hold raw lines too (fixture 01).
 */

import { internalError, ParseError, PhoenixError } from "./errors";
import type { LxcRawLine } from "./pct-model";
import { decodePveText, encodePveText } from "./parse-text";

/** One section of the file: main, `[pve:pending]`, or a snapshot. */
export interface ConfSection {
  /** Decoded description from `#` lines (each line ends in a newline), or undefined. */
  description?: string;
  /** Ordinary keys and values (pending may hold `delete: k1,k2`). */
  options: Record<string, string>;
  /** Raw `lxc.*` lines in file order. */
  lxc: LxcRawLine[];
}

/** A `[<snapname>]` section. */
export interface ConfSnapshotSection extends ConfSection {
  /** Snapshot name from the header. */
  name: string;
}

/** A whole config file. */
export interface ConfFile {
  /** The current configuration. */
  main: ConfSection;
  /** The `[pve:pending]` section, when present. */
  pending?: ConfSection;
  /** Snapshot sections in file order. */
  snapshots: ConfSnapshotSection[];
}

const PENDING_HEADER = /^\[pve:pending\]\s*$/i;
const SNAPSHOT_HEADER = /^\[([a-z][a-z0-9_-]+)\]\s*$/i;
const RAW_LINE = /^(lxc\.[a-z0-9_\-.]+)(?::|\s*=)\s*(.*?)\s*$/;
const DESCRIPTION_LINE = /^description:\s*(.*\S)\s*$/;
const OPTION_LINE = /^([a-z][a-z_]*\d*):\s*(.+?)\s*$/;
// `env` is written as these raw lines; they belong to the env option, not to the user's raw lines.
const ENV_KEY = "lxc.environment.runtime";

function emptySection(): ConfSection {
  return { options: {}, lxc: [] };
}

function isHeader(line: string): boolean {
  return PENDING_HEADER.test(line) || SNAPSHOT_HEADER.test(line);
}

/** Parses a config file; a line no rule accepts is a ParseError naming it (PVE only warns and skips it). */
export function parseConfFile(text: string, file = "/etc/pve/lxc/<vmid>.conf"): ConfFile {
  const command = `cat ${file}`;
  const conf: ConfFile = { main: emptySection(), snapshots: [] };
  let section = conf.main;
  text.split("\n").forEach((raw, index) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") return;
    let m: RegExpExecArray | null;
    if (PENDING_HEADER.test(line)) {
      section = conf.pending = emptySection();
    } else if ((m = SNAPSHOT_HEADER.exec(line))) {
      const snap: ConfSnapshotSection = { name: m[1]!, ...emptySection() };
      conf.snapshots.push(snap);
      section = snap;
    } else if (line.startsWith("#")) {
      section.description = (section.description ?? "") + decodePveText(line.slice(1)) + "\n";
    } else if ((m = RAW_LINE.exec(line))) {
      section.lxc.push({ key: m[1]!, value: m[2]! });
    } else if ((m = DESCRIPTION_LINE.exec(line))) {
      section.description = decodePveText(m[1]!);
    } else if ((m = OPTION_LINE.exec(line))) {
      section.options[m[1]!] = m[2]!;
    } else {
      throw new ParseError(command, index + 1, "a section header, '#description', 'key: value' or a raw lxc line", line);
    }
  });
  return conf;
}

function serializeSection(section: ConfSection): string {
  let out = "";
  // Perl's split drops trailing empty fields: "a\n" is one line, "a\n\nb" three.
  const descLines = (section.description ?? "").split("\n");
  while (descLines.length > 0 && descLines[descLines.length - 1] === "") descLines.pop();
  for (const line of descLines) out += `#${encodePveText(line)}\n`;
  for (const key of Object.keys(section.options).sort()) {
    const value = section.options[key]!;
    if (value.includes("\n")) throw internalError(`detected invalid newline inside property '${key}'`);
    out += `${key}: ${value}\n`;
  }
  for (const { key, value } of section.lxc) out += `${key}: ${value}\n`;
  return out;
}

/**
 * Serializes a config the way PVE's writer lays it out: description, sorted keys, raw lines, then pending and
 * the snapshots sorted by name, each after a blank line (pve-container `write_pct_config`).
 */
export function serializeConfFile(conf: ConfFile): string {
  let out = serializeSection(conf.main);
  const pending = conf.pending;
  if (pending && (Object.keys(pending.options).length > 0 || pending.lxc.length > 0)) {
    out += `\n[pve:pending]\n${serializeSection(pending)}`;
  }
  const snapshots = [...conf.snapshots].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const snap of snapshots) out += `\n[${snap.name}]\n${serializeSection(snap)}`;
  return out;
}

/** What is wrong with a raw line PVE would store differently from what was asked, or not at all, and its fix. */
export function lxcRawLineProblem(line: LxcRawLine): { problem: string; fix: string } | undefined {
  if (!/^lxc\.[a-z0-9_\-.]+$/.test(line.key)) {
    return { problem: `invalid raw LXC key ${JSON.stringify(line.key)}: keys are 'lxc.' + [a-z0-9_.-]`, fix: 'write the key in lower case, e.g. "lxc.cgroup2.devices.allow=c 10:200 rwm"' };
  }
  if (line.key === ENV_KEY) {
    return { problem: `${ENV_KEY} lines belong to PVE's own 'env' option (pct set --env), which this stack does not manage`, fix: `remove the ${ENV_KEY} entry from lxc_options` };
  }
  if (/[\r\n]/.test(line.value) || line.value !== line.value.trim()) {
    return { problem: `invalid value for ${line.key}: ${JSON.stringify(line.value)} has a newline or surrounding whitespace (PVE trims it)`, fix: `write it as "${line.key}=${line.value.trim()}"` };
  }
  return undefined;
}

/** Refuses a raw line {@link lxcRawLineProblem} finds wrong (lines come from `lxc_options`): a `config` error. */
export function checkLxcRawLine(line: LxcRawLine): void {
  const found = lxcRawLineProblem(line);
  if (found) throw new PhoenixError("config", `lxc_options: ${found.problem}`, { hint: found.fix });
}

/**
 * Replaces the raw `lxc.*` lines of the main section with `lines` (written `key: value` after the main
 * section's last line) and returns the new file text. Everything else — other keys, `lxc.environment.runtime`
 * lines, blank lines, the pending section and every snapshot section — is kept byte for byte, because a
 * snapshot section is the record of what the snapshot holds (fixture 01 keeps raw lines there).
 */
export function replaceMainLxcLines(text: string, lines: readonly LxcRawLine[]): string {
  lines.forEach(checkLxcRawLine);
  const all = text.split("\n");
  let mainEnd = all.findIndex((l) => isHeader(l.endsWith("\r") ? l.slice(0, -1) : l));
  if (mainEnd < 0) mainEnd = all.length;
  const main = all.slice(0, mainEnd).filter((l) => {
    const m = RAW_LINE.exec(l.endsWith("\r") ? l.slice(0, -1) : l);
    return !m || m[1] === ENV_KEY;
  });
  let insertAt = main.length;
  while (insertAt > 0 && main[insertAt - 1]!.trim() === "") insertAt--;
  const added = lines.map(({ key, value }) => `${key}: ${value}`);
  // A file that ended without a newline after its last main line gets one before the added lines.
  const rest = all.slice(mainEnd);
  const result = [...main.slice(0, insertAt), ...added, ...main.slice(insertAt), ...rest];
  if (insertAt === main.length && rest.length === 0 && added.length > 0) result.push("");
  return result.join("\n");
}
