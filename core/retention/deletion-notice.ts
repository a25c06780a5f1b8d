/**
 * The line a retention step's preview prints for the snapshots the next up will delete, and its reader. A
 * dynamic provider's `diff` can hand the engine only log text, and `phoenix preview --json` needs the names back:
 * the format and the parser live side by side here, so they cannot drift apart (the round trip is tested).
 */

const PREFIX = "retention will delete";

/** `retention will delete 2 snapshot(s): phx-a, phx-b`; undefined when nothing will be deleted (nothing to say). */
export function formatDeletionNotice(names: readonly string[]): string | undefined {
  return names.length ? `${PREFIX} ${names.length} snapshot(s): ${names.join(", ")}` : undefined;
}

/** The snapshot names of a line {@link formatDeletionNotice} made (anywhere in it); [] for any other line. */
export function parseDeletionNotice(line: string): string[] {
  const match = /retention will delete (\d+) snapshot\(s\): (.+)$/.exec(line.trimEnd());
  if (!match) return [];
  const names = match[2]!.split(",").map((s) => s.trim()).filter((s) => s !== "");
  // A line whose count disagrees with its list is not one of ours (a name with a comma cannot occur: PVE's
  // snapshot names are letters, digits, `_` and `-`).
  return names.length === Number(match[1]) ? names : [];
}
