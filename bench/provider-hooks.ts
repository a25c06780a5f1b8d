/**
 * The fleet benchmark's hook inside the engine's provider process. bench/fleet-bench.ts loads it into every
 * provider the engine starts with `NODE_OPTIONS=--require <dist/bench/provider-hooks.js>`; the product runtime
 * knows nothing of it beyond {@link setTransportFactory}.
 *
 * - PHOENIX_BENCH_TRANSPORT selects the transport: `pooled` (the product's: pool + read coalescer, the default),
 *   `uncoalesced` (pool alone), `per-command` (one SSH connection per command, as @pulumi/command does).
 * - PHOENIX_STATS_FILE: on exit the process appends one JSON line `{connectionsOpened, handshakes, commandsRun,
 *   reconnects, reads, inventories, pid, maxRssKiB, cpuMs, endedBy, endedAt}` to that file.
 * - PHOENIX_BENCH_SSH_LOG=FILE: the SSH pool's log lines (connects, idle closes, drops) are appended there.
 * - PHOENIX_BENCH_CPU_PROF=DIR: writes the process's CPU profile there when the engine stops it.
 *
 * Other node processes that inherit NODE_OPTIONS (none in an inline-program run) are left alone.
 */
import * as fs from "node:fs";
import * as inspector from "node:inspector";
import * as path from "node:path";
import * as os from "node:os";
import { ReadCoalescer, ReadCoalescerStats } from "../host/read-coalescer";
import { SshPool, SshPoolStats } from "../host/ssh-pool";
import type * as Runtime from "../providers/impl/runtime";
import { SingleUseTransport } from "./single-use-transport";

/** The counters of the transport this process built, once it built one. */
let counters: { ssh: () => SshPoolStats; reads?: () => ReadCoalescerStats } | undefined;

/**
 * The runtime, loaded once the main module runs: a module compiled during `--require` sees no `require.main`, and
 * the runtime reads it to know it is in the engine's provider host (idle timeout, engine watch).
 */
const runtime = () => require("../providers/impl/runtime") as typeof Runtime;

function selectTransport(kind: string, sshLog: string | undefined): void {
  runtime().setTransportFactory((given) => {
    // The pool's own log (connects, idle closes, drops, timeouts), one line per event with the process and time.
    const options = sshLog ? { ...given, log: (line: string) => fs.appendFileSync(sshLog, `${new Date().toISOString()} ${process.pid} ${line}\n`) } : given;
    if (kind === "per-command") {
      const single = new SingleUseTransport(options);
      counters = { ssh: () => single.stats() };
      return single;
    }
    const pool = new SshPool(options);
    if (kind === "uncoalesced") {
      counters = { ssh: () => pool.stats() };
      return pool;
    }
    const coalescer = new ReadCoalescer(pool);
    counters = { ssh: () => pool.stats(), reads: () => coalescer.stats() };
    return Object.assign(coalescer, { close: () => pool.close() });
  });
}

/** PHOENIX_BENCH_CPU_PROF=DIR: a V8 CPU profile of the process (node refuses --cpu-prof in NODE_OPTIONS). */
let stopProfile = (then: () => void) => then();
function startProfile(dir: string): void {
  const session = new inspector.Session();
  session.connect();
  session.post("Profiler.enable", () => session.post("Profiler.start"));
  stopProfile = (then) =>
    session.post("Profiler.stop", (err, result) => {
      if (!err) fs.writeFileSync(path.join(dir, `provider-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
      then();
    });
}

function reportStatsOnExit(file: string): void {
  let written = false;
  const write = (endedBy: string) => {
    if (written) return;
    written = true;
    const ssh = counters?.ssh() ?? { connectionsOpened: 0, handshakes: 0, commandsRun: 0, reconnects: 0 };
    // inventory() builds the transport on first use: ask only when this process built one.
    const inventories = counters ? runtime().inventory().fetches : undefined;
    // maxRSS is in KiB on Linux (getrusage ru_maxrss).
    const usage = process.resourceUsage();
    const cpuMs = Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000);
    const line = { ...ssh, reads: counters?.reads?.(), inventories, pid: process.pid, maxRssKiB: usage.maxRSS, cpuMs, endedBy, endedAt: Date.now() };
    fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
  };
  process.on("exit", () => write("exit"));
  // The engine stops provider plugins with a signal; write first, then die of it as before.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      write(signal);
      stopProfile(() => process.kill(process.pid, signal));
    });
  }
}

if (/[\\/]cmd[\\/]dynamic-provider[\\/]index\.js$/.test(process.argv[1] ?? "")) {
  // After the preload phase; the engine's first call comes long after.
  setImmediate(() => selectTransport(process.env.PHOENIX_BENCH_TRANSPORT ?? "pooled", process.env.PHOENIX_BENCH_SSH_LOG));
  if (process.env.PHOENIX_BENCH_CPU_PROF) startProfile(process.env.PHOENIX_BENCH_CPU_PROF);
  if (process.env.PHOENIX_STATS_FILE) reportStatsOnExit(process.env.PHOENIX_STATS_FILE);
}
