/**
 * The container dynamic resource; its provider is a {@link lazyProvider} over providers/impl/container.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ContainerInputs } from "../core/container/inputs";
import { lazyProvider } from "./lazy-provider";

/** The provider: one module-level object for every container, serialized once per program. */
export const containerProvider = lazyProvider("phoenix-lxc/impl/container");

/** Inputs of {@link Container}: every field may be an Output. */
export type ContainerArgs = { [K in keyof ContainerInputs]: pulumi.Input<ContainerInputs[K]> };

/**
 * One LXC container on a Proxmox VE node, converged over SSH. Type token
 * `pulumi-nodejs:dynamic/phoenix:Container` (part of the state format: never rename).
 */
export class Container extends pulumi.dynamic.Resource {
  /** Container ID. */
  declare readonly vmid: pulumi.Output<number>;
  /** Node the container lives on. */
  declare readonly node: pulumi.Output<string>;
  /** `running` or `stopped`, as last observed. */
  declare readonly status: pulumi.Output<string>;
  /** Changes waiting for a restart (restart_policy never). */
  declare readonly pendingRestart: pulumi.Output<string[]>;
  /** Increases with every create and update of the container; the steps after it key on it. */
  declare readonly generation: pulumi.Output<number>;
  /** New for every new container (create, replacement, re-create); undefined in state from before it existed. */
  declare readonly instance: pulumi.Output<string | undefined>;
  /** The live configuration as last observed. */
  declare readonly observed: pulumi.Output<{ options: Record<string, string>; rawLines: string[]; running: boolean }>;

  constructor(name: string, args: ContainerArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      containerProvider,
      name,
      { ...args, status: undefined, pendingRestart: undefined, generation: undefined, instance: undefined, observed: undefined, lastChanges: undefined },
      opts,
      "phoenix",
      "Container",
    );
  }
}
