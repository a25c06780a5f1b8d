/**
 * Single-field edits of a containers file, as a user makes them, for the change-isolation property test. Each
 * edit changes one value of one container (or one top-level default) and says which containers an up may touch
 * for it: the edited one, or, for a top-level default, the containers that read it. That expectation is written
 * from the documented rules (retention keys are inherited when the container does not set them; the application
 * script reads the top-level NVIDIA settings), never computed by the code under test.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The raw file as JSON. */
export type RawConfig = { snapshot_retention?: Record<string, number>; nvidia_driver_version?: string; lxc_configs: Record<string, Record<string, any>> };

/** The kinds of edit the test draws from. */
export const EDIT_KINDS = ["memory", "cores", "net0", "tags", "features", "app-script", "health-check", "retention", "top-retention", "top-nvidia", "clone-source"] as const;
export type EditKind = (typeof EDIT_KINDS)[number];

/** A random draw: the kind, and two numbers that pick the container and the value. */
export interface EditDraw {
  kind: EditKind;
  pick: number;
  value: number;
}

/** What an edit did and which containers it may touch. */
export interface AppliedEdit {
  label: string;
  expected: string[];
}

const RETENTION_KEYS = ["keep_last", "keep_daily", "keep_weekly"] as const;

/** Applies one edit to `config` (and, for the application script, to its file under `dir`). */
export function applyEdit(config: RawConfig, dir: string, draw: EditDraw, run: number): AppliedEdit {
  const ctids = Object.keys(config.lxc_configs).sort();
  const ctid = ctids[draw.pick % ctids.length]!;
  const entry = config.lxc_configs[ctid]!;
  const n = draw.value;
  switch (draw.kind) {
    case "memory": {
      const next = 256 + 32 * (1 + (n % 8));
      entry.memory_mb = next === entry.memory_mb ? next + 32 : next;
      return { label: `CT ${ctid} memory_mb=${entry.memory_mb}`, expected: [ctid] };
    }
    case "cores":
      entry.cores = entry.cores === 1 ? 2 : 1;
      return { label: `CT ${ctid} cores=${entry.cores}`, expected: [ctid] };
    case "net0": {
      const net = entry.network_config;
      if (n % 2 === 0) net.ip = `10.99.0.${200 + run}/24`;
      else net.gw = net.gw === "10.99.0.1" ? "10.99.0.254" : "10.99.0.1";
      return { label: `CT ${ctid} network_config.${n % 2 === 0 ? `ip=${net.ip}` : `gw=${net.gw}`}`, expected: [ctid] };
    }
    case "tags":
      entry.tags = [...(entry.tags ?? []), `t${run}x${n}`];
      return { label: `CT ${ctid} tags=${entry.tags.join(",")}`, expected: [ctid] };
    case "features": {
      const has = (entry.features ?? []).includes("base-tools");
      entry.features = has ? entry.features.filter((f: string) => f !== "base-tools") : [...(entry.features ?? []), "base-tools"];
      return { label: `CT ${ctid} features=[${entry.features.join(",")}]`, expected: [ctid] };
    }
    case "app-script": {
      const [own, app] = Object.entries(config.lxc_configs).find(([, e]) => e.application_script)!;
      fs.appendFileSync(path.join(dir, app.application_script), `echo "edit ${run}.${n}"\n`);
      return { label: `CT ${own} ${app.application_script} text`, expected: [own] };
    }
    case "health-check": {
      const retries = 1 + (n % 3);
      entry.health_check = { command: "test -d /", retries: entry.health_check?.retries === retries ? retries + 1 : retries, interval: 1 };
      return { label: `CT ${ctid} health_check.retries=${entry.health_check.retries}`, expected: [ctid] };
    }
    case "retention": {
      const current = entry.snapshot_retention?.keep_last ?? config.snapshot_retention?.keep_last ?? 1;
      entry.snapshot_retention = { ...(entry.snapshot_retention ?? {}), keep_last: current + 1 + (n % 3) };
      return { label: `CT ${ctid} snapshot_retention.keep_last=${entry.snapshot_retention.keep_last}`, expected: [ctid] };
    }
    case "top-retention": {
      const key = RETENTION_KEYS[n % RETENTION_KEYS.length]!;
      const top = (config.snapshot_retention ??= {});
      top[key] = (top[key] ?? 1) + 1 + (n % 3);
      // Inherited field by field: a container that sets the key itself keeps its own value.
      const inheriting = ctids.filter((c) => config.lxc_configs[c]!.snapshot_retention?.[key] === undefined);
      return { label: `top-level snapshot_retention.${key}=${top[key]}`, expected: inheriting };
    }
    case "clone-source": {
      // A clone is a one-time copy: renaming its source's template snapshot is a change of the source only.
      const sources = ctids.filter((c) => ctids.some((d) => config.lxc_configs[d]!.clone_from_ctid === c));
      const source = sources[draw.pick % sources.length]!;
      config.lxc_configs[source]!.template_snapshot_name = `final-form-r${run}`;
      return { label: `CT ${source} template_snapshot_name=final-form-r${run}`, expected: [source] };
    }
    case "top-nvidia": {
      config.nvidia_driver_version = `580.76.${String(10 + run).padStart(2, "0")}`;
      // Read by application scripts (and the nvidia feature, which no container of the example uses).
      const readers = ctids.filter((c) => config.lxc_configs[c]!.application_script);
      return { label: `top-level nvidia_driver_version=${config.nvidia_driver_version}`, expected: readers };
    }
  }
}

/** One line of a simulated node's command log. */
export interface LoggedArgv {
  argv: string[];
}

/** The CTIDs a logged pct/pvesh command acts on (`pct <verb> <vmid> …`, `pct clone <from> <to>`, `pvesh … /lxc/<vmid>/…`). */
export function ctidsOfCommand(c: LoggedArgv): string[] {
  const [tool, verb, a, b] = c.argv;
  if (tool === "pct") return [a, ...(verb === "clone" ? [b] : [])].filter((x): x is string => x !== undefined && /^\d+$/.test(x));
  return c.argv.flatMap((arg) => [...arg.matchAll(/\/lxc\/(\d+)(?:\/|$)/g)].map((m) => m[1]!));
}
