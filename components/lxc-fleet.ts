/**
 * Every container of a phoenix_lxc_configs.json, across several nodes: created in dependency order, each
 * clone waiting for its source's template snapshot and each container for its `dependencies`.
 */
import * as pulumi from "@pulumi/pulumi";
import { buildDependencyGraphFromConfig, planCreateOrder, requireStackNode } from "../core/config";
import type { LoadedConfig } from "../core/config/load-config";
import type { ContainerSpec } from "../core/config/types";
import { NodeConnection } from "../core/container/inputs";
import { containerComponentName, FLEET_COMPONENT_TYPE } from "../core/container/step-plan";
import { FleetContext, LxcContainer } from "./lxc-container";
import { readCatalog } from "../host/feature-files";
import { BUILTIN_APPARMOR_DIR, ConfigFileAccess, findProjectRoot, readConfinedText } from "../host/config-files";

/** Arguments of {@link LxcFleet}. */
export interface LxcFleetArgs {
  /** The loaded, validated configuration. */
  config: LoadedConfig;
  /** Nodes by name: how to reach each. */
  nodes: Record<string, NodeConnection>;
  /** Node for containers that name none. @default the only node, when there is one */
  defaultNode?: string;
  /** Ownership marker value, `<project>/<stack>`. */
  owner: string;
  /** Folder holding the AppArmor profiles the config names. @default the package's apparmor/ folder */
  apparmorDir?: string;
  /** Only these containers and what they depend on. @default every container */
  targets?: number[];
  /** Directory of the config file (application and health-check scripts, custom features are relative to it). */
  baseDir: string;
  /** Directories files the config names must lie in (absolute). @default the project holding `baseDir` */
  fileRoots?: readonly string[];
}

/** The fleet. */
export class LxcFleet extends pulumi.ComponentResource {
  /** The containers by CTID. */
  readonly containers = new Map<number, LxcContainer>();

  constructor(name: string, args: LxcFleetArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(FLEET_COMPONENT_TYPE, name, {}, opts);
    const graph = buildDependencyGraphFromConfig(args.config.config);
    const order = planCreateOrder(graph, args.targets ?? [...args.config.specs.keys()].sort((a, b) => a - b));
    const apparmorDir = args.apparmorDir ?? BUILTIN_APPARMOR_DIR;
    const files: ConfigFileAccess = { configDir: args.baseDir, roots: args.fileRoots ?? [findProjectRoot(args.baseDir)], apparmorDir };
    const fleet: FleetContext = { config: args.config.config, specs: args.config.specs, baseDir: args.baseDir, files, catalog: readCatalog() };
    for (const ctid of order) {
      const spec = args.config.specs.get(ctid)!;
      const waitFor = [...(spec.source.kind === "clone" ? [spec.source.fromCtid] : []), ...spec.dependencies]
        .map((c) => this.containers.get(c)?.ready)
        .filter((r): r is pulumi.Resource => r !== undefined);
      const node = requireStackNode(spec.ctid, spec.node, { nodes: Object.keys(args.nodes), defaultNode: args.defaultNode });
      this.containers.set(ctid, new LxcContainer(containerComponentName(ctid), {
        spec,
        node,
        connection: args.nodes[node]!,
        owner: args.owner,
        apparmorProfileText: readProfile(spec, files),
        fleet,
      }, { parent: this, dependsOn: waitFor }));
    }
    this.registerOutputs({});
  }
}

function readProfile(spec: ContainerSpec, files: ConfigFileAccess): string | undefined {
  if (!spec.apparmorProfile || spec.apparmorProfile === "unconfined") return undefined;
  return readConfinedText(spec.apparmorProfile, `lxc_configs.${spec.ctid}.apparmor_profile`, files, "apparmor");
}
