/**
 * A 50-container, 2-node fleet on the real Pulumi engine against simulated nodes with the `realistic` latency
 * profile: cold create (against the critical-path bound), no-op up and refresh (against a baseline program with
 * the same resource graph and no SSH), pooled vs one connection per command, the provider's peak RSS.
 *
 *   node dist/bench/fleet-bench.js [--containers 50] [--parallel 64] [--rtt-ms 0] [--no-baseline] [--no-per-command]
 *     [--uncoalesced]
 *
 * `--uncoalesced` adds a refresh with PHOENIX_COALESCE_READS=0 (the provider before host/read-coalescer).
 *
 * SSH figures come from the provider process itself (PHOENIX_STATS_FILE, one JSON line per process on exit);
 * remote commands per container from the simulated nodes' command.log.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { engineParallel } from "../cli/engine";
import { phoenixProgram } from "../components/stack-program";
import { installTemplate } from "../testbed/templates";
import { REALISTIC_LATENCY_MS } from "../testbed/launcher/sshd-config";
import { openStack, TestStack } from "../test/helpers/pulumi-engine";
import { readCommandLog } from "../test/helpers/sim-node";
import { startTestNodes, TestNodes } from "../test/helpers/sshd";
import { runBaselineProgram, DeployedResource } from "./baseline-program";
import { startLatencyProxy } from "./latency-proxy";
import { buildFleetTasks, computeCriticalPathBound } from "./critical-path";
import { BENCH_FEATURE_FILES, buildFleetConfig, FleetShape, planFleetMembers } from "./fleet-config";

const NODES = ["pve1", "pve2"];
/** The engine parallelism the phoenix CLI uses (`--parallel 8` measures the engine's own default on 2 cores). */
const parallel = option("parallel", engineParallel());
/** Round-trip time added between the provider and each node (bench/latency-proxy), ms; 0 = plain loopback. */
const rttMs = option("rtt-ms", 0);
const PER_NODE_LIMIT = 4; // OperationSequencer's default

interface ProcessStats {
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
interface Measured {
  label: string;
  wallMs: number;
  processes: ProcessStats[];
  /** Remote commands (pct/pvesh/pvesm) per container during the operation. */
  perContainer: Map<string, number>;
  /** Their summed run time on the nodes, ms (the simulator's own work plus injected latency). */
  remoteMs: number;
  changes: Record<string, number>;
  /** CPU seconds spent during the operation, by whom (see {@link cpuSeconds}). */
  cpu: { engine: number; provider: number; nodes: number };
}

/**
 * CPU seconds a process and its reaped descendants used: utime + stime + cutime + cstime of /proc/<pid>/stat.
 * Read for this process (the engine's CLI, language host and provider are reaped when an operation ends) and
 * for each node's sshd listener (its sessions, and the pct processes they ran, are reaped when the provider's
 * connection closes at the end of the operation).
 */
function cpuSeconds(pid: number | "self"): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "latin1");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14–17 of proc(5), counted from 1; `fields` starts at field 3.
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) / 100;
}

