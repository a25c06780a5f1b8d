/**
 * Entry point of the simulated `pvesm` (testbed/bin/pvesm): only `pvesm status`, printed with the layout
 * of pve-storage `PVE/CLI/pvesm.pm` `$print_status` (inferred from that source): name column as wide as
 * the longest storage ID + 1, then `%10s %10s %15d %15d %15d % 7.2f%%`, sizes in KiB.
 */
import * as fs from "node:fs";
import { err, out, readSimEnv } from "./sim-env";
import { Ctx, failDirect, finish } from "./sim-context";
import { loadStorages } from "./storage";

function main(): void {
  const env = readSimEnv();
  const args = process.argv.slice(2);
  const ctx: Ctx = { env, argv: ["pvesm", ...args], startedMs: Date.now() };
  if (args[0] !== "status") {
    err(args.length ? `ERROR: unknown command 'pvesm ${args[0]}'\n` : "ERROR: no command specified\n");
    err("USAGE: pvesm <COMMAND> [ARGS] [OPTIONS]\n");
    finish(ctx, 255);
  }
  let storages: ReturnType<typeof loadStorages>;
  try {
    storages = loadStorages(env);
  } catch (e) {
    failDirect(ctx, e);
  }
  const ids = Object.keys(storages).sort();
  const w = Math.max(0, ...ids.map((i) => i.length)) + 1;
  const st = fs.statfsSync(env.root);
  const total = Math.floor((st.blocks * st.bsize) / 1024);
  const avail = Math.floor((st.bavail * st.bsize) / 1024);
  const used = total - Math.floor((st.bfree * st.bsize) / 1024);
  let text = `${"Name".padEnd(w)} ${"Type".padStart(10)} ${"Status".padStart(10)} ${"Total".padStart(15)} ${"Used".padStart(15)} ${"Available".padStart(15)} ${"%".padStart(8)}\n`;
  for (const id of ids) {
    const pct = total > 0 ? (used * 100) / total : 0;
    text += `${id.padEnd(w)} ${storages[id].type.padStart(10)} ${"active".padStart(10)} ${String(total).padStart(15)} ${String(used).padStart(15)} ${String(avail).padStart(15)} ${` ${pct.toFixed(2)}`.padStart(7)}%\n`;
  }
  out(text);
  finish(ctx, 0);
}

main();
