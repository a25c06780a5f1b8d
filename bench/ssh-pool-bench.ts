/**
 * Pooled SSH vs one connection per command, against one simulated node behind a real sshd.
 *
 *   node dist/bench/ssh-pool-bench.js [--reads 200] [--concurrency 8]
 *
 * "Per command" builds a fresh SshPool for every read and closes it afterwards: a TCP connect, key exchange and
 * public-key authentication each time, as @pulumi/command's remote.Command does for every resource.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { rm } from "node:fs/promises";
import { cpus } from "node:os";
import { SshPool, type SshPoolStats } from "../host/ssh-pool";
import type { NodeTarget } from "../host/transport";
import { startSimCluster } from "../testbed/launcher/sim-cluster";
import { toNodeTarget } from "../test/helpers/sshd";

interface Run {
  label: string;
  wallMs: number;
  stats: SshPoolStats;
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

/** Runs `count` tasks with at most `concurrency` in flight. */
async function runLimited(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await task(next++);
  }));
}

function add(a: SshPoolStats, b: SshPoolStats): SshPoolStats {
  return { connectionsOpened: a.connectionsOpened + b.connectionsOpened, handshakes: a.handshakes + b.handshakes, commandsRun: a.commandsRun + b.commandsRun, reconnects: a.reconnects + b.reconnects };
}

async function runPooled(node: NodeTarget, privateKey: string, reads: number, concurrency: number): Promise<Run> {
  const pool = new SshPool({ credentials: { privateKey }, maxChannelsPerConnection: concurrency });
  const start = performance.now();
  await runLimited(reads, concurrency, async () => void (await pool.exec(node, ["cat", "/etc/hostname"], { idempotent: true })));
  const wallMs = performance.now() - start;
  await pool.close();
  return { label: "pooled (one SshPool)", wallMs, stats: pool.stats() };
}

async function runPerCommand(node: NodeTarget, privateKey: string, reads: number, concurrency: number): Promise<Run> {
  let stats: SshPoolStats = { connectionsOpened: 0, handshakes: 0, commandsRun: 0, reconnects: 0 };
  const start = performance.now();
  await runLimited(reads, concurrency, async () => {
    const pool = new SshPool({ credentials: { privateKey } });
    await pool.exec(node, ["cat", "/etc/hostname"], { idempotent: true });
    await pool.close();
    stats = add(stats, pool.stats());
  });
  return { label: "one connection per command", wallMs: performance.now() - start, stats };
}

function row(r: Run): string {
  const perCmd = r.wallMs / r.stats.commandsRun;
  return `| ${r.label} | ${r.stats.commandsRun} | ${r.stats.connectionsOpened} | ${r.stats.handshakes} | ${r.wallMs.toFixed(0)} | ${perCmd.toFixed(2)} | ${((r.stats.commandsRun / r.wallMs) * 1000).toFixed(0)} |`;
}

async function main(): Promise<void> {
  const reads = flag("reads", 200);
  const concurrency = flag("concurrency", 8);
  const cluster = await startSimCluster({ nodes: ["pve1"] });
  try {
    const node = toNodeTarget(cluster.nodes[0]!);
    const lines: string[] = [];
    for (const c of [concurrency, 1]) {
      const n = c === 1 ? Math.min(reads, 50) : reads;
      // Warm up once so neither side pays for first-use costs (JIT, page cache) alone.
      await runPooled(node, cluster.privateKey, 8, c);
      const pooled = await runPooled(node, cluster.privateKey, n, c);
      const single = await runPerCommand(node, cluster.privateKey, n, c);
      lines.push(
        `### ${n} reads (\`cat /etc/hostname\`), concurrency ${c}`,
        "",
        "| mode | commands | connections opened | handshakes | wall ms | ms / command | commands / s |",
        "|---|---|---|---|---|---|---|",
        row(pooled),
        row(single),
        "",
        `Ratios (per command / pooled): wall time ×${(single.wallMs / pooled.wallMs).toFixed(1)}, ` +
          `connections ×${single.stats.connectionsOpened / pooled.stats.connectionsOpened}, ` +
          `SSH round trips ≈ ${single.stats.handshakes} handshakes (each ~4 round trips: KEX, service, auth query, auth) + ${n} execs vs ` +
          `${pooled.stats.handshakes} handshake + ${n} execs.`,
        "",
      );
    }
    const machine = `${cpus().length} CPUs (nproc ${execFileSync("nproc").toString().trim()}), Linux ${execFileSync("uname", ["-r"]).toString().trim()}, ` +
      `node ${process.version}, ${spawnSync("ssh", ["-V"]).stderr.toString().trim()}, ${new Date().toISOString()}`;
    console.log([`## SSH pool: pooled vs one connection per command`, "", `Machine: ${machine}. One simulated node (real sshd on loopback, ForceCommand sim-shell).`, "", ...lines].join("\n"));
  } finally {
    await cluster.stop();
    await rm(cluster.root, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
