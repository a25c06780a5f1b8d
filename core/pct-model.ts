/**
 * The typed shapes the pct parsers produce and the client returns. Pure types, no logic.
 *
 * Values are kept as the strings pct prints (`"1"`, `"512"`, `"local-lvm:vm-100-disk-0,size=8G"`): the
 * parsers do not guess types, the callers that understand a key convert it. Only fields whose meaning is fixed
 * by pct itself (VMID, status, lock, snapshot times) are typed.
 */

/**
 * What a command produced. Structurally the transport's `ExecResult` (host/transport.ts), restated here so the
 * pure core does not import from host/.
 */
export interface CommandOutput {
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
  /** Exit code; null when the command died by signal or the channel closed without one. */
  exitCode: number | null;
  /** Signal name when killed. */
  signal?: string;
}

/** Run state of a container; pct reports nothing else. */
export type CtStatus = "running" | "stopped";

/** One row of `pct list`. */
export interface PctListEntry {
  /** Container ID. */
  vmid: number;
  /** Run state. */
  status: CtStatus;
  /** The config `lock` value, or undefined when the Lock column is empty. */
  lock?: string;
  /** The hostname with whitespace removed, or `CT<vmid>` when unset. Not unique (fixture 24). */
  name: string;
}

/** `pct status [--verbose]` and `pvesh … /status/current`. */
export interface PctStatus {
  /** Run state. */
  status: CtStatus;
  /** Lock kind when the CT is locked (only `--verbose` and pvesh report it). */
  lock?: string;
  /** Every `key: value` field as printed (for pvesh: JSON values turned into strings). */
  fields: Record<string, string>;
}

/** One raw `lxc.*` line, kept in file order (keys may repeat, e.g. `lxc.mount.entry`). */
export interface LxcRawLine {
  /** The raw key, e.g. `lxc.mount.entry`. */
  key: string;
  /** The value exactly as stored; may be empty (`lxc.cap.drop: `, fixture 29). */
  value: string;
}

/** A container configuration as `pct config` or pvesh reports it. */
export interface PctConfig {
  /** Every ordinary key except `description`, `digest` and raw `lxc.*` lines; values as printed. */
  options: Record<string, string>;
  /** The description decoded (real newlines; pct adds a trailing newline), or undefined when unset. */
  description?: string;
  /** Raw `lxc.*` lines in file order. */
  lxc: LxcRawLine[];
  /** SHA-1 of the config file, for `pct set --digest`; only pvesh reports it. */
  digest?: string;
}

/** A snapshot as pvesh `…/snapshot` reports it. */
export interface SnapshotInfo {
  /** Snapshot name. */
  name: string;
  /** Parent snapshot, undefined for a root. */
  parent?: string;
  /** Creation time, unix seconds; undefined when pvesh reports 0 or nothing (unknown). */
  snaptime?: number;
  /** Full description (decoded, may end in a newline); `""` when none. */
  description: string;
  /** `prepare` or `delete` while a snapshot operation is in progress or was interrupted. */
  snapstate?: string;
}

/** The `current` pseudo-entry of the pvesh snapshot list: where "You are here!" points. */
export interface SnapshotHead {
  /** The snapshot the current state derives from, undefined when none. */
  parent?: string;
  /** Whether the CT runs. */
  running: boolean;
  /** Config digest, when reported. */
  digest?: string;
}

/** Result of parsing the pvesh snapshot list: real snapshots and the head, separated. */
export interface SnapshotList {
  /** Real snapshots, in the order pvesh printed them (unspecified). */
  snapshots: SnapshotInfo[];
  /** The `current` pseudo-entry, when present. */
  head?: SnapshotHead;
}

/** A `400 …` block (parameter verification and argument errors). */
export interface ParameterErrorBlock {
  /** The first line without the code, e.g. `Parameter verification failed.`. */
  summary: string;
  /** Per-parameter messages; dotted subkeys (`rootfs.volume`) are their own entries. */
  fields: Record<string, string>;
  /** The usage line that ends the block, e.g. `pct create <vmid> <ostemplate> [OPTIONS]`. */
  usage?: string;
}
