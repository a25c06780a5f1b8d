/**
 * The stack program: read the stack config, load and validate the containers file (nothing touches a node
 * before the whole file is valid), build the fleet, export per-container outputs. `index.ts` runs it for
 * `pulumi up`; the `phoenix` CLI runs the same function as an Automation API inline program.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { NodeConnection } from "../core/container/inputs";
import { FLEET_COMPONENT_NAME } from "../core/container/step-plan";
import { readStackSettings, requireNodes } from "../core/stack-settings";
import { loadConfig } from "../host/load-config-file";
import { buildAllowedRoots } from "../host/config-files";
import { resolveProjectRoot } from "../host/project-root";
import { LxcFleet } from "./lxc-fleet";

/** What the program needs of the stack settings (core/stack-settings.ts); nodes are required. */
export interface ProgramSettings {
  /** Path of phoenix_lxc_configs.json, relative to the project root (the directory of Pulumi.yaml). */
  configFile: string;
  /** Nodes by name. */
  nodes: Record<string, NodeConnection>;
  /** Node for containers that name none. */
  defaultNode?: string;
  /** Only these containers and what they depend on. */
  targets?: number[];
  /** Directories besides the project that files named by the config may come from (relative to the project). */
  allowedPaths?: readonly string[];
}

/** Reads {@link ProgramSettings} from the stack's config (namespace = the project name). */
export function readProgramSettings(): ProgramSettings {
  const config = new pulumi.Config();
  // `get` answers a key's raw text (an object's or a list's as JSON text), which is what the reader takes.
  const s = readStackSettings((key) => config.get(key));
  return { configFile: s.configFile, nodes: requireNodes(s, pulumi.getStack()), defaultNode: s.defaultNode, targets: s.targets, allowedPaths: s.allowedPaths };
}

/** Per-container stack outputs. */
export interface ContainerSummary {
  node: string;
  status: pulumi.Output<string>;
  ip: string;
  features: string[];
  lastSnapshot: pulumi.Output<string>;
  /** Changes waiting for a restart (restart_policy never), as of the last up or refresh. */
  pendingRestart: pulumi.Output<string[]>;
}

/** The project root of the running program: the engine's, else the nearest Pulumi.yaml above the working directory. */
export function programProjectRoot(): string {
  const fromEngine = pulumi.runtime.getRootDirectory();
  // When the language host passes no root, the SDK answers a placeholder word ("rootDirectory"), not a path.
  return resolveProjectRoot(path.isAbsolute(fromEngine) ? fromEngine : undefined);
}

/**
 * Runs the program; returns the stack outputs. `projectRoot` is what relative paths in stack config are relative
 * to: the `phoenix` CLI passes its project directory; under the Pulumi CLI it is found from the engine.
 */
export function phoenixProgram(settings: ProgramSettings = readProgramSettings(), projectRoot = programProjectRoot()): Record<string, unknown> {
  const configPath = path.resolve(projectRoot, settings.configFile);
  // Files the config names are read from the project and the allowed paths only: their text goes to state.
  const fileRoots = buildAllowedRoots(projectRoot, settings.allowedPaths);
  const loaded = loadConfig({ file: configPath }, { nodes: Object.keys(settings.nodes), defaultNode: settings.defaultNode, fileRoots });
  for (const w of loaded.warnings) pulumi.log.warn(`${settings.configFile}: ${w.path}: ${w.message}`);
  const owner = `${pulumi.getProject()}/${pulumi.getStack()}`;
  const fleet = new LxcFleet(FLEET_COMPONENT_NAME, { config: loaded, nodes: settings.nodes, defaultNode: settings.defaultNode, owner, targets: settings.targets, baseDir: path.dirname(configPath), fileRoots });
  const containers: Record<string, ContainerSummary> = {};
  for (const [ctid, c] of fleet.containers) {
    const spec = loaded.specs.get(ctid)!;
    containers[String(ctid)] = { node: c.node, status: c.status, ip: spec.network.ip, features: spec.features, lastSnapshot: c.lastSnapshot, pendingRestart: c.container.pendingRestart };
  }
  return { containers };
}
