/**
 * One container's converge workflow as a component, each step a child resource named `${name}-<step>`,
 * parented to this component and depending on the step before it:
 *
 *   container (create or clone or adopt → core configuration → AppArmor → start)
 *   → firewall (when the config has one: before anything runs inside the container)
 *   → feature-<name> … (in the order the config lists them) → app → health → snapshot → retention
 *
 * Create, core configuration, AppArmor and start are one resource on purpose: PVE applies them in one locked
 * config transaction, and a restart-class change must be applied together with its restart (see ARCHITECTURE.md).
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerSpec, PhoenixConfig } from "../core/config/types";
import { buildContainerInputs } from "../core/container/from-spec";
import { buildStepKey } from "../core/container/identity";
import { CONTAINER_COMPONENT_TYPE, planContainerSteps, PlannedStep, StepType } from "../core/container/step-plan";
import { NodeConnection } from "../core/container/inputs";
import { buildFeatureEnv, CatalogFeature, collectInheritedFeatures, hashFeatureInputs } from "../core/features/feature-env";
import { DEFAULT_SNAPSHOT_PREFIX } from "../core/retention/snapshot-name";
import { buildAppScriptConfigText, planRetainedCloneSources } from "../core/step-inputs";
import { readConfigScript, readFeatureScripts } from "../host/feature-files";
import type { ConfigFileAccess } from "../host/config-files";
import { Container } from "../providers/container";
import { Firewall } from "../providers/firewall";
import { desiredFirewall } from "../core/firewall/rule";
import { FinalSnapshot, SnapshotRetention } from "../providers/snapshots";
import { AppScript, Feature, HealthCheck } from "../providers/steps";

/**
 * What every container of a fleet shares: the whole config, where it lives, the feature catalog. Each step takes
 * from it only what it reads (core/step-inputs), so an edit of one container plans nothing for another.
 */
export interface FleetContext {
  /** The validated configuration (the root keys a feature declares feed its variables). */
  config: PhoenixConfig;
  /** Every container's spec (clone ancestors' features, clone sources). */
  specs: ReadonlyMap<number, ContainerSpec>;
  /** Directory of the config file: application and health-check scripts are relative to it. */
  baseDir: string;
  /** Where files the config names may be read from (the allowed roots). */
  files: ConfigFileAccess;
  /** The built-in feature catalog. */
  catalog: Record<string, CatalogFeature>;
}

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
  /** The fleet the container belongs to. */
  fleet: FleetContext;
}

/** A container and every step of its workflow. */
export class LxcContainer extends pulumi.ComponentResource {
  /** The container resource itself. */
  readonly container: Container;
  /** What the steps after the container key on: new for a new container, changed by every update of it. */
  readonly containerKey: pulumi.Output<string>;
  /** Feature resources in install order. */
  readonly features: Feature[] = [];
  /** The final-snapshot step. */
  readonly snapshot: FinalSnapshot;
  /** The retention step. */
  readonly retention: SnapshotRetention;
  /** The last resource of the workflow: what clones and dependants wait for. */
  readonly ready: pulumi.Resource;
  /** Container ID. */
  readonly ctid: number;
  /** Node name. */
  readonly node: string;
  /** `running` or `stopped` as last observed. */
  readonly status: pulumi.Output<string>;
  /** The last final snapshot. */
  readonly lastSnapshot: pulumi.Output<string>;

