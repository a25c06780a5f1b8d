/**
 * The lower bound on a cold converge's wall time: no schedule can beat the longest chain of dependent pct
 * operations, nor a node's total operation time divided by the operations it runs at once. Pure.
 *
 * Model (BENCHMARKS.md, "Cold create"): a container's own operations run one after another (create or clone,
 * the `pct set` a clone needs, start, template snapshot, final snapshot); a clone starts when its source's whole
 * workflow is done (LxcFleet makes it wait for the source's last step); per node at most `perNodeLimit`
 * mutations run at once (OperationSequencer). Reads and `pct exec` cost 0: the bound counts only the
 * simulator's per-operation latencies, so everything else a real run spends shows up in the ratio.
 */
import type { FleetMember } from "./fleet-config";

/** One unit of serial work: a container's workflow. */
export interface PathTask {
  /** Unique id (the CTID). */
  id: number;
  /** Node it runs on (per-node parallelism applies). */
  node: string;
  /** Sum of its operations' latencies, ms. */
  durationMs: number;
  /** Tasks that must finish first. */
  after: readonly number[];
}

/** What the bound is made of. */
export interface PathBound {
  /** max(criticalPathMs, max over nodes of nodeWorkMs / perNodeLimit). */
  boundMs: number;
  /** Longest dependency chain, ms. */
  criticalPathMs: number;
  /** That chain, first task first. */
  criticalPath: number[];
  /** Sum of task durations per node, ms. */
  nodeWorkMs: Record<string, number>;
}

/** Computes the bound; throws on an unknown or cyclic dependency. */
export function computeCriticalPathBound(tasks: readonly PathTask[], perNodeLimit: number): PathBound {
  if (!Number.isInteger(perNodeLimit) || perNodeLimit < 1) throw new RangeError("perNodeLimit is a positive integer");
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const finish = new Map<number, { ms: number; path: number[] }>();
  const visiting = new Set<number>();
  const visit = (id: number): { ms: number; path: number[] } => {
    const done = finish.get(id);
    if (done) return done;
    const task = byId.get(id);
    if (!task) throw new Error(`unknown task ${id}`);
    if (visiting.has(id)) throw new Error(`dependency cycle through ${id}`);
    visiting.add(id);
    let best = { ms: 0, path: [] as number[] };
    for (const dep of task.after) {
      const d = visit(dep);
      if (d.ms > best.ms) best = d;
    }
    visiting.delete(id);
    const result = { ms: best.ms + task.durationMs, path: [...best.path, id] };
    finish.set(id, result);
    return result;
  };
  let longest = { ms: 0, path: [] as number[] };
  for (const t of tasks) {
    const f = visit(t.id);
    if (f.ms > longest.ms) longest = f;
  }
  const nodeWorkMs: Record<string, number> = {};
  for (const t of tasks) nodeWorkMs[t.node] = (nodeWorkMs[t.node] ?? 0) + t.durationMs;
  const widest = Math.max(0, ...Object.values(nodeWorkMs).map((w) => w / perNodeLimit));
  return { boundMs: Math.max(longest.ms, widest), criticalPathMs: longest.ms, criticalPath: longest.path, nodeWorkMs };
}

/** Per-operation latencies, ms (the testbed's `realistic` profile has this shape). */
export type OpLatencies = Readonly<Record<string, number>>;

/** The pct operations one container's cold converge needs, in order. */
export function planColdOps(member: FleetMember): string[] {
  // A clone inherits the source's config: memory, net0 etc. still differ, so one `pct set` follows.
  const ops = member.cloneOf === undefined ? ["create"] : ["clone", "set"];
  ops.push("start");
  if (member.templateSnapshot) ops.push("snapshot");
  ops.push("snapshot"); // the final snapshot
  return ops;
}

/** The fleet's tasks under a latency profile. */
export function buildFleetTasks(members: readonly FleetMember[], latency: OpLatencies): PathTask[] {
  return members.map((m) => ({
    id: m.ctid,
    node: m.node,
    durationMs: planColdOps(m).reduce((sum, op) => sum + (latency[op] ?? latency.default ?? 0), 0),
    after: m.cloneOf === undefined ? [] : [m.cloneOf],
  }));
}
