/**
 * One container's converge workflow as a component: container (create or clone, core configuration,
 * AppArmor, start) → features in order → application script → health checks → template snapshot →
 * final snapshot → retention. Each step is a child resource named `${name}-<step>`, parented to this
 * component, depending on the step before it.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ContainerSpec } from "../core/config/types";
import { buildContainerInputs } from "../core/container/from-spec";
import { NodeConnection } from "../core/container/inputs";
import { Container } from "../providers/container";

/** Arguments of {@link LxcContainer}. */
export interface LxcContainerArgs {
  /** The validated container from the config file. */
  spec: ContainerSpec;
  /** Node the container lives on. Changing it replaces the container. */
  node: string;
  /** How to reach the node (never part of the diff). */
  connection: NodeConnection;
  /** Ownership marker value, `<project>/<stack>`. */
  owner: string;
  /** Text of the custom AppArmor profile (read by the program from the repo's apparmor/ folder). */
  apparmorProfileText?: string;
}

/** A container and every step of its workflow. */
export class LxcContainer extends pulumi.ComponentResource {
  /** The container resource itself (create/clone, configuration, AppArmor, start). */
  readonly container: Container;
  /** The last resource of the workflow: what dependants (clones, dependencies) wait for. */
  readonly ready: pulumi.Resource;
  /** Container ID. */
  readonly ctid: number;
  /** Node name. */
  readonly node: string;
  /** `running` or `stopped` as last observed. */
  readonly status: pulumi.Output<string>;

  constructor(name: string, args: LxcContainerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("phoenix:lxc:Container", name, {}, opts);
    this.ctid = args.spec.ctid;
    this.node = args.node;
    this.container = this.createContainer(name, args);
    this.ready = this.container;
    this.status = this.container.status;
    this.registerOutputs({ ctid: this.ctid, node: this.node, status: this.status });
  }

  private createContainer(name: string, args: LxcContainerArgs): Container {
    const inputs = buildContainerInputs(args.spec, {
      node: args.node,
      connection: args.connection,
      owner: args.owner,
      apparmorProfileText: args.apparmorProfileText,
    });
    return new Container(`${name}-container`, inputs, { parent: this });
  }
}
