/**
 * Test oracles: what pct and pvesh themselves print about a container, parsed independently of the product.
 * The product reads the config file (core/conf-views, host/container-io); tests compare that reading with these
 * answers (`pct config`, `pct pending`, pvesh `…/snapshot`), so an error in the file reading cannot hide itself.
 */
import { ParseError } from "../../core/errors";
import type { PctConfig, SnapshotHead, SnapshotInfo, SnapshotList } from "../../core/pct-model";
import { decodePveText, parseKeyValueLine, splitOutputLines } from "../../core/parse-text";
import type { CommandTransport, NodeTarget } from "../../host/transport";

/** One key of `pct pending`. */
export interface PctPendingEntry {
  /** Config key. */
  key: string;
  /** Applied value, when the key is currently set. */
  current?: string;
  /** Value that the next start/reboot will apply, when a change or addition is pending. */
  pending?: string;
  /** A deletion is pending. */
  delete?: true;
}

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

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Parses pvesh `…/snapshot --output-format json`: the real snapshots, and separately the `current`
 * pseudo-entry (the head). A `snaptime` of 0 or none means unknown and is left out. The HTTP API's
 * `{"data": …}` envelope is unwrapped.
 */
export function parsePveshSnapshots(stdout: string, command = "pvesh get …/snapshot"): SnapshotList {
  let value: Json;
  try {
    value = JSON.parse(stdout) as Json;
  } catch (err) {
    const pos = /position (\d+)/.exec(String(err));
    const line = pos ? stdout.slice(0, Number(pos[1])).split("\n").length : undefined;
    throw new ParseError(command, line, "JSON output (--output-format json)", stdout);
  }
  if (isObject(value) && Object.keys(value).length === 1 && "data" in value) value = value.data!;
  if (!Array.isArray(value)) throw new ParseError(command, undefined, "a JSON array", JSON.stringify(value));
  const list: SnapshotList = { snapshots: [] };
  for (const obj of value) {
    if (!isObject(obj)) throw new ParseError(command, undefined, "a snapshot object", JSON.stringify(obj));
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

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalString(obj: { [key: string]: Json }, key: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : typeof v === "boolean" ? (v ? "1" : "0") : JSON.stringify(v);
}

async function run(transport: CommandTransport, node: NodeTarget, argv: string[]): Promise<string> {
  const r = await transport.exec(node, argv, { idempotent: true });
  if (r.exitCode !== 0) throw new Error(`${argv.join(" ")} failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout;
}

/** `pct config <vmid>` on the node, parsed (pending values merged in, as pct prints them). */
export async function pctConfig(transport: CommandTransport, node: NodeTarget, vmid: number): Promise<PctConfig> {
  return parsePctConfig(await run(transport, node, ["pct", "config", String(vmid)]));
}

/** The container's snapshots as pvesh lists them on the node. */
export async function pveshSnapshots(transport: CommandTransport, node: NodeTarget, vmid: number): Promise<SnapshotList> {
  return parsePveshSnapshots(await run(transport, node, ["pvesh", "get", `/nodes/${node.name}/lxc/${vmid}/snapshot`, "--output-format", "json"]));
}
