/**
 * What happens to keys that only take effect at a restart. A converge restarts a running container for them
 * under restart_policy restart, and leaves them pending under never; a refresh reads them back. Pure.
 */
import type { ApplyPlan, ObservedContainer } from "./apply-plan";
import type { ContainerInputs } from "./inputs";

/** After applying `plan`: restart the container, leave its restart keys pending, or nothing to do. */
export function planRestartAction(plan: Pick<ApplyPlan, "needsRestart">, observedRunning: boolean, inputs: Pick<ContainerInputs, "running" | "restartPolicy">): "restart" | "pending" | "none" {
  // A stopped container, or one that is to stop, picks the keys up at its next start.
  if (!plan.needsRestart.length || !observedRunning || !inputs.running) return "none";
  return inputs.restartPolicy === "restart" ? "restart" : "pending";
}

/**
 * The keys a refreshed container still waits a restart for. PVE's pending section is the truth for keys; raw lines
 * and the AppArmor file have none, so their pending restart is remembered from the up that wrote them
 * (`stored`), until the container is seen stopped.
 */
export function planRefreshedPendingRestart(observed: Pick<ObservedContainer, "running" | "pending">, stored: readonly string[] | undefined): string[] {
  const remembered = observed.running ? (stored ?? []).filter((k) => k === "lxc" || k === "apparmor") : [];
  return [...new Set([...Object.keys(observed.pending), ...remembered])];
}
