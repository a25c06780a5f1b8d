/**
 * The stack program: read the stack config, load and validate the containers file (nothing touches a node
 * before the whole file is valid), build the fleet, export per-container outputs. `index.ts` runs it for
 * `pulumi up`; the `phoenix` CLI runs the same function as an Automation API inline program.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { NodeConnection } from "../core/container/inputs";
import { PhoenixError } from "../core/errors";
import { loadConfig } from "../host/load-config-file";
import { LxcFleet } from "./lxc-fleet";

/** What the program needs from stack config (`pulumi config`), documented in the README. */
export interface StackSettings {
  /** Path of phoenix_lxc_configs.json, relative to the project directory. */
  configFile: string;
  /** Nodes by name. */
  nodes: Record<string, NodeConnection>;
  /** Node for containers that name none. */
  defaultNode?: string;
  /** Only these containers and what they depend on. */
  targets?: number[];
}

/** Reads {@link StackSettings} from the stack's config (namespace = the project name). */
export function readStackSettings(): StackSettings {
  const config = new pulumi.Config();
  const nodes = config.requireObject<Record<string, Partial<NodeConnection>>>("nodes");
  const normalised: Record<string, NodeConnection> = {};
  for (const [name, n] of Object.entries(nodes)) {
    if (!n.host) throw new PhoenixError("config", `stack config nodes.${name}.host is missing`, { hint: `pulumi config set --path 'nodes.${name}.host' <address>` });
    normalised[name] = { host: n.host, port: n.port ?? 22, user: n.user ?? "root", hostKeyFingerprint: n.hostKeyFingerprint, knownHostsFile: n.knownHostsFile };
  }
  const targets = config.getObject<number[]>("targets");
  return { configFile: config.get("configFile") ?? "phoenix_lxc_configs.json", nodes: normalised, defaultNode: config.get("defaultNode"), targets };
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

/** Runs the program; returns the stack outputs. */
export function phoenixProgram(settings: StackSettings = readStackSettings(), baseDir = process.cwd()): Record<string, unknown> {
  const configPath = path.resolve(baseDir, settings.configFile);
  const configText = fs.readFileSync(configPath, "utf8");
  const loaded = loadConfig({ file: configPath }, { nodes: Object.keys(settings.nodes), defaultNode: settings.defaultNode });
  for (const w of loaded.warnings) pulumi.log.warn(`${settings.configFile}: ${w.path}: ${w.message}`);
  const owner = `${pulumi.getProject()}/${pulumi.getStack()}`;
  const fleet = new LxcFleet("fleet", { config: loaded, nodes: settings.nodes, defaultNode: settings.defaultNode, owner, targets: settings.targets, baseDir: path.dirname(configPath), configText });
  const containers: Record<string, ContainerSummary> = {};
  for (const [ctid, c] of fleet.containers) {
    const spec = loaded.specs.get(ctid)!;
    containers[String(ctid)] = { node: c.node, status: c.status, ip: spec.network.ip, features: spec.features, lastSnapshot: c.lastSnapshot, pendingRestart: c.container.pendingRestart };
  }
  return { containers };
}
