/**
 * The CLI's engine setup: which project directory, which backend and passphrase, which Pulumi CLI, and the
 * stack opened on the Automation API with THE stack program (components/stack-program.ts) as an inline program.
 * The program reads nodes and the rest from stack config exactly as `pulumi up` does; only the containers file
 * can be overridden from the command line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { NodeConnection } from "../core/container/inputs";
import { PhoenixError } from "../core/errors";
import { readStackSettings, requireNodes } from "../core/stack-settings";
import { readSshCredentials } from "../host/ssh-credentials";
import { loadConfig } from "../host/load-config-file";
import { buildAllowedRoots } from "../host/config-files";
import type { LoadedConfig } from "../core/config/load-config";
import type { CliIo } from "./io";
import type { CommonOptions } from "./options";
import { planEngineEnv } from "./passphrase-policy";
import { simRootOf } from "../core/sim-layout";

/** This package's root (dist/cli/ → ../..), holding node_modules and `.phoenix/pulumi-bin-dir`. */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

/** The environment is not ready (no Pulumi CLI, no Pulumi.yaml, no nodes in stack config): code `environment`, exit 3. */
export class EnvironmentError extends PhoenixError {
  constructor(message: string, hint?: string) {
    super("environment", message, { hint });
  }
}

/** Where the commands find their project, and what the engine runs with. */
export interface StackContext {
  /** Directory holding Pulumi.yaml (the workspace's workDir). */
  projectDir: string;
  /** Project name from Pulumi.yaml. */
  project: string;
  /** Stack name. */
  stackName: string;
  /** The containers file override (absolute), if `--config` was given. */
  configOverride?: string;
  /** Environment for the Pulumi CLI and the provider processes it starts. */
  env: Record<string, string>;
}

/** The project directory: `--cwd`, else the current directory when it holds Pulumi.yaml, else this package. */
export function resolveProjectDir(io: Pick<CliIo, "cwd">, cwdFlag: string | undefined): string {
  if (cwdFlag !== undefined) return path.resolve(io.cwd, cwdFlag);
  return fs.existsSync(path.join(io.cwd, "Pulumi.yaml")) ? io.cwd : PACKAGE_ROOT;
}

/** Reads `name:` from Pulumi.yaml (the only field the CLI needs; no YAML parser for one line). */
export function readProjectName(projectDir: string): string {
  const file = path.join(projectDir, "Pulumi.yaml");
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new EnvironmentError(`no Pulumi.yaml in ${projectDir}`, "run phoenix in the project directory, or pass --cwd DIR");
  }
  const m = /^name:\s*["']?([A-Za-z0-9_.-]+)["']?\s*$/m.exec(text);
  if (!m) throw new EnvironmentError(`${file} has no 'name:' line`, "add the project's name to it: name: <project>");
  return m[1]!;
}

/** Directory of the Pulumi CLI: the one scripts/setup.sh recorded, else the first `pulumi` on PATH. */
export function findPulumiBinDir(env: NodeJS.ProcessEnv): string | undefined {
  const recorded = path.join(PACKAGE_ROOT, ".phoenix", "pulumi-bin-dir");
  if (fs.existsSync(recorded)) {
    const dir = fs.readFileSync(recorded, "utf8").trim();
    if (fs.existsSync(path.join(dir, "pulumi"))) return dir;
  }
  return (env.PATH ?? "").split(":").find((d) => d !== "" && fs.existsSync(path.join(d, "pulumi")));
}

/**
 * The engine's environment: backend, PATH with the CLI and the dynamic-provider shim, no downloads. The
 * passphrase is left as the user set it; {@link openStack} adds the empty one only for a simulated stack.
 */
export function buildEngineEnv(projectDir: string, env: NodeJS.ProcessEnv, pulumiBinDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  out.PULUMI_BACKEND_URL = env.PULUMI_BACKEND_URL || `file://${path.join(projectDir, ".phoenix", "state")}`;
  out.PULUMI_SKIP_UPDATE_CHECK = env.PULUMI_SKIP_UPDATE_CHECK ?? "true";
  out.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION ?? "true";
  // The engine starts `pulumi-resource-pulumi-nodejs` (the dynamic-provider shim) from PATH.
  const shim = path.join(PACKAGE_ROOT, "node_modules", "@pulumi", "pulumi");
  out.PATH = [pulumiBinDir, shim, env.PATH ?? ""].join(":");
  return out;
}

/** Builds the context from the common options; throws {@link EnvironmentError} when nothing can run. */
export function buildStackContext(common: CommonOptions, io: Pick<CliIo, "cwd" | "env">): StackContext & { pulumiBinDir: string } {
  const projectDir = resolveProjectDir(io, common.cwd);
  const project = readProjectName(projectDir);
  const pulumiBinDir = findPulumiBinDir(io.env);
  if (!pulumiBinDir) throw new EnvironmentError("no Pulumi CLI found", "run `bash scripts/setup.sh`, or put `pulumi` on PATH");
  const env = buildEngineEnv(projectDir, io.env, pulumiBinDir);
  if (env.PULUMI_BACKEND_URL.startsWith("file://")) fs.mkdirSync(env.PULUMI_BACKEND_URL.slice("file://".length), { recursive: true });
  return { projectDir, project, stackName: common.stack, configOverride: common.config === undefined ? undefined : path.resolve(io.cwd, common.config), env, pulumiBinDir };
}

