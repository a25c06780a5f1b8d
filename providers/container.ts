/**
 * The container dynamic resource. The provider object captures nothing: each method requires the
 * implementation by a bare package specifier at call time, so the text stored in state is a few lines that
 * resolve from whichever checkout runs refresh or destroy (GitOps runners use fresh workspaces).
 */
import * as pulumi from "@pulumi/pulumi";
import type { ContainerInputs } from "../core/container/inputs";

/** The provider: one module-level object for every container, serialized once per program. */
export const containerProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req) {
    require("phoenix-lxc/impl/runtime").configureRuntime(req.config);
  },
  async check(olds, news) {
    return require("phoenix-lxc/impl/container").check(olds, news);
  },
  async diff(id, olds, news) {
    return require("phoenix-lxc/impl/container").diff(id, olds, news);
  },
  async create(inputs) {
    return require("phoenix-lxc/impl/container").create(inputs);
  },
  async read(id, props) {
    return require("phoenix-lxc/impl/container").read(id, props);
  },
  async update(id, olds, news) {
    return require("phoenix-lxc/impl/container").update(id, olds, news);
  },
  async delete(id, props) {
    return require("phoenix-lxc/impl/container").delete(id, props);
  },
};

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
  /** Increases whenever an up changed the container; the final snapshot keys on it. */
  declare readonly generation: pulumi.Output<number>;
  /** The live configuration as last observed. */
  declare readonly observed: pulumi.Output<{ options: Record<string, string>; rawLines: string[]; running: boolean }>;

  constructor(name: string, args: ContainerArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      containerProvider,
      name,
      { ...args, status: undefined, pendingRestart: undefined, generation: undefined, observed: undefined, lastChanges: undefined },
      opts,
      "phoenix",
      "Container",
    );
  }
}
