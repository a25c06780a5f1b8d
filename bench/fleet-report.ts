/**
 * The fleet benchmark's tables: per fleet size one row per operation, one summary row per size, and how the
 * costs grow between the two largest sizes. Pure formatting of what bench/fleet-measure.ts collected.
 */
import type { PathBound } from "./critical-path";
import { Measured, sum } from "./fleet-measure";

/** Everything measured for one fleet size. */
export interface SizeResult {
  containers: number;
  /** Dynamic resources (the provider's calls are per resource). */
  resources: number;
  /** The stack's state file, bytes, after the cold up. */
  stateBytes: number;
  cold: Measured;
  noop: Measured;
  refresh: Measured;
  /** Preview with one container's memory changed. */
  preview: Measured;
  /** The container the preview changed. */
  changedVmid: number;
  extra: Measured[];
  /** The SSH-free baseline (same resource graph): cold up, no-op up, refresh, preview with one change. */
  base?: { cold: Measured; noop: Measured; refresh: Measured; preview: Measured };
  bound: PathBound;
  cores: number;
}

const s = (ms: number) => (ms / 1000).toFixed(1);
const ratio = (a: number, b: number) => `×${(a / b).toFixed(2)}`;
const floorS = (m: Measured, cores: number) => sum(Object.values(m.cpu)) / cores;
const commands = (m: Measured) => sum(m.processes.map((p) => p.commandsRun));
const peakRss = (ms: Measured[]) => Math.max(0, ...ms.flatMap((m) => m.processes.map((p) => Math.round(p.maxRssKiB / 1024))));
const perContainer = (m: Measured) => [...m.perContainer.entries()].filter(([k]) => k !== "-").map(([, v]) => v);
/** CPU ms per dynamic resource: engine (CLI, language host, this program) / provider. */
const cpuPerResource = (m: Measured, resources: number) => `${Math.round((m.cpu.engine * 1000) / resources)} / ${Math.round((m.cpu.provider * 1000) / resources)}`;

/** Cold create against max(critical-path bound, CPU floor): no schedule on this machine is faster than either. */
export function coldTarget(r: SizeResult): { floorS: number; limitS: number; ratio: number } {
  const f = floorS(r.cold, r.cores);
  const limitS = Math.max(r.bound.boundMs / 1000, f);
  return { floorS: f, limitS, ratio: r.cold.wallMs / 1000 / limitS };
}

/** The per-operation rows of one size. */
export function detailRows(r: SizeResult): string[] {
  const row = (m: Measured, base?: Measured) => {
    const counts = perContainer(m);
    const p = m.processes;
    return `| ${r.containers} | ${m.label} | ${s(m.wallMs)} | ${base ? ratio(m.wallMs, base.wallMs) : "—"} | ${p.map((x) => x.connectionsOpened).join(" + ") || "0"} | ${commands(m)} | ${(commands(m) / r.containers).toFixed(2)} | ${sum(counts)} / ${counts.length} | ${counts.length ? `${(sum(counts) / r.containers).toFixed(1)} (max ${Math.max(...counts)})` : "0"} | ${p.length ? peakRss([m]) : "—"} | ${cpuPerResource(m, r.resources)} | ${m.cpu.nodes.toFixed(1)} | ${floorS(m, r.cores).toFixed(1)} | ${p.some((x) => x.reads) ? p.map((x) => `${x.reads!.reads} → ${x.reads!.roundTrips} (${x.inventories ?? 0} inv.)`).join(", ") : "—"} |`;
  };
  const b = r.base;
  return [
    row(r.cold, b?.cold),
    row(r.noop, b?.noop),
    row(r.refresh, b?.refresh),
    row(r.preview, b?.preview),
    ...r.extra.map((m) => row(m, b?.refresh)),
    ...(b ? [b.cold, b.noop, b.refresh, b.preview].map((m) => row(m)) : []),
  ];
}

export const DETAIL_HEADER = [
  "| containers | run | wall s | vs baseline | connections | SSH round trips | round trips / container | pct starts / containers touched | pct starts / container (max) | provider peak RSS MiB | CPU ms / resource: engine / provider | nodes CPU s | CPU floor s | coalesced reads → round trips |",
  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
];

