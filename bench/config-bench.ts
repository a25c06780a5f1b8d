/**
 * How long loading and validating a config of 1,000 containers takes (target: < 500 ms): JSON parse, the zod
 * schema, cross-field checks, dependency graph and create order — everything `pulumi up` does before touching
 * a node. A benchmark, not a test.
 * Run: node dist/bench/config-bench.js [--containers 1000]
 */
import { buildDependencyGraphFromConfig, loadConfigText, planCreateOrder } from "../core/config";
import { buildFleetConfig } from "./fleet-config";

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

function main(): void {
  const containers = option("containers", 1000);
  const nodes = ["pve1", "pve2", "pve3", "pve4"];
  // Clone chains of 3 and 4 extra clones per node, as in the fleet benchmark, at 1,000 containers.
  const text = buildFleetConfig({ nodes, containers });
  console.log(`config: ${containers} containers on ${nodes.length} nodes, ${(text.length / 1024).toFixed(0)} KiB`);
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const loaded = loadConfigText(text, { nodes });
    const order = planCreateOrder(buildDependencyGraphFromConfig(loaded.config), [...loaded.specs.keys()]);
    const cpu = process.cpuUsage(cpuStart);
    const ms = performance.now() - start;
    runs.push(ms);
    // CPU time too: on a shared machine the wall time includes waiting for a core.
    console.log(`run ${i + 1}: ${ms.toFixed(1).padStart(7)} ms wall ${((cpu.user + cpu.system) / 1000).toFixed(1).padStart(7)} ms cpu  (${loaded.specs.size} specs, ${order.length} in create order)`);
  }
  console.log(`first run (cold JIT, schema built) ${runs[0]!.toFixed(1)} ms; best ${Math.min(...runs).toFixed(1)} ms; target < 500 ms`);
}

main();
