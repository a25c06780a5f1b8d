/**
 * What one engine operation of the fleet benchmark cost: wall time, the provider's own stats line
 * (bench/provider-hooks.ts), remote commands per container from the simulated nodes' command.log, CPU seconds
 * from /proc.
 */
import * as fs from "node:fs";
import { readCommandLog } from "../test/helpers/sim-node";
import type { TestNodes } from "../test/helpers/sshd";

/** One provider process's stats line. */
export interface ProcessStats {
  connectionsOpened: number;
  handshakes: number;
  commandsRun: number;
  reconnects: number;
  pid: number;
  maxRssKiB: number;
  /** How the process ended (exit, SIGINT …) and when, against the operation's end. */
  endedBy?: string;
  endedAt?: number;
  reads?: { reads: number; roundTrips: number };
  /** Node inventories fetched (host/inventory-reader). */
  inventories?: number;
  /** CPU time of the provider process, ms. */
  cpuMs?: number;
}

/** One measured engine operation. */
export interface Measured {
  label: string;
  wallMs: number;
  processes: ProcessStats[];
  /** Remote commands (pct/pvesh/pvesm) per container during the operation ("-": not about one container). */
  perContainer: Map<string, number>;
  /** Their summed run time on the nodes, ms (the simulator's own work plus injected latency). */
  remoteMs: number;
  changes: Record<string, number>;
  /** CPU seconds spent during the operation, by whom (see {@link cpuSeconds}). */
  cpu: { engine: number; provider: number; nodes: number };
}

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * CPU seconds a process and its reaped descendants used: utime + stime + cutime + cstime of /proc/<pid>/stat.
 * Read for this process (the engine's CLI, language host and provider are reaped when an operation ends) and
 * for each node's sshd listener (its sessions, and the pct processes they ran, are reaped when the provider's
 * connection closes at the end of the operation).
 */
export function cpuSeconds(pid: number | "self"): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "latin1");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14–17 of proc(5), counted from 1; `fields` starts at field 3.
  return [11, 12, 13, 14].reduce((s, i) => s + Number(fields[i]), 0) / 100;
}

function readStats(file: string): ProcessStats[] {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as ProcessStats) : [];
}

function vmidOf(argv: string[]): string {
  if (argv[0] === "pct") return argv[2] ?? "-";
  const m = /\/lxc\/(\d+)/.exec(argv.join(" "));
  return m ? m[1]! : "-";
}

/** Runs `op` and collects what it cost. The stats file gets its line when the provider process exits. */
export async function measure(
  label: string,
  t: TestNodes,
  statsFile: string,
  op: () => Promise<{ changes?: Record<string, number> }>,
): Promise<Measured> {
  const names = t.cluster.nodes.map((n) => n.name);
  const marks = names.map((n) => readCommandLog(t.cluster.root, n).length);
  const listeners = t.cluster.nodes.map((n) => n.pid);
  const cpuBefore = { self: cpuSeconds("self"), nodes: sum(listeners.map(cpuSeconds)) };
  const statsMark = readStats(statsFile).length;
  const start = performance.now();
  const result = await op();
  const wallMs = performance.now() - start;
  const endedAt = Date.now();
  // The engine stops the provider plugin as the operation ends; give its exit hook a moment.
  for (let i = 0; i < 20 && readStats(statsFile).length === statsMark; i++) await new Promise((r) => setTimeout(r, 100));
  // The nodes' sessions end with the provider's connections; let their listeners reap them.
  await new Promise((r) => setTimeout(r, 500));
  const perContainer = new Map<string, number>();
  let remoteMs = 0;
  names.forEach((n, i) => {
    for (const c of readCommandLog(t.cluster.root, n).slice(marks[i])) {
      perContainer.set(vmidOf(c.argv), (perContainer.get(vmidOf(c.argv)) ?? 0) + 1);
      remoteMs += c.ms;
    }
  });
  const processes = readStats(statsFile).slice(statsMark);
  const provider = sum(processes.map((p) => p.cpuMs ?? 0)) / 1000;
  const cpu = { engine: cpuSeconds("self") - cpuBefore.self - provider, provider, nodes: sum(listeners.map(cpuSeconds)) - cpuBefore.nodes };
  const m = { label, wallMs, processes, perContainer, remoteMs, changes: result.changes ?? {}, cpu };
  const lag = m.processes.map((p) => (p.endedAt !== undefined ? `${p.endedBy} ${p.endedAt - endedAt} ms after the operation` : "?")).join(", ");
  console.error(`[bench] ${label}: ${(wallMs / 1000).toFixed(1)} s, ${JSON.stringify(m.processes)}, provider ended: ${lag}, changes ${JSON.stringify(m.changes)}`);
  return m;
}

/**
 * The simulated containers' init processes outlive the nodes' sshd (`pct start` detaches them) and the benchmark
 * destroys no container: kill every one whose command line names this run's simulation root. SIGKILL, as the
 * runtime's own stop does: a PID-namespace init ignores other signals from outside.
 */
export function killContainers(root: string): void {
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (cmdline.includes("ct-init.sh") && cmdline.includes(root)) {
      try {
        process.kill(Number(entry), "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }
}
