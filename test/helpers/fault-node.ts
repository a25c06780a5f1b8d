/**
 * Helpers for the reliability suite: fault rules aimed at the next invocation of a command, the node's locks
 * and containers as `pct list` shows them, and time overlaps in the command log.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parsePctList } from "../../core/parse-list";
import type { PctListEntry } from "../../core/pct-model";
import { SshPool } from "../../host/ssh-pool";
import { NodeTarget } from "../../host/transport";
import { LoggedCommand, onNode, setFaults } from "./sim-node";

/**
 * The `nth` that makes a rule fire on the `offset`-th next invocation of `cmd` on `vmid` (1 = the next one):
 * the simulator counts invocations per command+vmid for the whole life of the node.
 */
export function nextNth(root: string, node: string, cmd: string, vmid: number, offset = 1): number {
  const file = path.join(root, "nodes", node, "state", "fault-counters.json");
  const counts = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, number>) : {};
  return (counts[`${cmd}:${vmid}`] ?? 0) + offset;
}

/** Injects one fault on the `offset`-th next `pct <cmd>` of `vmid` (and removes every other rule). */
export function injectOnce(root: string, node: string, rule: { cmd: string; vmid: number; action: string; lock?: string; message?: string; ms?: number }, offset = 1): void {
  setFaults(root, node, [{ ...rule, nth: nextNth(root, node, rule.cmd, rule.vmid, offset) }]);
}

/** Removes every fault rule of a node. */
export function clearFaults(root: string, node: string): void {
  setFaults(root, node, []);
}

/** `pct list` on a node, parsed by the project's own parser (the Lock column is blank when unlocked). */
export async function listContainers(pool: SshPool, node: NodeTarget): Promise<PctListEntry[]> {
  return parsePctList(await onNode(pool, node, ["pct", "list"]));
}

/** Pairs of commands on the same container whose [ts, ts+ms] intervals overlap. */
export function findOverlaps(log: readonly LoggedCommand[], vmidOf: (c: LoggedCommand) => number | undefined): [LoggedCommand, LoggedCommand][] {
  const byVmid = new Map<number, LoggedCommand[]>();
  for (const c of log) {
    const vmid = vmidOf(c);
    if (vmid === undefined) continue;
    byVmid.set(vmid, [...(byVmid.get(vmid) ?? []), c]);
  }
  const overlaps: [LoggedCommand, LoggedCommand][] = [];
  for (const cmds of byVmid.values()) {
    const sorted = [...cmds].sort((a, b) => a.ts - b.ts);
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length && sorted[j]!.ts < sorted[i]!.ts + sorted[i]!.ms; j++) overlaps.push([sorted[i]!, sorted[j]!]);
    }
  }
  return overlaps;
}

/**
 * Waits until the node lists no running task for a container. A task killed by a `drop` fault stays a zombie
 * until the testbed's init reaps it (up to ~2 s here), and the simulator counts a zombie as running; a real
 * "next up" starts much later than the test's next line.
 */
export async function waitNoActiveTask(pool: SshPool, node: NodeTarget, vmid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await onNode(pool, node, ["pvesh", "get", `/nodes/${node.name}/tasks`, "--source", "active", "--vmid", String(vmid), "--output-format", "json"]);
    if ((JSON.parse(out) as unknown[]).length === 0) return;
    if (Date.now() > deadline) throw new Error(`CT ${vmid} on ${node.name}: a task is still listed as running after ${timeoutMs} ms: ${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