/**
 * Opens the stack with the inline stack program. A stack that does not exist yet is created only when the
 * project has its settings file (`Pulumi.<stack>.yaml`) or for `phoenix sim start` (`simStart`): a mistyped
 * `--stack` must not quietly make a new, empty stack. Without a passphrase, only a simulated stack (or `sim
 * start` itself) runs, with the empty one; any other is refused here, before the engine.
 */
export async function openStack(ctx: StackContext & { pulumiBinDir: string }, opts: { simStart?: boolean } = {}): Promise<Stack> {
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(ctx.pulumiBinDir), skipVersionCheck: true });
  if (!opts.simStart) await checkStackExists(ctx, pulumiCommand);
  const planned = await planEngineEnv(ctx, pulumiCommand, { simStart: opts.simStart, simRoot: simRootOf(ctx.projectDir) });
  if ("refused" in planned) throw new EnvironmentError(planned.refused);
  const override = ctx.configOverride;
  const projectDir = ctx.projectDir;
  const program = async () => {
    // Loaded here, inside the program run, so `pulumi.Config` sees the stack's config.
    const { phoenixProgram, readProgramSettings } = await import("../components/stack-program");
    const settings = readProgramSettings();
    return phoenixProgram({ ...settings, configFile: override ?? settings.configFile, targets: undefined }, projectDir);
  };
  const args = { stackName: ctx.stackName, projectName: ctx.project, program };
  return LocalWorkspace.createOrSelectStack(args, { workDir: projectDir, pulumiCommand, envVars: planned.env });
}

/** Refuses a stack that has neither a settings file in the project nor state in the backend (a mistyped --stack). */
async function checkStackExists(ctx: StackContext, pulumiCommand: PulumiCommand): Promise<void> {
  if (fs.existsSync(path.join(ctx.projectDir, `Pulumi.${ctx.stackName}.yaml`))) return;
  const ws = await LocalWorkspace.create({ workDir: ctx.projectDir, pulumiCommand, envVars: ctx.env, projectSettings: { name: ctx.project, runtime: "nodejs" } });
  const stacks = await ws.listStacks().catch(() => []);
  if (stacks.some((st) => st.name === ctx.stackName || st.name.endsWith(`/${ctx.stackName}`))) return;
  const known = fs.readdirSync(ctx.projectDir).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((n): n is string => n !== undefined);
  throw new EnvironmentError(
    `stack '${ctx.stackName}' does not exist in this project (${known.length ? `stacks with settings here: ${known.join(", ")}` : "no Pulumi.<stack>.yaml here"})`,
    `check --stack; to start a new stack, create its settings file first: touch ${path.join(ctx.projectDir, `Pulumi.${ctx.stackName}.yaml`)}` +
      (ctx.stackName === "dev" ? " (or, for simulated nodes on this machine: phoenix sim start)" : ""),
  );}

/** The stack config the CLI reads directly (status, start/stop, snapshots, test). */
export interface DirectSettings {
  /** Nodes by name. */
  nodes: Record<string, NodeConnection>;
  /** The node for containers that name none. */
  defaultNode?: string;
  /** SSH private key text (from the secret, or read from `sshPrivateKeyPath`). */
  privateKey?: string;
  /** Passphrase of the key. */
  passphrase?: string;
  /** Absolute path of the containers file. */
  configFile: string;
  /** Directories the files named by the containers file must lie in: the project and stack config `allowedPaths`. */
  fileRoots: string[];
}

/** Reads nodes, key and containers file from the stack config (secrets decrypted by the Pulumi CLI). */
export async function readDirectSettings(stack: Stack, ctx: StackContext): Promise<DirectSettings> {
  const all = await stack.getAllConfig();
  const settings = readStackSettings((key) => all[`${ctx.project}:${key}`]?.value);
  const nodes = requireNodes(settings, ctx.stackName);
  const { privateKey, passphrase } = readSshCredentials(settings, ctx.projectDir, ctx.env.PHOENIX_SSH_PRIVATE_KEY_PATH);
  const configFile = ctx.configOverride ?? path.resolve(ctx.projectDir, settings.configFile);
  const fileRoots = buildAllowedRoots(ctx.projectDir, settings.allowedPaths);
  return { nodes, defaultNode: settings.defaultNode, privateKey, passphrase, configFile, fileRoots };
}

/** Loads the containers file against the stack's nodes. */
export function loadStackConfig(settings: DirectSettings): LoadedConfig {
  return loadConfig({ file: settings.configFile }, { nodes: Object.keys(settings.nodes), defaultNode: settings.defaultNode, fileRoots: settings.fileRoots });
}
