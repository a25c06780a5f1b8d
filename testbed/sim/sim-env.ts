/**
 * Where the simulated cluster lives on disk and the small helpers every command shares (paths, sleeping,
 * random MACs). The simulator is an independent implementation: it imports nothing from core/ or host/,
 * so a bug in the client's parsers cannot be hidden by sharing code with the node it talks to.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";

/** The simulated cluster directory and the node this process acts as. */
export interface SimEnv {
  /** `PHOENIX_SIM_ROOT`: one cluster; several nodes share it. */
  root: string;
  /** `PHOENIX_SIM_NODE`. @default "pve" */
  node: string;
}

/** Reads `PHOENIX_SIM_ROOT` / `PHOENIX_SIM_NODE`; dies with a clear message when the root is unset. */
export function readSimEnv(): SimEnv {
  const root = process.env.PHOENIX_SIM_ROOT;
  if (!root) {
    fs.writeSync(2, "PHOENIX_SIM_ROOT is not set - point it at a simulated cluster directory\n");
    process.exit(255);
  }
  return { root: path.resolve(root), node: process.env.PHOENIX_SIM_NODE || "pve" };
}

/** `$ROOT/etc/pve/nodes/<node>/lxc` */
export function lxcDir(env: SimEnv, node = env.node): string {
  return path.join(env.root, "etc/pve/nodes", node, "lxc");
}

/** Real path of a CT config file on `node`. */
export function confPath(env: SimEnv, vmid: number, node = env.node): string {
  return path.join(lxcDir(env, node), `${vmid}.conf`);
}

/** The cfs path used in error messages, e.g. `nodes/pve/lxc/100.conf`. */
export function cfsConfPath(env: SimEnv, vmid: number): string {
  return `nodes/${env.node}/lxc/${vmid}.conf`;
}

/** Per-node working directory (`$ROOT/nodes/<node>`): volumes, templates, state, logs. */
export function nodeDir(env: SimEnv, node = env.node): string {
  return path.join(env.root, "nodes", node);
}

/** Per-node state directory: running flags, fault counters. */
export function stateDir(env: SimEnv): string {
  return path.join(nodeDir(env), "state");
}

/** Names of all cluster nodes: every directory under `etc/pve/nodes` plus this one. */
export function listNodes(env: SimEnv): string[] {
  const dir = path.join(env.root, "etc/pve/nodes");
  const names = new Set<string>([env.node]);
  if (fs.existsSync(dir)) for (const n of fs.readdirSync(dir)) names.add(n);
  return [...names].sort();
}

/** Which node owns `vmid` (CT or VM), cluster-wide; undefined when the ID is free. */
export function findVmidOwner(env: SimEnv, vmid: number): { node: string; type: "lxc" | "qemu" } | undefined {
  for (const node of listNodes(env)) {
    if (fs.existsSync(confPath(env, vmid, node))) return { node, type: "lxc" };
    if (fs.existsSync(path.join(env.root, "etc/pve/nodes", node, "qemu-server", `${vmid}.conf`))) {
      return { node, type: "qemu" };
    }
  }
  return undefined;
}

/** Blocks the (single-threaded) process for `ms` milliseconds without burning CPU. */
export function sleepMs(ms: number): void {
  if (ms <= 0) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * What a hung `pct` looks like from the outside: it never returns until killed. It does exit once its
 * parent is gone (the SSH session closed), so the testbed never accumulates orphaned sleepers.
 */
export function sleepForever(): never {
  const parent = process.ppid;
  for (;;) {
    sleepMs(500);
    if (process.ppid !== parent) process.exit(255);
  }
}

/** A fresh MAC with the datacenter default prefix `BC:24:11` (pve-cluster DataCenterConfig.pm). */
export function randomMac(): string {
  const b = randomBytes(3);
  return ["BC", "24", "11", ...[...b].map((x) => x.toString(16).toUpperCase().padStart(2, "0"))].join(":");
}

/** Writes to stdout synchronously, so `process.exit` never truncates output on a pipe. */
export function out(text: string): void {
  fs.writeSync(1, text);
}

/** Writes to stderr synchronously. */
export function err(text: string): void {
  fs.writeSync(2, text);
}

/** Creates `dir` and its parents. */
export function ensureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
}

/** Writes a file atomically (temp file + rename), as pmxcfs replaces a config in one step. */
export function writeFileAtomic(file: string, data: string): void {
  ensureDir(path.dirname(file));
  const tmp = `${file}.tmp.${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}
