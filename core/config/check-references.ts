/**
 * Cross-field checks about how containers refer to each other and to nodes: clone sources, dependencies,
 * cycles, template-or-clone, node membership. Pure; each check returns issues, never throws. They run on the
 * salvaged view too, so every field may be absent.
 */
import type { ConfigIssue } from "../errors";
import { type CheckContext, containersOf } from "./check-context";
import { buildDependencyGraph, findCycles, formatCycle } from "./dependency-graph";
import { didYouMean } from "./did-you-mean";
import { errorAt, warningAt } from "./issue-kinds";
import { resolveNode } from "./normalize";
import type { ConfigView } from "./salvage";

/** Said of an ID that is not a container of this file: PVE IDs are shared by VMs and by guests managed elsewhere. */
const NOT_HERE = "which is not defined in lxc_configs (it may be a VM, or a guest another file manages)";

/** Every container needs a template or a clone source; clone sources must exist, be snapshots, share the node. */
export function checkSources(config: ConfigView, ctx: CheckContext): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const all = config.lxc_configs ?? {};
  for (const [id, c] of containersOf(config)) {
    const at = `lxc_configs.${id}`;
    if (c.clone_from_ctid === undefined) {
      if (c.template === undefined && !ctx.invalid(`${at}.template`) && !ctx.invalid(`${at}.clone_from_ctid`)) {
        issues.push(errorAt("no-source", at, 'container has neither "template" nor "clone_from_ctid"; set one of them'));
      }
      continue;
    }
    if (c.template !== undefined) issues.push(warningAt("template-ignored", `${at}.template`, `ignored: container ${id} is cloned from ${c.clone_from_ctid}`));
    if (c.clone_from_ctid === id) continue; // reported as a cycle
    const src = all[c.clone_from_ctid];
    if (src === undefined) {
      issues.push(
        errorAt(
          "clone-source-missing",
          `${at}.clone_from_ctid`,
          `container ${id} clones from ${c.clone_from_ctid}, ${NOT_HERE}; clones are made from a container of this file: ` +
            `define container ${c.clone_from_ctid} here with a template_snapshot_name, or give ${id} a "template" instead`,
        ),
      );
      continue;
    }
    const srcAt = `lxc_configs.${c.clone_from_ctid}`;
    if (src.template_snapshot_name === undefined && !ctx.invalid(`${srcAt}.template_snapshot_name`)) {
      issues.push(
        errorAt(
          "clone-source-not-template",
          `${at}.clone_from_ctid`,
          `container ${id} clones from ${c.clone_from_ctid}, which has no template_snapshot_name; add one to ${c.clone_from_ctid} so there is a snapshot to clone`,
        ),
      );
    }
    if (ctx.invalid(`${at}.node`) || ctx.invalid(`${srcAt}.node`)) continue;
    const [mine, theirs] = [resolveNode(c, ctx.options), resolveNode(src, ctx.options)];
    if (mine !== theirs) {
      issues.push(
        errorAt(
          "clone-across-nodes",
          `${at}.clone_from_ctid`,
          `container ${id} (node ${mine ?? "unset"}) clones from ${c.clone_from_ctid} on node ${theirs ?? "unset"}; pct clone works within one node`,
        ),
      );
    }
  }
  return issues;
}

/** Dependencies must be containers of the file; repeats are harmless but reported. */
export function checkDependencies(config: ConfigView): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const all = config.lxc_configs ?? {};
  for (const [id, c] of containersOf(config)) {
    const seen = new Set<string>();
    (c.dependencies ?? []).forEach((dep, i) => {
      if (dep === undefined) return;
      const at = `lxc_configs.${id}.dependencies.${i}`;
      if (seen.has(dep)) issues.push(warningAt("dependency-repeated", at, `${dep} is listed twice; remove one`));
      seen.add(dep);
      if (dep !== id && all[dep] === undefined) {
        issues.push(
          errorAt(
            "dependency-missing",
            at,
            `container ${id} depends on ${dep}, ${NOT_HERE}; only containers of this file are ordered: ` +
              `remove ${dep} from dependencies, or define container ${dep} here`,
          ),
        );
      }
    });
  }
  return issues;
}

/** Clone and dependency edges must not form a cycle; each cycle is printed. */
export function checkCycles(config: ConfigView): ConfigIssue[] {
  const containers = containersOf(config);
  const graph = buildDependencyGraph(
    containers.map(([id, c]) => ({
      ctid: Number(id),
      cloneFrom: c.clone_from_ctid === undefined ? undefined : Number(c.clone_from_ctid),
      dependencies: (c.dependencies ?? []).filter((d): d is string => d !== undefined).map(Number),
    })),
  );
  return findCycles(graph).map((cycle) => {
    const [first, second] = [cycle[0], cycle[1] ?? cycle[0]];
    const c = config.lxc_configs?.[String(first)];
    const field = c?.clone_from_ctid === String(second) ? "clone_from_ctid" : "dependencies";
    return errorAt("cycle", `lxc_configs.${first}.${field}`, `dependency cycle: ${formatCycle(cycle)}`);
  });
}

/** With several stack nodes every container names one of them; a named node must be one of the stack's. */
export function checkNodes(config: ConfigView, ctx: CheckContext): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const nodes = ctx.options.nodes ?? [];
  for (const [id, c] of containersOf(config)) {
    const at = `lxc_configs.${id}.node`;
    if (c.node !== undefined && nodes.length > 0 && !nodes.includes(c.node)) {
      issues.push(errorAt("node-unknown", at, `node "${c.node}" is not one of the stack's nodes (${nodes.join(", ")})${didYouMean(c.node, nodes)}`));
    }
    if (resolveNode(c, ctx.options) === undefined && nodes.length > 1 && !ctx.invalid(at)) {
      issues.push(errorAt("node-required", at, `required field is missing: the stack has several nodes (${nodes.join(", ")}); say which one`));
    }
  }
  return issues;
}
