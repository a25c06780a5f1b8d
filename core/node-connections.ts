/**
 * How a resource reaches its node. A node's identity is its name; its address, port, user and host key are
 * whatever the CURRENT stack config says (`nodes.<name>`), never what was stored when the resource was made: a
 * node that was re-addressed, moved to another port or restarted (the simulated nodes get new ports) must stay
 * reachable for refresh, update and destroy without a replace. Pure: the provider's `configure` reads the nodes
 * (core/stack-settings.ts), the providers ask here for each operation.
 */
import { NodeConnection } from "./container/inputs";
import { PhoenixError } from "./errors";

/**
 * The connection to use for a resource on `node`: the stack config's entry when the stack config has nodes,
 * else the stored one (a provider driven without stack config, as the integration tests do). A node that the
 * stack config no longer has is an error naming the container and both ways out, before anything is sent.
 */
export function resolveNodeConnection(
  nodes: Readonly<Record<string, NodeConnection>> | undefined,
  node: string,
  stored: NodeConnection,
  vmid?: number,
): NodeConnection {
  if (nodes === undefined) return stored;
  const current = nodes[node];
  if (current) return current;
  const who = vmid === undefined ? "a resource of this stack" : `CT ${vmid}`;
  const known = Object.keys(nodes);
  const hint =
    `if the node still exists, add it back: pulumi config set --path 'nodes.${node}.host' <address> (and .port, .hostKeyFingerprint); ` +
    `if it is gone for good, drop its containers from the state: pulumi state delete <urn> for each resource of ${vmid === undefined ? "those containers" : `CT ${vmid}`} (pulumi stack --show-urns lists them)`;
  // The engine shows a provider error's message only: the next step goes into it.
  throw new PhoenixError("config", `${who} is on node '${node}', which is not in the stack config 'nodes' (${known.length ? known.join(", ") : "none"})\n  next step: ${hint}`, { hint });
}

/** The node names that provider errors said are missing from the stack config (see {@link resolveNodeConnection}). */
export function parseMissingNodes(messages: readonly string[]): string[] {
  return [...new Set(messages.flatMap((m) => [...m.matchAll(/is on node '([^']+)', which is not in the stack config 'nodes'/g)].map((x) => x[1]!)))];
}

/**
 * The containers a stack's state has on `node`, from an exported deployment (the container resources store
 * `vmid` and `node` in their outputs), sorted: the whole list for the error about a removed node.
 */
export function listStateContainersOnNode(deployment: unknown, node: string): number[] {
  const resources = (deployment as { resources?: { type?: string; outputs?: { vmid?: unknown; node?: unknown } }[] } | undefined)?.resources ?? [];
  const vmids = resources
    .filter((r) => /:Container$/.test(r.type ?? "") && r.type !== "phoenix:lxc:Container" && r.outputs?.node === node && typeof r.outputs?.vmid === "number")
    .map((r) => r.outputs!.vmid as number);
  return [...new Set(vmids)].sort((a, b) => a - b);
}