  constructor(name: string, args: LxcContainerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(CONTAINER_COMPONENT_TYPE, name, {}, opts);
    const { spec } = args;
    this.ctid = spec.ctid;
    this.node = args.node;
    const target = { vmid: spec.ctid, node: args.node, connection: args.connection };
    // Which steps exist and their names come from the plan the CLI's targeted URNs are built from.
    const plan = planContainerSteps(spec);
    const childName = (s: PlannedStep) => `${name}-${s.step}`;
    // The name of the step of this type, undefined when the plan has none (every type but Feature occurs at most once).
    const stepName = (type: Exclude<StepType, "Feature">) => plan.filter((s) => s.type === type).map(childName)[0];

    this.container = this.createContainer(stepName("Container")!, args);
    this.containerKey = pulumi.all([this.container.instance, this.container.generation]).apply(([instance, generation]) => buildStepKey(instance, generation));
    const generations: pulumi.Output<number | string>[] = [this.containerKey];
    let previous: pulumi.Resource = this.container;
    const firewallName = stepName("Firewall");
    if (firewallName) {
      previous = new Firewall(firewallName, { ...target, ...desiredFirewall(spec.firewall!), trigger: this.containerKey }, { parent: this, dependsOn: [previous] });
    }

    for (const step of plan.filter((s) => s.type === "Feature")) {
      const f = this.createFeature(childName(step), step.feature!, args, target, previous);
      this.features.push(f);
      generations.push(f.generation);
      previous = f;
    }
    const appName = stepName("AppScript");
    if (appName) {
      const app = this.createAppScript(appName, args, target, previous);
      generations.push(app.generation);
      previous = app;
    }
    // Everything that changed in this up, in one value: the health checks run and a final snapshot is taken when it changes.
    const trigger = pulumi.all(generations).apply((g) => g.join("."));
    const checks = this.buildChecks(args);
    const healthName = stepName("HealthCheck");
    if (healthName) previous = new HealthCheck(healthName, { ...target, checks, trigger }, { parent: this, dependsOn: [previous] });

    this.snapshot = new FinalSnapshot(stepName("FinalSnapshot")!, {
      ...target,
      prefix: DEFAULT_SNAPSHOT_PREFIX,
      trigger,
      takeFinal: spec.finalSnapshot,
      templateSnapshotName: spec.templateSnapshotName,
    }, { parent: this, dependsOn: [previous] });
    this.retention = new SnapshotRetention(stepName("SnapshotRetention")!, {
      ...target,
      prefix: DEFAULT_SNAPSHOT_PREFIX,
      policy: spec.retention,
      pins: spec.snapshotPins,
      cloneSources: this.cloneSources(args),
      // Without final snapshots there is no new one to prune after: a constant, so preview does not show a run.
      trigger: spec.finalSnapshot ? this.snapshot.lastSnapshot : "",
    }, { parent: this, dependsOn: [this.snapshot] });

    this.ready = this.retention;
    this.status = this.container.status;
    this.lastSnapshot = this.snapshot.lastSnapshot;
    this.registerOutputs({ ctid: this.ctid, node: this.node, status: this.status, lastSnapshot: this.lastSnapshot });
  }

  private createContainer(resourceName: string, args: LxcContainerArgs): Container {
    const inputs = buildContainerInputs(args.spec, { node: args.node, connection: args.connection, owner: args.owner, apparmorProfileText: args.apparmorProfileText });
    return new Container(resourceName, inputs, { parent: this });
  }

  private createFeature(resourceName: string, feature: string, args: LxcContainerArgs, target: { vmid: number; node: string; connection: NodeConnection }, after: pulumi.Resource): Feature {
    const { fleet, spec } = args;
    const custom = fleet.config.custom_features as Record<string, { guard: string; install: string; verify: string }> | undefined;
    const scripts = readFeatureScripts(feature, fleet.catalog, custom, fleet.files);
    const entry = fleet.catalog[feature];
    const env = entry ? buildFeatureEnv(feature, entry, { config: fleet.config, spec, inheritedFeatures: collectInheritedFeatures(fleet.specs, spec.ctid) }) : {};
    return new Feature(resourceName, {
      ...target,
      feature,
      scripts,
      env,
      contentHash: hashFeatureInputs({ ...scripts }, env),
      trigger: this.containerKey,
      siblings: spec.features,
    }, { parent: this, dependsOn: [after] });
  }

  private createAppScript(resourceName: string, args: LxcContainerArgs, target: { vmid: number; node: string; connection: NodeConnection }, after: pulumi.Resource): AppScript {
    const file = args.spec.applicationScript!;
    const script = readConfigScript(args.fleet.files, file, `lxc_configs.${args.spec.ctid}.application_script`);
    // The container's own entry and the top-level keys the script may read, not the whole file.
    const configJson = buildAppScriptConfigText(args.fleet.config, args.spec.ctid);
    return new AppScript(resourceName, {
      ...target,
      name: path.basename(file),
      script,
      configJson,
      contentHash: hashFeatureInputs({ script }, { config: configJson }),
      trigger: this.containerKey,
    }, { parent: this, dependsOn: [after] });
  }

  private buildChecks(args: LxcContainerArgs) {
    const { spec } = args;
    const checks = spec.healthChecks.map((c, i) => ({
      name: c.name,
      script: readConfigScript(args.fleet.files, c.script, `lxc_configs.${spec.ctid}.health_checks.${i}.script`),
      args: c.args,
      retries: 1,
      intervalMs: 0,
    }));
    if (spec.healthCheck) {
      checks.unshift({ name: "health_check", script: spec.healthCheck.command, args: [], retries: spec.healthCheck.retries, intervalMs: spec.healthCheck.intervalSec * 1000 });
    }
    return checks;
  }

  /** This container's snapshots that a clone in the config is made from and retention could delete: it keeps them. */
  private cloneSources(args: LxcContainerArgs): string[] {
    return planRetainedCloneSources(args.fleet.specs, args.spec.ctid, DEFAULT_SNAPSHOT_PREFIX);
  }
}
