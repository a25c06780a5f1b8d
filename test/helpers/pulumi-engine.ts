/**
 * The real Pulumi engine for tests: Automation API with an inline program, the local file backend in a temp
 * directory, an empty passphrase, and no plugin downloads (the machine has no internet).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";

/** Where the repo is (tests run from dist/test/...). */
export const REPO_ROOT = process.env.PHOENIX_REPO_ROOT ?? path.resolve(__dirname, "..", "..", "..");

/** Directory of the Pulumi CLI that scripts/setup.sh found or built. */
export function pulumiBinDir(): string {
  const recorded = path.join(REPO_ROOT, ".phoenix", "pulumi-bin-dir");
  if (fs.existsSync(recorded)) return fs.readFileSync(recorded, "utf8").trim();
  throw new Error("no Pulumi CLI recorded: run `bash scripts/setup.sh` first");
}

/** Environment for the CLI and the provider processes it starts. */
export function engineEnv(backendDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const shimDir = path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi");
  return {
    PATH: [pulumiBinDir(), shimDir, process.env.PATH ?? ""].join(":"),
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: "",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_HOME: path.join(backendDir, ".pulumi-home"),
    ...extra,
  };
}

/** Options for {@link openStack}. */
export interface TestStackOptions {
  /** The inline program. */
  program: PulumiFn;
  /** Backend directory; a fresh temp dir when omitted. */
  backendDir?: string;
  /** Stack name. @default "test" */
  stackName?: string;
  /** Project name; must match what the provider's configure() reads. @default "phoenix-lxc" */
  projectName?: string;
  /** Stack config; `secret: true` values are encrypted in the stack file. */
  config?: Record<string, { value: string; secret?: boolean }>;
  /** Extra environment for the engine and providers. */
  env?: Record<string, string>;
  /**
   * The checkout whose node_modules the provider process resolves `phoenix-lxc/...` from. The engine starts
   * the provider with cwd = the workspace directory, which links to this checkout's node_modules.
   * @default REPO_ROOT
   */
  checkout?: string;
}

/** A stack on the real engine, plus where its state lives. */
export interface TestStack {
  stack: Stack;
  backendDir: string;
  /** Every file of the backend concatenated, for "the secret appears nowhere" assertions. */
  readAllState(): string;
}

/** Creates (or selects) a stack on the local file backend. */
export async function openStack(options: TestStackOptions): Promise<TestStack> {
  const backendDir = options.backendDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-state-"));
  const projectName = options.projectName ?? "phoenix-lxc";
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-ws-"));
  fs.symlinkSync(path.join(options.checkout ?? REPO_ROOT, "node_modules"), path.join(workDir, "node_modules"), "dir");
  const env = engineEnv(backendDir, options.env);
  // The CLI is located from this process, not from envVars: name it explicitly (root/bin/pulumi).
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(pulumiBinDir()) });
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: options.stackName ?? "test", projectName, program: options.program },
    {
      workDir,
      pulumiCommand,
      envVars: env,
      projectSettings: { name: projectName, runtime: "nodejs", backend: { url: env.PULUMI_BACKEND_URL } },
    },
  );
  if (options.config) await stack.setAllConfig(options.config);
  return { stack, backendDir, readAllState: () => readTree(backendDir) + readTree(workDir, true) };
}

function readTree(dir: string, skipLinks = false): string {
  let out = "";
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (skipLinks && entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) out += readTree(p);
    else if (entry.isFile()) out += fs.readFileSync(p, "utf8");
  }
  return out;
}
