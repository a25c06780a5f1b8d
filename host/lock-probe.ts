/**
 * Tells a lock held by a running task (wait for it) from a lock left behind by a task that died (stuck: say
 * so at once, with the command that clears it). PVE records running tasks; a config lock with no active task
 * for the container is stuck.
 */
import { CommandTransport, NodeTarget } from "./transport";

/** `pvesh get /nodes/<node>/tasks --source active --vmid <id>`: the node's running tasks for a container. */
export function buildActiveTasksArgv(node: string, vmid: number): string[] {
  return ["pvesh", "get", `/nodes/${node}/tasks`, "--source", "active", "--vmid", String(vmid), "--output-format", "json"];
}

/** Asks the node whether a running task holds the container's lock. */
export async function probeLockHolder(transport: CommandTransport, node: NodeTarget, vmid: number): Promise<"held-by-task" | "stuck"> {
  const result = await transport.exec(node, buildActiveTasksArgv(node.name, vmid), { idempotent: true });
  // If the node cannot tell, assume a task may hold it: waiting is safe, a false "stuck" is not.
  if (result.exitCode !== 0) return "held-by-task";
  try {
    const tasks = JSON.parse(result.stdout) as unknown[];
    return Array.isArray(tasks) && tasks.length > 0 ? "held-by-task" : "stuck";
  } catch {
    return "held-by-task";
  }
}
