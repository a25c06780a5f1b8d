/**
 * Fleets of N containers on 2 simulated nodes (`realistic` latency profile) driven through the real Pulumi
 * engine: cold create (against the critical-path bound and the run's CPU floor), no-op up, refresh and a preview
 * of one changed container (against a baseline program with the same resource graph and no SSH), the state
 * file's size, the provider's peak RSS, CPU per resource, SSH round trips and pct starts per container.
 *
 *   node dist/bench/fleet-bench.js [--containers 10,50,200] [--parallel 64] [--rtt-ms 0] [--latency realistic|none]
 *     [--per-node 4] [--no-baseline] [--per-command] [--uncoalesced] [--cpu-prof DIR] [--ssh-log FILE]
 *
 * `--per-node N` sets the stack config's `perNodeParallelism` (operations in flight per node; the bound uses it too).
 * `--skip-checkpoints` runs the engine with PULUMI_SKIP_CHECKPOINTS (state written once at the end, not after every
 * step: Pulumi's experimental switch, unsafe for real use) to show what the engine's per-step state writes cost.
 * Every size gets fresh nodes and a fresh stack; the tables are printed when all sizes are done (each size's
 * rows also as soon as it is). `--per-command` adds a refresh with one SSH connection per command,
 * `--uncoalesced` one without the read coalescer; `--cpu-prof DIR` writes the provider processes' CPU profiles, `--ssh-log FILE` their SSH pools' log to FILE.<size>.
 *
 * The provider processes load bench/provider-hooks.js (NODE_OPTIONS=--require): it selects the transport and
 * appends one stats line per process to a file on exit. Remote commands per container come from the simulated
 * nodes' command.log.
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
import { startTestNodes } from "../test/helpers/sshd";
import { runBaselineProgram, DeployedResource } from "./baseline-program";
import { startLatencyProxy } from "./latency-proxy";
import { buildFleetTasks, computeCriticalPathBound } from "./critical-path";
import { BENCH_FEATURE_FILES, buildFleetConfig, FleetShape, planFleetMembers } from "./fleet-config";
import { killContainers, measure, Measured } from "./fleet-measure";
import { coldLine, DETAIL_HEADER, detailRows, growthLine, SizeResult, SUMMARY_HEADER, summaryRow } from "./fleet-report";

const NODES = ["pve1", "pve2"];
const flag = (name: string) => process.argv.includes(`--${name}`);
function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : String(process.argv[i + 1]);
}
const sizes = option("containers", "50").split(",").map(Number);
/** The engine parallelism the phoenix CLI uses (`--parallel 8` measures the engine's own default on 2 cores). */
const parallel = Number(option("parallel", String(engineParallel())));
/** Round-trip time added between the provider and each node (bench/latency-proxy), ms; 0 = plain loopback. */
const rttMs = Number(option("rtt-ms", "0"));
const latency = option("latency", "realistic") as "realistic" | "none";
const cpuProfDir = option("cpu-prof", "");
const sshLog = option("ssh-log", "");
/** Operations in flight per node: the stack config's `perNodeParallelism` (4, the sequencer's default, unless given). */
const PER_NODE_LIMIT = Number(option("per-node", "4"));
const CORES = os.cpus().length;
const HOOKS = path.join(__dirname, "provider-hooks.js");

function setEnv(stack: TestStack, env: Record<string, string | undefined>): void {
  const vars = (stack.stack.workspace as unknown as { envVars: Record<string, string> }).envVars;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete vars[k];
    else vars[k] = v;
  }
}

/** The stack's state file (the local backend keeps one JSON file per stack), bytes. */
function stateFileBytes(backendDir: string, stackName: string): number {
  const found = fs.readdirSync(backendDir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(`stacks/phoenix-lxc/${stackName}.json`) || f.endsWith(`stacks/${stackName}.json`));
  return found.length ? fs.statSync(path.join(backendDir, found[0]!)).size : 0;
}

type Changes = { changes: Record<string, number> };
const upChanges = (r: { summary: { resourceChanges?: Record<string, number> } }): Changes => ({ changes: r.summary.resourceChanges ?? {} });
const previewChanges = (r: { changeSummary: Record<string, number> }): Changes => ({ changes: r.changeSummary });

