/**
 * A container's workflow shape: which step resources it has, in workflow order (each depends on the one before),
 * and the Pulumi type of each. The component builds exactly these children and the CLI names exactly these URNs
 * for a targeted up, so both read it from here. Pure: no I/O.
 *
 * The type tokens are part of the state format: renaming one orphans every resource in existing stacks.
 */
import type { ContainerSpec } from "../config/types";

/** Type token of the fleet component. */
export const FLEET_COMPONENT_TYPE = "phoenix:lxc:Fleet";
/** Name of the one fleet component the stack program builds (part of every URN a targeted run names). */
export const FLEET_COMPONENT_NAME = "fleet";
/** Type token of one container's component. */
export const CONTAINER_COMPONENT_TYPE = "phoenix:lxc:Container";

/** The provider type name of each dynamic resource of providers/ (the last part of its type token). */
export type StepType = "Container" | "Firewall" | "Feature" | "AppScript" | "HealthCheck" | "FinalSnapshot" | "SnapshotRetention";

/** The type token Pulumi gives a dynamic resource registered with module `phoenix` and type `type`. */
export function dynamicTypeToken(type: StepType): string {
  return `pulumi-nodejs:dynamic/phoenix:${type}`;
}

/** Name of the component of container `ctid`; its steps are `<name>-<step>`. */
export function containerComponentName(ctid: number): string {
  return `ct-${ctid}`;
}

/** One step of a container's workflow. */
export interface PlannedStep {
  /** Suffix of the resource name: `container`, `firewall`, `feature-<name>`, `app`, `health`, `snapshot`, `retention`. */
  step: string;
  /** Provider type of the resource. */
  type: StepType;
  /** The feature a `Feature` step installs. */
  feature?: string;
}

/** What the shape depends on: the parts of a spec that add or remove steps. */
export type StepPlanInput = Pick<ContainerSpec, "firewall" | "features" | "applicationScript" | "healthChecks" | "healthCheck">;

/**
 * The steps of a container in workflow order: container → firewall (before anything runs inside) → each feature
 * in config order → application script → health checks → final snapshot → retention.
 */
export function planContainerSteps(spec: StepPlanInput): PlannedStep[] {
  return [
    { step: "container", type: "Container" },
    ...(spec.firewall ? [{ step: "firewall", type: "Firewall" as const }] : []),
    ...spec.features.map((feature) => ({ step: `feature-${feature}`, type: "Feature" as const, feature })),
    ...(spec.applicationScript ? [{ step: "app", type: "AppScript" as const }] : []),
    ...(spec.healthChecks.length > 0 || spec.healthCheck ? [{ step: "health", type: "HealthCheck" as const }] : []),
    { step: "snapshot", type: "FinalSnapshot" },
    { step: "retention", type: "SnapshotRetention" },
  ];
}
