/**
 * Cross-field checks about how containers refer to each other and to nodes: clone sources, dependencies,
 * cycles, template-or-clone, node membership. Pure; each check returns issues, never throws.
 */
import type { ConfigIssue } from "../errors";
import { buildDependencyGraphFromConfig, findCycles, formatCycle } from "./dependency-graph";
import { didYouMean } from "./did-you-mean";
import { resolveNode } from "./normalize";
import type { LoadOptions, PhoenixConfig } from "./types";

const err = (path: string, message: string): ConfigIssue => ({ path, message, severity: "error" });
const warn = (path: string, message: string): ConfigIssue => ({ path, message, severity: "warning" });

/** Every container needs a template or a clone source; clone sources must exist, be snapshots, share the node. */
export function checkSources(config: PhoenixConfig, options: LoadOptions): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [id, c] of Object.entries(config.lxc_configs)) {
    const at = `lxc_configs.${id}`;
    if (c.clone_from_ctid === undefined) {
      if (c.template === undefined) issues.push(err(at, 'container has neither "template" nor "clone_from_ctid"; set one of them'));
      continue;
    }
    if (c.template !== undefined) issues.push(warn(`${at}.template`, `ignored: container ${id} is cloned from ${c.clone_from_ctid}`));
    const src = config.lxc_configs[c.clone_from_ctid];
    if (c.clone_from_ctid === id) continue; // reported as a cycle
    if (src === undefined) {
      issues.push(err(`${at}.clone_from_ctid`, `container ${id} clones from ${c.clone_from_ctid}, which is not defined in lxc_configs`));
      continue;
    }
    if (src.template_snapshot_name === undefined) {
      issues.push(
        err(
          `${at}.clone_from_ctid`,
          `container ${id} clones from ${c.clone_from_ctid}, which has no template_snapshot_name; add one to ${c.clone_from_ctid} so there is a snapshot to clone`,
        ),
      );
    }
    const [mine, theirs] = [resolveNode(c, options), resolveNode(src, options)];
    if (mine !== theirs) {
      issues.push(
        err(
          `${at}.clone_from_ctid`,
          `container ${id} (node ${mine ?? "unset"}) clones from ${c.clone_from_ctid} on node ${theirs ?? "unset"}; pct clone works within one node`,
        ),
      );
    }
  }
  return issues;
}

/** Dependencies must exist; repeats are harmless but reported. */
export function checkDependencies(config: PhoenixConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [id, c] of Object.entries(config.lxc_configs)) {
    const seen = new Set<string>();
    c.dependencies.forEach((dep, i) => {
      const at = `lxc_configs.${id}.dependencies.${i}`;
      if (seen.has(dep)) issues.push(warn(at, `${dep} is listed twice`));
      seen.add(dep);
      if (dep !== id && config.lxc_configs[dep] === undefined) {
        issues.push(err(at, `container ${id} depends on ${dep}, which is not defined in lxc_configs`));
      }
    });
  }
  return issues;
}

/** Clone and dependency edges must not form a cycle; each cycle is printed. */
export function checkCycles(config: PhoenixConfig): ConfigIssue[] {
  const graph = buildDependencyGraphFromConfig(config);
  return findCycles(graph).map((cycle) => {
    const [first, second] = [cycle[0], cycle[1] ?? cycle[0]];
    const c = config.lxc_configs[String(first)];
    const field = c?.clone_from_ctid === String(second) ? "clone_from_ctid" : "dependencies";
    return err(`lxc_configs.${first}.${field}`, `dependency cycle: ${formatCycle(cycle)}`);
  });
}

/** With several stack nodes every container names one of them; a named node must be one of the stack's. */
export function checkNodes(config: PhoenixConfig, options: LoadOptions): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const nodes = options.nodes ?? [];
  for (const [id, c] of Object.entries(config.lxc_configs)) {
    if (c.node !== undefined && nodes.length > 0 && !nodes.includes(c.node)) {
      issues.push(err(`lxc_configs.${id}.node`, `node "${c.node}" is not one of the stack's nodes (${nodes.join(", ")})${didYouMean(c.node, nodes)}`));
    }
    if (resolveNode(c, options) === undefined && nodes.length > 1) {
      issues.push(err(`lxc_configs.${id}.node`, `required field is missing: the stack has several nodes (${nodes.join(", ")}); say which one`));
    }
  }
  return issues;
}