const flag = (name: string) => process.argv.includes(`--${name}`);
function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
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
async function measure(label: string, t: TestNodes, statsFile: string, op: () => Promise<{ changes?: Record<string, number> }>): Promise<Measured> {
  const marks = NODES.map((n) => readCommandLog(t.cluster.root, n).length);
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
  NODES.forEach((n, i) => {
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

function setEnv(stack: TestStack, env: Record<string, string | undefined>): void {
  const vars = (stack.stack.workspace as unknown as { envVars: Record<string, string> }).envVars;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete vars[k];
    else vars[k] = v;
  }
}

/**
 * The simulated containers' init processes outlive the nodes' sshd (`pct start` detaches them) and the benchmark
 * destroys no container: kill every one whose command line names this run's simulation root. SIGKILL, as the
 * runtime's own stop does: a PID-namespace init ignores other signals from outside.
 */
function killContainers(root: string): void {
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

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** Cores of this machine: the CPU floor of a run is the CPU it used over these. */
const CORES = os.cpus().length;

function describeRun(m: Measured, resources: number, baseline?: Measured): string {
  const p = m.processes;
  const commands = sum(p.map((s) => s.commandsRun));
  const counts = [...m.perContainer.entries()].filter(([k]) => k !== "-").map(([, v]) => v);
  const cells = [
    m.label,
    (m.wallMs / 1000).toFixed(1),
    baseline ? `×${(m.wallMs / baseline.wallMs).toFixed(2)}` : "—",
    String(p.length),
    p.map((s) => s.connectionsOpened).join(" + ") || "0",
    String(sum(p.map((s) => s.handshakes))),
    String(commands),
    (commands / resources).toFixed(2),
    counts.length ? `${(sum(counts) / counts.length).toFixed(1)} (max ${Math.max(...counts)})` : "0",
    (m.remoteMs / 1000).toFixed(1),
    p.length ? String(Math.max(...p.map((s) => Math.round(s.maxRssKiB / 1024)))) : "—",
    String(sum([...m.perContainer.values()])),
    `${m.cpu.engine.toFixed(1)} / ${m.cpu.provider.toFixed(1)} / ${m.cpu.nodes.toFixed(1)}`,
    `${(sum(Object.values(m.cpu)) / CORES).toFixed(1)}`,
    p.some((s) => s.reads) ? p.map((s) => `${s.reads!.reads} → ${s.reads!.roundTrips} (${s.inventories ?? 0} inventories)`).join(", ") : "—",
  ];
  return `| ${cells.join(" | ")} |`;
}

async function main(): Promise<void> {
  const shape: FleetShape = { nodes: NODES, containers: option("containers", 50) };
  const members = planFleetMembers(shape);
  const t = await startTestNodes(NODES.length, { latency: "realistic" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-bench-fleet-"));
  const statsFile = path.join(dir, "provider-stats.jsonl");
  const stacks: TestStack[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    for (const n of NODES) installTemplate(t.cluster.root, n, "busybox");
    fs.writeFileSync(path.join(dir, "phoenix_lxc_configs.json"), buildFleetConfig(shape));
    for (const [file, text] of Object.entries(BENCH_FEATURE_FILES)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text, { mode: 0o755 });
    }
    // With --rtt-ms every connection to a node goes through a proxy that adds the round-trip time.
    const proxies = rttMs > 0 ? await Promise.all(t.nodes.map((n) => startLatencyProxy(n, rttMs))) : [];
    cleanups.push(() => Promise.all(proxies.map((p) => p.close())));
    const nodes = Object.fromEntries(
      t.nodes.map((n, i) => [n.name, { host: proxies[i] ? "127.0.0.1" : n.host, port: proxies[i]?.port ?? n.port, user: n.user, hostKeyFingerprint: n.hostKeyFingerprint }]),
    );
    const stack = await openStack({
      program: async () => phoenixProgram({ configFile: "phoenix_lxc_configs.json", nodes }, dir),
      config: { sshPrivateKey: { value: t.credentials.privateKey!, secret: true } },
      env: { PHOENIX_STATS_FILE: statsFile },
    });
    stacks.push(stack);
    const changesOf = (r: { summary: { resourceChanges?: Record<string, number> } }) => ({ changes: r.summary.resourceChanges ?? {} });

    const load = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");
    const loadBefore = load();
    const cold = await measure("cold up", t, statsFile, async () => changesOf(await stack.stack.up({ parallel })));
    const deployment = (await stack.stack.exportStack()).deployment as { resources: DeployedResource[] };
    const resources = deployment.resources.filter((r) => r.custom && r.type.startsWith("pulumi-nodejs:dynamic/")).length;
    const noopUp = await measure("no-op up", t, statsFile, async () => changesOf(await stack.stack.up({ parallel })));
    const refresh = await measure("refresh", t, statsFile, async () => changesOf(await stack.stack.refresh({ parallel })));
    let refreshUncoalesced: Measured | undefined;
    if (flag("uncoalesced")) {
      setEnv(stack, { PHOENIX_COALESCE_READS: "0" });
      refreshUncoalesced = await measure("refresh, reads not coalesced", t, statsFile, async () => changesOf(await stack.stack.refresh({ parallel })));
      setEnv(stack, { PHOENIX_COALESCE_READS: undefined });
    }
    let perCommand: Measured | undefined;
    if (!flag("no-per-command")) {
      setEnv(stack, { PHOENIX_SSH_CONNECTION_PER_COMMAND: "1" });
      perCommand = await measure("refresh, one connection per command", t, statsFile, async () => changesOf(await stack.stack.refresh({ parallel })));
      setEnv(stack, { PHOENIX_SSH_CONNECTION_PER_COMMAND: undefined });
    }

    let baseCold: Measured | undefined;
    let baseUp: Measured | undefined;
    let baseRefresh: Measured | undefined;
    if (!flag("no-baseline")) {
      const base = await openStack({ program: async () => runBaselineProgram(deployment.resources), stackName: "baseline", env: { PHOENIX_STATS_FILE: statsFile } });
      stacks.push(base);
      baseCold = await measure("baseline cold up", t, statsFile, async () => changesOf(await base.stack.up({ parallel })));
      baseUp = await measure("baseline no-op up", t, statsFile, async () => changesOf(await base.stack.up({ parallel })));
      baseRefresh = await measure("baseline refresh", t, statsFile, async () => changesOf(await base.stack.refresh({ parallel })));
    }
    const loadAfter = load();

    const bound = computeCriticalPathBound(buildFleetTasks(members, REALISTIC_LATENCY_MS), PER_NODE_LIMIT);
    const machine = `nproc ${execFileSync("nproc").toString().trim()}, Linux ${os.release()}, node ${process.version}, ${new Date().toISOString()}, load average ${loadBefore} before / ${loadAfter} after, engine parallel ${parallel}, added round-trip time ${rttMs} ms`;
    const header = "| run | wall s | vs baseline | provider processes | connections opened | handshakes | SSH round trips | round trips / resource | remote commands / container | remote command time s | provider peak RSS MiB | pct/pvesh starts | CPU s: engine / provider / nodes | CPU floor s | coalesced reads → round trips |";
    const lines = [
      `### Fleet: ${members.length} containers on ${NODES.length} nodes, ${resources} dynamic resources`,
      "",
      `Machine: ${machine}.`,
      "",
      header,
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
      describeRun(cold, resources, baseCold),
      describeRun(noopUp, resources, baseUp),
      describeRun(refresh, resources, baseRefresh),
      ...(refreshUncoalesced ? [describeRun(refreshUncoalesced, resources, baseRefresh)] : []),
      ...(perCommand ? [describeRun(perCommand, resources, baseRefresh)] : []),
      ...(baseUp ? [describeRun(baseCold!, resources), describeRun(baseUp, resources), describeRun(baseRefresh!, resources)] : []),
      "",
      `Cold create: ${(cold.wallMs / 1000).toFixed(1)} s against a critical-path bound of ${(bound.boundMs / 1000).toFixed(1)} s ` +
        `(longest chain ${(bound.criticalPathMs / 1000).toFixed(1)} s through CT ${bound.criticalPath.join(" → ")}; node work ` +
        `${Object.entries(bound.nodeWorkMs).map(([n, w]) => `${n} ${(w / 1000).toFixed(1)} s`).join(", ")} over ${PER_NODE_LIMIT} slots): ratio ×${(cold.wallMs / bound.boundMs).toFixed(2)}` +
        (baseCold ? `; the engine alone creates the same graph in ${(baseCold.wallMs / 1000).toFixed(1)} s, ratio to bound + that ×${(cold.wallMs / (bound.boundMs + baseCold.wallMs)).toFixed(2)}.` : ".") +
        ` CPU floor of the run on ${CORES} cores: ${(sum(Object.values(cold.cpu)) / CORES).toFixed(1)} s (the simulated nodes share this machine's cores with the engine), wall ×${(cold.wallMs / 1000 / (sum(Object.values(cold.cpu)) / CORES)).toFixed(2)} of it.`,
    ];
    if (perCommand) {
      const pooledHs = sum(refresh.processes.map((s) => s.handshakes)) || 1;
      lines.push(`Pooled vs one connection per command (refresh): wall ×${(perCommand.wallMs / refresh.wallMs).toFixed(2)}, handshakes ×${(sum(perCommand.processes.map((s) => s.handshakes)) / pooledHs).toFixed(1)}.`);
    }
    lines.push(`Changes: cold ${JSON.stringify(cold.changes)}, no-op up ${JSON.stringify(noopUp.changes)}, refresh ${JSON.stringify(refresh.changes)}.`);
    console.log(lines.join("\n"));
  } finally {
    for (const cleanup of cleanups) await cleanup();
    killContainers(t.cluster.root);
    await t.stop();
    for (const s of stacks) fs.rmSync(s.backendDir, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
