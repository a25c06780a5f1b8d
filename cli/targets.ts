/**
 * Which resources a targeted `preview`/`up`/`destroy` touches, as Pulumi URNs. Pure: no I/O.
 *
 * A container's steps and their types come from its step plan (core/container/step-plan.ts), the one the
 * component builds its children from; the fleet's name is FLEET_COMPONENT_NAME there too. A targeted up
 * must name resources that do not exist yet, so the URNs are computed from the config, not read from state.
 */
import type { ContainerSpec } from "../core/config/types";
import { buildDependencyGraphFromConfig, dependencyClosure, dependents } from "../core/config/dependency-graph";
import type { PhoenixConfig } from "../core/config/types";
import { CONTAINER_COMPONENT_TYPE, containerComponentName, dynamicTypeToken, FLEET_COMPONENT_NAME, FLEET_COMPONENT_TYPE, planContainerSteps } from "../core/container/step-plan";

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>`; the stack root is never part of the type chain. */
export function buildUrn(stack: string, project: string, typeChain: readonly string[], name: string): string {
  return `urn:pulumi:${stack}::${project}::${typeChain.join("$")}::${name}`;
}

/** The URN of the fleet component (the parent of every container). */
export function buildFleetUrn(stack: string, project: string): string {
  return buildUrn(stack, project, [FLEET_COMPONENT_TYPE], FLEET_COMPONENT_NAME);
}

/** Every resource of one container: its component and each workflow step, in workflow order. */
export function buildContainerUrns(stack: string, project: string, spec: ContainerSpec): string[] {
  const name = containerComponentName(spec.ctid);
  const parents = [FLEET_COMPONENT_TYPE, CONTAINER_COMPONENT_TYPE];
  return [
    buildUrn(stack, project, parents, name),
    ...planContainerSteps(spec).map((s) => buildUrn(stack, project, [...parents, dynamicTypeToken(s.type)], `${name}-${s.step}`)),
  ];
}

/** The CTID a resource belongs to, from its URN's name (`ct-950`, `ct-950-feature-docker`); undefined otherwise. */
export function ctidOfUrn(urn: string): number | undefined {
  const name = urn.slice(urn.lastIndexOf("::") + 2);
  const m = /^ct-(\d+)(?:-|$)/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** The step name of a resource (`ct-950-feature-docker`), or the URN's last segment. */
export function stepNameOfUrn(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/**
 * The targets of `up`/`preview` for `ctids`: the fleet, and every resource of those containers and of what they
 * clone from or depend on (transitively), so a leaf comes up together with its chain and nothing else.
 * @returns the URNs and the containers they cover, in create order
 */
export function planUpTargets(stack: string, project: string, config: Pick<PhoenixConfig, "lxc_configs">, specs: ReadonlyMap<number, ContainerSpec>, ctids: readonly number[]): { urns: string[]; containers: number[] } {
  const containers = dependencyClosure(buildDependencyGraphFromConfig(config), ctids);
  const urns = [buildFleetUrn(stack, project), ...containers.flatMap((c) => buildContainerUrns(stack, project, specs.get(c)!))];
  return { urns, containers };
}

/** For `destroy`: the containers in the config that need one of `ctids` and are not themselves destroyed. */
export function findBlockingDependents(config: Pick<PhoenixConfig, "lxc_configs">, ctids: readonly number[]): Map<number, number[]> {
  const graph = buildDependencyGraphFromConfig(config);
  const blocking = new Map<number, number[]>();
  for (const ctid of ctids) {
    const needing = dependents(graph, ctid).filter((d) => !ctids.includes(d));
    if (needing.length) blocking.set(ctid, needing);
  }
  return blocking;
}

/** The URNs in `stateUrns` that belong to one of `ctids` (component and children), for a targeted destroy. */
export function selectContainerUrns(stateUrns: readonly string[], ctids: readonly number[]): string[] {
  return stateUrns.filter((u) => {
    const ctid = ctidOfUrn(u);
    return ctid !== undefined && ctids.includes(ctid) && u.includes(CONTAINER_COMPONENT_TYPE);
  });
}
