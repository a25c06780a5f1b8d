/**
 * The dynamic resource for a container's PVE firewall (options and the rules this stack manages). The type
 * token `pulumi-nodejs:dynamic/phoenix:Firewall` is part of the state format: never rename it.
 */
import * as pulumi from "@pulumi/pulumi";
import type { FirewallInputs } from "./impl/firewall";
import { lazyProvider } from "./lazy-provider";

const firewallProvider = lazyProvider("phoenix-lxc/impl/firewall");

type Args<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** A container's firewall options and managed rules, applied through PVE's API after the container. */
export class Firewall extends pulumi.dynamic.Resource {
  /** Rules and options on the node at the last up or refresh. */
  declare readonly observed: pulumi.Output<{ rules: object[]; options: Record<string, string>; datacenterEnabled: boolean }>;
  constructor(name: string, args: Args<FirewallInputs>, opts?: pulumi.CustomResourceOptions) {
    super(firewallProvider, name, { ...args, observed: undefined, managedOptions: undefined }, opts, "phoenix", "Firewall");
  }
}
