/**
 * Parsers for `pvesh get … --output-format json` (pct.md §9): the container list, snapshot list, config,
 * pending changes and current status. JSON wrapped in an API envelope `{"data": …}` (fixture 15) is unwrapped.
 */

import { ParseError } from "./errors";
import type {
  PctConfig,
  PctPendingEntry,
  PctStatus,
  PveshLxcEntry,
  SnapshotHead,
  SnapshotInfo,
  SnapshotList,
} from "./pct-model";
import { checkCtStatus } from "./parse-config";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses JSON; a syntax error becomes a ParseError that names the line of the offending position. */
function parseJson(stdout: string, command: string): Json {
  let value: Json;
  try {
    value = JSON.parse(stdout) as Json;
  } catch (err) {
    const pos = /position (\d+)/.exec(String(err));
    const line = pos ? stdout.slice(0, Number(pos[1])).split("\n").length : undefined;
    throw new ParseError(command, line, "JSON output (--output-format json)", stdout);
  }
  // The HTTP API wraps results in {"data": …}; pvesh prints them bare. Accept both.
  if (isObject(value) && Object.keys(value).length === 1 && "data" in value) return value.data!;
  return value;
}

function expectArray(value: Json, command: string): Json[] {
  if (!Array.isArray(value)) throw new ParseError(command, undefined, "a JSON array", JSON.stringify(value));
  return value;
}

function expectObject(value: Json | undefined, command: string, what = "a JSON object"): JsonObject {
  if (!isObject(value)) throw new ParseError(command, undefined, what, JSON.stringify(value) ?? "nothing");
  return value;
}

/** Turns a JSON scalar into the string pct would print; booleans as 1/0, nested values as JSON. */
function text(value: Json): string {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "number") return String(value);
  return JSON.stringify(value);
}

function optionalString(obj: JsonObject, key: string): string | undefined {
  const v = obj[key];
  return v === undefined || v === null ? undefined : text(v);
}

function vmidOf(obj: JsonObject, command: string): number {
  // `vmid` is a string before pve-container 5.0.10 (2024) and a number since.
  const raw = obj.vmid;
  const n = typeof raw === "number" ? raw : typeof raw === "string" && /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n)) throw new ParseError(command, undefined, "a numeric 'vmid'", JSON.stringify(obj));
  return n;
}

/** Parses pvesh `/nodes/<node>/lxc`. */
export function parsePveshLxcList(stdout: string, command = "pvesh get /nodes/<node>/lxc"): PveshLxcEntry[] {
  return expectArray(parseJson(stdout, command), command).map((item) => {
    const obj = expectObject(item, command, "a container object");
    const entry: PveshLxcEntry = {
      vmid: vmidOf(obj, command),
      status: checkCtStatus(text(obj.status ?? "missing"), command),
      template: obj.template === 1 || obj.template === "1" || obj.template === true,
    };
    for (const key of ["name", "lock", "tags"] as const) {
      const v = optionalString(obj, key);
      if (v !== undefined) entry[key] = v;
    }
    return entry;
  });
}

/**
 * Parses pvesh `…/snapshot`: the real snapshots, and separately the `current` pseudo-entry (the head).
 * A `snaptime` of 0 or none means unknown and is left out.
 */
export function parsePveshSnapshots(stdout: string, command = "pvesh get …/snapshot"): SnapshotList {
  const list: SnapshotList = { snapshots: [] };
  for (const item of expectArray(parseJson(stdout, command), command)) {
    const obj = expectObject(item, command, "a snapshot object");
    if (typeof obj.name !== "string") throw new ParseError(command, undefined, "a snapshot 'name'", JSON.stringify(obj));
    const parent = optionalString(obj, "parent");
    if (obj.name === "current") {
      const head: SnapshotHead = { running: obj.running === 1 || obj.running === true };
      if (parent !== undefined) head.parent = parent;
      const digest = optionalString(obj, "digest");
      if (digest !== undefined) head.digest = digest;
      list.head = head;
      continue;
    }
    const snap: SnapshotInfo = { name: obj.name, description: optionalString(obj, "description") ?? "" };
    if (parent !== undefined) snap.parent = parent;
    const time = typeof obj.snaptime === "string" ? Number(obj.snaptime) : obj.snaptime;
    if (typeof time === "number" && Number.isFinite(time) && time > 0) snap.snaptime = time;
    const state = optionalString(obj, "snapstate");
    if (state !== undefined) snap.snapstate = state;
    list.snapshots.push(snap);
  }
  return list;
}

/** Parses pvesh `…/config`: raw keys come as `"lxc": [["lxc.key","value"], …]`; the description is decoded. */
export function parsePveshConfig(stdout: string, command = "pvesh get …/config"): PctConfig {
  const obj = expectObject(parseJson(stdout, command), command, "a config object");
  const config: PctConfig = { options: {}, lxc: [] };
  for (const [key, value] of Object.entries(obj)) {
    if (value === null) continue;
    if (key === "lxc") {
      for (const pair of expectArray(value, command)) {
        if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string") {
          throw new ParseError(command, undefined, "an 'lxc' entry [key, value]", JSON.stringify(pair));
        }
        config.lxc.push({ key: pair[0], value: text(pair[1]!) });
      }
    } else if (key === "description") {
      config.description = text(value);
    } else if (key === "digest") {
      config.digest = text(value);
    } else {
      config.options[key] = text(value);
    }
  }
  return config;
}

/** Parses pvesh `…/pending`: `{key, value?, pending?, delete?}` with delete 1 = graceful, 2 = forced. */
export function parsePveshPending(stdout: string, command = "pvesh get …/pending"): PctPendingEntry[] {
  return expectArray(parseJson(stdout, command), command).map((item) => {
    const obj = expectObject(item, command, "a pending object");
    if (typeof obj.key !== "string") throw new ParseError(command, undefined, "a pending 'key'", JSON.stringify(obj));
    const entry: PctPendingEntry = { key: obj.key };
    const current = optionalString(obj, "value");
    const pending = optionalString(obj, "pending");
    if (current !== undefined) entry.current = current;
    if (pending !== undefined) entry.pending = pending;
    if (obj.delete === 1 || obj.delete === "1") entry.delete = true;
    if (obj.delete === 2 || obj.delete === "2") entry.delete = "force";
    return entry;
  });
}

/** Parses pvesh `…/status/current` (the vmstatus object plus `ha`). */
export function parsePveshStatus(stdout: string, command = "pvesh get …/status/current"): PctStatus {
  const obj = expectObject(parseJson(stdout, command), command, "a status object");
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(obj)) if (value !== null) fields[key] = text(value);
  const status = checkCtStatus(fields.status ?? "missing", command);
  return fields.lock ? { status, lock: fields.lock, fields } : { status, fields };
}
