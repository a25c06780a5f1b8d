/**
 * Dynamic resources for a container's snapshots: the final (and template) snapshot, and retention. Type tokens
 * `pulumi-nodejs:dynamic/phoenix:{FinalSnapshot,SnapshotRetention}` are part of the state format.
 */
import * as pulumi from "@pulumi/pulumi";
import type { FinalSnapshotInputs } from "./impl/final-snapshot";
import type { RetentionInputs } from "./impl/retention";
import { lazyProvider } from "./lazy-provider";

const finalSnapshotProvider = lazyProvider("phoenix-lxc/impl/final-snapshot");
const retentionProvider = lazyProvider("phoenix-lxc/impl/retention");

type Args<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** The final snapshot after a converge (only when something changed), and the template snapshot when missing. */
export class FinalSnapshot extends pulumi.dynamic.Resource {
  /** The last final snapshot taken. */
  declare readonly lastSnapshot: pulumi.Output<string>;
  constructor(name: string, args: Args<FinalSnapshotInputs>, opts?: pulumi.CustomResourceOptions) {
    super(finalSnapshotProvider, name, { ...args, lastSnapshot: undefined, templateSnapshotPresent: undefined }, opts, "phoenix", "FinalSnapshot");
  }
}

/** Retention of the container's owned snapshots; its preview lists the snapshots the up will delete. */
export class SnapshotRetention extends pulumi.dynamic.Resource {
  /** Snapshots deleted by the last up. */
  declare readonly deleted: pulumi.Output<string[]>;
  /** The container's snapshots after the last up or refresh. */
  declare readonly snapshots: pulumi.Output<{ name: string; snaptime?: number }[]>;
  constructor(name: string, args: Args<RetentionInputs>, opts?: pulumi.CustomResourceOptions) {
    super(retentionProvider, name, { ...args, snapshots: undefined, timeZone: undefined, deleted: undefined, planned: undefined }, opts, "phoenix", "SnapshotRetention");
  }
}
