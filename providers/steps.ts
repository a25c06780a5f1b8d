/**
 * Dynamic resources for the workflow steps that run inside a container: features, the application
 * script and health checks. Type tokens `pulumi-nodejs:dynamic/phoenix:{Feature,AppScript,HealthCheck}`
 * are part of the state format: never rename them.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AppScriptInputs } from "./impl/app-script";
import type { FeatureInputs } from "./impl/feature";
import type { HealthCheckInputs } from "./impl/health-check";
import { lazyProvider } from "./lazy-provider";

const featureProvider = lazyProvider("phoenix-lxc/impl/feature");
const appScriptProvider = lazyProvider("phoenix-lxc/impl/app-script");
const healthCheckProvider = lazyProvider("phoenix-lxc/impl/health-check");

type Args<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** One feature of one container (guard → install → verify). */
export class Feature extends pulumi.dynamic.Resource {
  /** The guard's verdict at the last up or refresh. */
  declare readonly installed: pulumi.Output<boolean>;
  /** Increases when an install ran. */
  declare readonly generation: pulumi.Output<number>;
  constructor(name: string, args: Args<FeatureInputs>, opts?: pulumi.CustomResourceOptions) {
    super(featureProvider, name, { ...args, installed: undefined, generation: undefined, guardOutput: undefined, lastAction: undefined }, opts, "phoenix", "Feature");
  }
}

/** The container's application script. */
export class AppScript extends pulumi.dynamic.Resource {
  /** Increases whenever the script ran. */
  declare readonly generation: pulumi.Output<number>;
  constructor(name: string, args: Args<AppScriptInputs>, opts?: pulumi.CustomResourceOptions) {
    super(appScriptProvider, name, { ...args, generation: undefined }, opts, "phoenix", "AppScript");
  }
}

/** The container's health checks. */
export class HealthCheck extends pulumi.dynamic.Resource {
  /** One result per check. */
  declare readonly results: pulumi.Output<{ name: string; ok: boolean; attempts: number; output: string }[]>;
  constructor(name: string, args: Args<HealthCheckInputs>, opts?: pulumi.CustomResourceOptions) {
    super(healthCheckProvider, name, { ...args, results: undefined }, opts, "phoenix", "HealthCheck");
  }
}
