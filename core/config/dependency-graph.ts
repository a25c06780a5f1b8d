/**
 * Dependency ordering of containers, reproducing the original `bin/phoenix` resolver (docs/pve-behaviour.md §O): edges go
 * from a container to its clone source first, then to each `dependencies` entry in file order; the create order
 * is the DFS post-order from the targets in the order given. IDs that are referenced but not defined still
 * appear in the order (the loader rejects them up front; the graph itself stays total).
 */
import { ConfigError } from "../errors";
import type { PhoenixConfig } from "./types";

/** What the graph needs to know about one container. */
export interface GraphNodeInput {
  ctid: number;
  /** `clone_from_ctid`, when set. */
  cloneFrom?: number;
  /** `dependencies`, in file order. */
  dependencies: readonly number[];
  /** `boot_order`, when set. */
  bootOrder?: number;
}

/** Adjacency of containers to what they need first, plus boot orders. */
export interface DependencyGraph {
  /** ctid → prerequisites (clone source first, then dependencies), no duplicates. */
  readonly edges: ReadonlyMap<number, readonly number[]>;
  /** ctid → boot_order, for the defined containers that set one. */
  readonly bootOrders: ReadonlyMap<number, number>;
}

/** Builds the graph from per-container inputs. */
export function buildDependencyGraph(nodes: Iterable<GraphNodeInput>): DependencyGraph {
  const edges = new Map<number, number[]>();
  const bootOrders = new Map<number, number>();
  for (const n of nodes) {
    const out = n.cloneFrom === undefined ? [] : [n.cloneFrom];
    for (const d of n.dependencies) if (!out.includes(d)) out.push(d);
    edges.set(n.ctid, out);
    if (n.bootOrder !== undefined) bootOrders.set(n.ctid, n.bootOrder);
  }
  return { edges, bootOrders };
}

/** The graph of a (schema-valid) configuration. */
export function buildDependencyGraphFromConfig(config: Pick<PhoenixConfig, "lxc_configs">): DependencyGraph {
  return buildDependencyGraph(
    Object.entries(config.lxc_configs).map(([id, c]) => ({
      ctid: Number(id),
      cloneFrom: c.clone_from_ctid === undefined ? undefined : Number(c.clone_from_ctid),
      dependencies: c.dependencies.map(Number),
      bootOrder: c.boot_order,
    })),
  );
}

/** A cycle as printed to users: `9990 → 9991 → 9990`. */
export function formatCycle(cycle: readonly number[]): string {
  return [...cycle, cycle[0]].join(" → ");
}

/**
 * Every distinct cycle a DFS meets, each rotated to start at its smallest ctid (so a cycle is reported once,
 * whatever node the search entered it by). A self-reference is a cycle of one.
 */
export function findCycles(graph: DependencyGraph): number[][] {
  const state = new Map<number, "active" | "done">();
  const stack: number[] = [];
  const found = new Map<string, number[]>();
  const visit = (id: number): void => {
    state.set(id, "active");
    stack.push(id);
    for (const next of graph.edges.get(id) ?? []) {
      const s = state.get(next);
      if (s === "active") {
        const cycle = stack.slice(stack.lastIndexOf(next));
        const start = cycle.indexOf(Math.min(...cycle));
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        found.set(rotated.join(","), rotated);
      } else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(id, "done");
  };
  for (const id of [...graph.edges.keys()].sort((a, b) => a - b)) if (!state.has(id)) visit(id);
  return [...found.values()];
}

function cycleError(cycle: number[]): ConfigError {
  return new ConfigError([{ path: `lxc_configs.${cycle[0]}`, message: `dependency cycle: ${formatCycle(cycle)}`, severity: "error" }], undefined, {
    hint: "remove one clone_from_ctid or dependencies entry of the cycle",
  });
}

/**
 * The order to converge `targets` in: every prerequisite before what needs it, DFS post-order from the targets
 * in the given order (`9990 9991 9992` with 9990→9991, 9992→9990 gives `9991 9990 9992`). Includes the
 * prerequisites of the targets. Throws {@link ConfigError} on a cycle.
 */
export function planCreateOrder(graph: DependencyGraph, targets: readonly number[]): number[] {
  const order: number[] = [];
  const done = new Set<number>();
  const active: number[] = [];
  const visit = (id: number): void => {
    if (done.has(id)) return;
    const at = active.indexOf(id);
    if (at >= 0) throw cycleError(active.slice(at));
    active.push(id);
    for (const next of graph.edges.get(id) ?? []) visit(next);
    active.pop();
    done.add(id);
    order.push(id);
  };
  for (const t of targets) visit(t);
  return order;
}

/** The targets with everything they need, directly or not, in create order. */
export function dependencyClosure(graph: DependencyGraph, targets: readonly number[]): number[] {
  return planCreateOrder(graph, targets);
}

/**
 * Containers that need `ctid` (clone from it or depend on it), ascending. Transitive by default: what breaks
 * when `ctid` goes away; `{ direct: true }` for the immediate ones only.
 */
export function dependents(graph: DependencyGraph, ctid: number, options: { direct?: boolean } = {}): number[] {
  const result = new Set<number>();
  const queue = [ctid];
  while (queue.length > 0) {
    const current = queue.shift() as number;
    for (const [id, needs] of graph.edges) {
      if (needs.includes(current) && !result.has(id) && id !== ctid) {
        result.add(id);
        if (!options.direct) queue.push(id);
      }
    }
  }
  return [...result].sort((a, b) => a - b);
}

/**
 * Start order: ascending `boot_order`, containers without one last, ties by ctid (the original sorted missing
 * orders as 999 and broke ties by text; ctid is the stable numeric equivalent).
 */
export function planBootOrder(graph: DependencyGraph, ctids: readonly number[]): number[] {
  const key = (id: number) => graph.bootOrders.get(id) ?? Number.POSITIVE_INFINITY;
  return [...ctids].sort((a, b) => key(a) - key(b) || a - b);
}
