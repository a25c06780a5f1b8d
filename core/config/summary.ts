/**
 * The one-line summary `phoenix validate` prints for a valid file.
 */
import type { ContainerSpec } from "./types";

/** Counts describing a configuration. */
export interface ConfigSummary {
  containers: number;
  /** Distinct nodes; containers without a node count as one (the default node). */
  nodes: number;
  /** Containers that are clone sources (have template_snapshot_name). */
  templates: number;
  /** Trees of clones rooted at a container created from an OS template. */
  cloneChains: number;
  /** Most clone steps from a root to a leaf (900→901→920→950 is 3). */
  longestChain: number;
}

/** Computes the summary of validated specs. */
export function summarizeSpecs(specs: ReadonlyMap<number, ContainerSpec>): ConfigSummary {
  const depth = (spec: ContainerSpec, seen = 0): number => {
    if (spec.source.kind !== "clone" || seen > specs.size) return 0;
    const parent = specs.get(spec.source.fromCtid);
    return parent === undefined ? 1 : 1 + depth(parent, seen + 1);
  };
  const rootOf = (spec: ContainerSpec): number => {
    let current = spec;
    for (let i = 0; i <= specs.size && current.source.kind === "clone"; i++) {
      const parent = specs.get(current.source.fromCtid);
      if (parent === undefined) break;
      current = parent;
    }
    return current.ctid;
  };
  const all = [...specs.values()];
  const roots = new Set(all.filter((s) => s.source.kind === "clone").map(rootOf));
  return {
    containers: specs.size,
    nodes: new Set(all.map((s) => s.node ?? "")).size,
    templates: all.filter((s) => s.templateSnapshotName !== undefined).length,
    cloneChains: roots.size,
    longestChain: Math.max(0, ...all.map((s) => depth(s))),
  };
}

/** `valid: 12 containers on 2 nodes, 4 templates, 2 clone chains (longest 3)`. */
export function formatSummary(s: ConfigSummary): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const chains = s.cloneChains === 0 ? "no clone chains" : `${plural(s.cloneChains, "clone chain")} (longest ${s.longestChain})`;
  return `valid: ${plural(s.containers, "container")} on ${plural(s.nodes, "node")}, ${plural(s.templates, "template")}, ${chains}`;
}
