/**
 * Names and ownership of the snapshots this tool takes.
 *
 * Retention must never delete a snapshot a person took by hand, so ownership needs two independent signs, as in
 * cv4pve-autosnap: a name of this tool's shape AND the marker in the description. Either alone is too easy to
 * produce by accident (a manual `phx-…` name, a copied description).
 */
import { internalError, PhoenixError } from "../errors";
import { RESERVED_SNAPSHOT_NAMES, SNAPSHOT_NAME_MAX, SNAPSHOT_NAME_PATTERN } from "../config/constants";

/** The name prefix of this tool's snapshots. */
export const DEFAULT_SNAPSHOT_PREFIX = "phx";

/** The line this tool writes into the description of every snapshot it owns. */
export const OWNERSHIP_MARKER = "phoenix-lxc:managed";

/** `-YYYYMMDDTHHMMSSZ`: 17 characters, plus up to `-NN` for a same-second collision. */
const STAMP_LENGTH = 17;
const SUFFIX_LENGTH = 3;
const MAX_COLLISIONS = 99;

/** Longest prefix that still leaves room for the stamp and a collision suffix within PVE's 40 characters. */
export const MAX_SNAPSHOT_PREFIX_LENGTH = SNAPSHOT_NAME_MAX - STAMP_LENGTH - SUFFIX_LENGTH;

/** Every reason PVE would refuse `name` as a snapshot name (docs/pve-behaviour.md §2); empty when it is valid. */
export function checkSnapshotName(name: string): string[] {
  const problems: string[] = [];
  if (!SNAPSHOT_NAME_PATTERN.test(name)) problems.push("expected a letter, then at least one letter, digit, '_' or '-'");
  if (name.length > SNAPSHOT_NAME_MAX) problems.push(`may only be ${SNAPSHOT_NAME_MAX} characters long`);
  if ((RESERVED_SNAPSHOT_NAMES as readonly string[]).includes(name)) problems.push("is a reserved name");
  return problems;
}

function checkPrefix(prefix: string): void {
  const letters = /^[A-Za-z][A-Za-z0-9_-]*$/.test(prefix);
  if (!letters || prefix.length > MAX_SNAPSHOT_PREFIX_LENGTH) {
    throw new PhoenixError("config", `invalid snapshot prefix '${prefix}'`, {
      hint: `use a letter, then letters, digits, '_' or '-', at most ${MAX_SNAPSHOT_PREFIX_LENGTH} characters`,
    });
  }
}

/**
 * A new snapshot name, `<prefix>-YYYYMMDDTHHMMSSZ` in UTC: valid for PVE (no `:`), independent of the node's
 * zone, and sorting chronologically as a string. When that name is in `taken` (two snapshots in one second),
 * `-02` … `-99` is appended; two digits keep the collisions in order as strings too.
 * @param prefix - @default "phx"
 * @param taken - names already used by the container; @default []
 */
export function buildSnapshotName(prefix: string = DEFAULT_SNAPSHOT_PREFIX, date: Date, taken: Iterable<string> = []): string {
  checkPrefix(prefix);
  const year = date.getUTCFullYear(); // NaN for an invalid date; beyond 9999 toISOString adds a '+'
  if (!(year >= 1000 && year <= 9999)) throw internalError(`cannot name a snapshot after the date ${String(date)}`);
  const stamp = date.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
  const base = `${prefix}-${stamp}`;
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; n <= MAX_COLLISIONS; n++) {
    const name = `${base}-${String(n).padStart(2, "0")}`;
    if (!used.has(name)) return name;
  }
  throw new PhoenixError("internal", `more than ${MAX_COLLISIONS} snapshots named ${base}`, { hint: "wait a second and retry" });
}

/** The description of an owned snapshot: the marker, then an optional human note on the following lines. */
export function buildSnapshotDescription(note?: string): string {
  return note ? `${OWNERSHIP_MARKER}\n${note}` : OWNERSHIP_MARKER;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * True when the snapshot is this tool's: its name has the shape {@link buildSnapshotName} produces with `prefix`
 * AND a line of its description is the {@link OWNERSHIP_MARKER} (lines are trimmed, because PVE may hand the
 * description back with a trailing newline).
 * @param prefix - @default "phx"
 */
export function isOwnedSnapshot(snapshot: { name: string; description?: string }, prefix: string = DEFAULT_SNAPSHOT_PREFIX): boolean {
  const shape = new RegExp(`^${escapeRegExp(prefix)}-\\d{8}T\\d{6}Z(?:-\\d{2})?$`);
  if (!shape.test(snapshot.name)) return false;
  return (snapshot.description ?? "").split(/\r?\n/).some((line) => line.trim() === OWNERSHIP_MARKER);
}