/** One summary row per size. */
export function summaryRow(r: SizeResult): string {
  const c = coldTarget(r);
  const b = r.base;
  const vs = (m: Measured, base?: Measured) => `${s(m.wallMs)}${base ? ` (${ratio(m.wallMs, base.wallMs)})` : ""}`;
  const touched = perContainer(r.preview);
  const others = [...r.preview.perContainer.entries()].filter(([k]) => k !== "-" && k !== String(r.changedVmid)).length;
  return `| ${r.containers} | ${r.resources} | ${(r.stateBytes / 1024).toFixed(0)} | ${s(r.cold.wallMs)} (bound ${s(r.bound.boundMs)}, floor ${c.floorS.toFixed(1)}: ${ratio(c.ratio, 1)}) | ${vs(r.noop, b?.noop)} | ${vs(r.refresh, b?.refresh)} | ${vs(r.preview, b?.preview)} | ${commands(r.preview)} / ${sum(touched)} / ${others} | ${peakRss([r.cold, r.noop, r.refresh, r.preview])} | ${cpuPerResource(r.cold, r.resources)} | ${cpuPerResource(r.noop, r.resources)} | ${(commands(r.cold) / r.containers).toFixed(2)} | ${(sum(perContainer(r.cold)) / r.containers).toFixed(1)} |`;
}

export const SUMMARY_HEADER = [
  "| containers | dynamic resources | state KiB | cold up s (× max(bound, CPU floor)) | no-op up s (× baseline) | refresh s (× baseline) | preview, 1 changed, s (× baseline) | preview: SSH round trips / pct starts / other containers read | provider peak RSS MiB | cold up CPU ms / resource: engine / provider | no-op up CPU ms / resource: engine / provider | cold up round trips / container | cold up pct starts / container |",
  "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
];

/** Cost at the largest size over cost at the one before, against the growth of the resource count. */
export function growthLine(big: SizeResult, small: SizeResult): string {
  const g = (a: number, b: number) => (b > 0 ? `×${(a / b).toFixed(2)}` : "—");
  const w = (k: "cold" | "noop" | "refresh" | "preview") => g(big[k].wallMs, small[k].wallMs);
  const cpuRes = (r: SizeResult, k: "engine" | "provider") => r.cold.cpu[k] / r.resources;
  const noopRes = (r: SizeResult, k: "engine" | "provider") => r.noop.cpu[k] / r.resources;
  return (
    `Growth ${big.containers}/${small.containers} (containers ${g(big.containers, small.containers)}, resources ${g(big.resources, small.resources)}): ` +
    `cold up ${w("cold")}, no-op up ${w("noop")}, refresh ${w("refresh")}, preview of one change ${w("preview")}; ` +
    `state file ${g(big.stateBytes, small.stateBytes)}; provider peak RSS ${g(peakRss([big.cold, big.noop, big.refresh, big.preview]), peakRss([small.cold, small.noop, small.refresh, small.preview]))}; ` +
    `CPU per resource, cold up: engine ${g(cpuRes(big, "engine"), cpuRes(small, "engine"))}, provider ${g(cpuRes(big, "provider"), cpuRes(small, "provider"))}; ` +
    `no-op up: engine ${g(noopRes(big, "engine"), noopRes(small, "engine"))}, provider ${g(noopRes(big, "provider"), noopRes(small, "provider"))}; ` +
    `SSH round trips, cold up ${g(commands(big.cold), commands(small.cold))}, refresh ${g(commands(big.refresh), commands(small.refresh))}; ` +
    `pct starts, cold up ${g(sum([...big.cold.perContainer.values()]), sum([...small.cold.perContainer.values()]))}.`
  );
}

/** The cold-create sentence of one size. */
export function coldLine(r: SizeResult): string {
  const c = coldTarget(r);
  const b = r.bound;
  return (
    `${r.containers} containers, cold create: ${s(r.cold.wallMs)} s; critical-path bound ${s(b.boundMs)} s (longest chain ${s(b.criticalPathMs)} s ` +
    `through CT ${b.criticalPath.join(" → ")}; node work ${Object.entries(b.nodeWorkMs).map(([n, ms]) => `${n} ${s(ms)} s`).join(", ")}); CPU floor on ${r.cores} cores ` +
    `${c.floorS.toFixed(1)} s (engine ${r.cold.cpu.engine.toFixed(1)}, provider ${r.cold.cpu.provider.toFixed(1)}, nodes ${r.cold.cpu.nodes.toFixed(1)} CPU-s): ratio to max(bound, floor) ×${c.ratio.toFixed(2)}` +
    (r.base ? `; the engine alone creates the same graph in ${s(r.base.cold.wallMs)} s.` : ".") +
    ` Changes: cold ${JSON.stringify(r.cold.changes)}, no-op up ${JSON.stringify(r.noop.changes)}, refresh ${JSON.stringify(r.refresh.changes)}, preview ${JSON.stringify(r.preview.changes)} (CT ${r.changedVmid} memory).`
  );
}
