/**
 * How long planRetention takes for 10,000 snapshots (target: < 50 ms). A benchmark, not a test: timing
 * assertions fail on a busy machine for reasons that have nothing to do with the code.
 * Run: node dist/bench/retention-bench.js
 */
import { planRetention, RetentionSnapshot } from "../core/retention/plan";

const COUNT = 10_000;
const START = Date.UTC(2024, 0, 1) / 1000;

/** Snapshots every 50 minutes with a little jitter (about 11 months), some manual, some pinned. */
function buildSnapshots(): RetentionSnapshot[] {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: COUNT }, (_, i) => ({
    name: `phx-${String(i).padStart(6, "0")}`,
    snaptime: START + i * 3000 + Math.floor(random() * 600),
    owned: i % 50 !== 0,
    pinned: i % 997 === 0,
  }));
}

function main(): void {
  const snapshots = buildSnapshots();
  const policy = { keep_last: 24, keep_hourly: 48, keep_daily: 30, keep_weekly: 12, keep_monthly: 12, keep_yearly: 5 };
  // The first Intl call of a process loads ICU's zone data; that cost is the process's, not the planner's.
  const icuStart = performance.now();
  new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Berlin", hour: "numeric" }).format(0);
  console.log(`ICU zone data load (once per process) ${(performance.now() - icuStart).toFixed(1)} ms`);
  const runs: number[] = [];
  for (const timeZone of ["Europe/Berlin", "UTC", "America/New_York", "Asia/Kolkata", "Europe/Berlin"]) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const plan = planRetention(snapshots, policy, { timeZone });
    const cpu = process.cpuUsage(cpuStart);
    const ms = performance.now() - start;
    runs.push(ms);
    // CPU time too: on a shared machine the wall time includes waiting for a core.
    const cpuMs = (cpu.user + cpu.system) / 1000;
    console.log(`${timeZone.padEnd(18)} ${ms.toFixed(1).padStart(6)} ms wall ${cpuMs.toFixed(1).padStart(6)} ms cpu  (remove ${plan.remove.length} of ${COUNT})`);
  }
  console.log(`first run (cold JIT) ${runs[0].toFixed(1)} ms; best ${Math.min(...runs).toFixed(1)} ms; target < 50 ms`);
}

main();
