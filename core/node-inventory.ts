/**
 * A node's inventory in one remote command: `pct list` (every container's run state and lock) and the text of
 * every config file under /etc/pve/lxc. A refresh reads every resource of a fleet at once; with the inventory a
 * node answers all its containers' reads with one pct start-up instead of one or more per container.
 *
 * The config texts come NUL-framed (`<file>\0<text>\0<cat exit code>\0`): a config file is text that PVE
 * writes and never holds a NUL byte, so no content can forge a frame.
 */
import { ParseError } from "./errors";
import type { CtStatus } from "./pct-model";
import { parsePctList } from "./parse-list";

/** The shell loop that prints every config file, NUL-framed (see the module comment). */
const CAT_ALL_CONFS = [
  "cd /etc/pve/lxc 2>/dev/null || exit 0",
  'for f in *.conf; do [ -f "$f" ] || continue; printf \'%s\\0\' "$f"; cat "$f" 2>/dev/null; printf \'\\0%s\\0\' "$?"; done',
].join("\n");

/** The two reads of an inventory, to run together (one remote batch, in parallel). */
export function buildInventoryArgvs(): [string[], string[]] {
  return [["pct", "list"], ["sh", "-c", CAT_ALL_CONFS, "phoenix-inventory"]];
}

/** One container as the inventory saw it. */
export interface InventoryEntry {
  /** Run state from `pct list`. */
  status: CtStatus;
  /** The config lock from `pct list`, if any. */
  lock?: string;
  /** The config file's text, byte for byte. */
  confText: string;
}

/** A node's containers at one moment. */
export interface NodeInventory {
  /** Containers both listed by `pct list` and with a readable config file. */
  containers: Map<number, InventoryEntry>;
  /**
   * VMIDs seen by only one of the two reads (created or destroyed between them, or a file unreadable): their
   * state is unknown and must be read on its own.
   */
  uncertain: Set<number>;
}

/** Builds the inventory from the outputs of {@link buildInventoryArgvs}' two commands. */
export function parseInventory(pctListStdout: string, confsStdout: string): NodeInventory {
  const listed = new Map(parsePctList(pctListStdout).map((e) => [e.vmid, e]));
  const texts = new Map<number, string>();
  const uncertain = new Set<number>();
  const fields = confsStdout.split("\0");
  // Each file is three fields; the output ends with a NUL, so a complete one splits into 3n + 1 parts.
  if (fields.length % 3 !== 1 || fields[fields.length - 1] !== "") {
    throw new ParseError("cat /etc/pve/lxc/*.conf", undefined, "<file>\\0<text>\\0<exit code>\\0 frames", confsStdout.slice(-200));
  }
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const m = /^([1-9][0-9]{2,8})\.conf$/.exec(fields[i]!);
    if (!m) continue;
    const vmid = Number(m[1]);
    if (fields[i + 2] === "0") texts.set(vmid, fields[i + 1]!);
    else uncertain.add(vmid);
  }
  const containers = new Map<number, InventoryEntry>();
  for (const [vmid, entry] of listed) {
    const confText = texts.get(vmid);
    if (confText === undefined) {
      uncertain.add(vmid);
      continue;
    }
    containers.set(vmid, entry.lock === undefined ? { status: entry.status, confText } : { status: entry.status, lock: entry.lock, confText });
  }
  for (const vmid of texts.keys()) if (!listed.has(vmid)) uncertain.add(vmid);
  return { containers, uncertain };
}