async function runSize(containers: number): Promise<SizeResult> {
  const shape: FleetShape = { nodes: NODES, containers };
  const members = planFleetMembers(shape);
  const t = await startTestNodes(NODES.length, { latency });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-bench-fleet-"));
  const statsFile = path.join(dir, "provider-stats.jsonl");
  const env = {
    PHOENIX_STATS_FILE: statsFile,
    NODE_OPTIONS: `--require ${HOOKS}`,
    ...(cpuProfDir ? { PHOENIX_BENCH_CPU_PROF: path.resolve(cpuProfDir) } : {}),
    ...(flag("skip-checkpoints") ? { PULUMI_EXPERIMENTAL: "true", PULUMI_SKIP_CHECKPOINTS: "true" } : {}),
    ...(sshLog ? { PHOENIX_BENCH_SSH_LOG: path.resolve(`${sshLog}.${containers}`) } : {}),
  };
  const stacks: TestStack[] = [];
  const proxies = rttMs > 0 ? await Promise.all(t.nodes.map((n) => startLatencyProxy(n, rttMs))) : [];
  try {
    for (const n of NODES) installTemplate(t.cluster.root, n, "busybox");
    const configFile = path.join(dir, "phoenix_lxc_configs.json");
    const configText = buildFleetConfig(shape);
    fs.writeFileSync(configFile, configText);
    for (const [file, text] of Object.entries(BENCH_FEATURE_FILES)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text, { mode: 0o755 });
    }
    // With --rtt-ms every connection to a node goes through a proxy that adds the round-trip time.
    const nodes = Object.fromEntries(
      t.nodes.map((n, i) => [n.name, { host: proxies[i] ? "127.0.0.1" : n.host, port: proxies[i]?.port ?? n.port, user: n.user, hostKeyFingerprint: n.hostKeyFingerprint }]),
    );
    const stack = await openStack({
      program: async () => phoenixProgram({ configFile: "phoenix_lxc_configs.json", nodes }, dir),
      config: { sshPrivateKey: { value: t.credentials.privateKey!, secret: true }, perNodeParallelism: { value: String(PER_NODE_LIMIT) } },
      env,
    });
    stacks.push(stack);
    const run = (label: string, op: () => Promise<Changes>) => measure(`${label}`, t, statsFile, op);

    const cold = await run("cold up", async () => upChanges(await stack.stack.up({ parallel })));
    const deployment = (await stack.stack.exportStack()).deployment as { resources: DeployedResource[] };
    const resources = deployment.resources.filter((r) => r.custom && r.type.startsWith("pulumi-nodejs:dynamic/")).length;
    const stateBytes = stateFileBytes(stack.backendDir, "test");
    const noop = await run("no-op up", async () => upChanges(await stack.stack.up({ parallel })));
    const refresh = await run("refresh", async () => upChanges(await stack.stack.refresh({ parallel })));
    // One container's memory changes in the config file; the preview must read no other container.
    const changedVmid = members[members.length - 1]!.ctid;
    const changedConfig = JSON.parse(configText) as { lxc_configs: Record<string, { memory_mb: number }> };
    changedConfig.lxc_configs[String(changedVmid)]!.memory_mb *= 2;
    fs.writeFileSync(configFile, JSON.stringify(changedConfig, null, 2));
    const preview = await run("preview, 1 changed", async () => previewChanges(await stack.stack.preview({ parallel })));
    fs.writeFileSync(configFile, configText);
    const extra: Measured[] = [];
    if (flag("uncoalesced")) {
      setEnv(stack, { PHOENIX_BENCH_TRANSPORT: "uncoalesced" });
      extra.push(await run("refresh, reads not coalesced", async () => upChanges(await stack.stack.refresh({ parallel }))));
    }
    if (flag("per-command")) {
      setEnv(stack, { PHOENIX_BENCH_TRANSPORT: "per-command" });
      extra.push(await run("refresh, one connection per command", async () => upChanges(await stack.stack.refresh({ parallel }))));
    }
    setEnv(stack, { PHOENIX_BENCH_TRANSPORT: undefined });

    let base: SizeResult["base"];
    if (!flag("no-baseline")) {
      const changedUrn = deployment.resources.find((r) => r.type.endsWith(":Container") && r.outputs?.vmid === changedVmid)?.urn;
      let changed: string | undefined;
      const b = await openStack({ program: async () => runBaselineProgram(deployment.resources, changed), stackName: "baseline", env });
      stacks.push(b);
      const bCold = await run("baseline cold up", async () => upChanges(await b.stack.up({ parallel })));
      const bNoop = await run("baseline no-op up", async () => upChanges(await b.stack.up({ parallel })));
      const bRefresh = await run("baseline refresh", async () => upChanges(await b.stack.refresh({ parallel })));
      changed = changedUrn;
      const bPreview = await run("baseline preview, 1 changed", async () => previewChanges(await b.stack.preview({ parallel })));
      base = { cold: bCold, noop: bNoop, refresh: bRefresh, preview: bPreview };
    }
    const latencies = latency === "none" ? Object.fromEntries(Object.keys(REALISTIC_LATENCY_MS).map((k) => [k, 0])) : REALISTIC_LATENCY_MS;
    const bound = computeCriticalPathBound(buildFleetTasks(members, latencies as typeof REALISTIC_LATENCY_MS), PER_NODE_LIMIT);
    return { containers, resources, stateBytes, cold, noop, refresh, preview, changedVmid, extra, base, bound, cores: CORES };
  } finally {
    await Promise.all(proxies.map((p) => p.close()));
    killContainers(t.cluster.root);
    await t.stop();
    for (const s of stacks) fs.rmSync(s.backendDir, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const load = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");
  const loadBefore = load();
  const started = Date.now();
  const results: SizeResult[] = [];
  for (const n of sizes) {
    const r = await runSize(n);
    results.push(r);
    console.error([...DETAIL_HEADER, ...detailRows(r), "", coldLine(r)].join("\n"));
  }
  const machine =
    `nproc ${execFileSync("nproc").toString().trim()}, Linux ${os.release()}, node ${process.version}, ${new Date(started).toISOString()}, ` +
    `load average ${loadBefore} before / ${load()} after, ${((Date.now() - started) / 60000).toFixed(1)} min in all, engine parallel ${parallel}, ` +
    `latency profile ${latency}, added round-trip time ${rttMs} ms`;
  const lines = [
    `### Fleets of ${sizes.join(", ")} containers on ${NODES.length} nodes`,
    "",
    `Command: \`node dist/bench/fleet-bench.js ${process.argv.slice(2).join(" ")}\`. Machine: ${machine}.`,
    "",
    ...SUMMARY_HEADER,
    ...results.map(summaryRow),
    "",
    ...(results.length >= 2 ? [growthLine(results[results.length - 1]!, results[results.length - 2]!), ""] : []),
    ...DETAIL_HEADER,
    ...results.flatMap(detailRows),
    "",
    ...results.map(coldLine),
  ];
  console.log(lines.join("\n"));
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
