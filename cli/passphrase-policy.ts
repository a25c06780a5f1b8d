/**
 * The empty passphrase only for simulated stacks, on the `phoenix` path: the decision is
 * core/passphrase-policy.ts's; this reads the stack's settings through the Automation API and returns the engine
 * environment (with the empty passphrase for a simulated stack) or the refusal, before the engine starts.
 */
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { NodeAddress, planPassphrase } from "../core/passphrase-policy";
import { STACK_CONFIG_KEYS } from "../core/stack-settings";
import { readPassphraseState, readSimNodes } from "../host/passphrase-facts";

/** What {@link planEngineEnv} needs of the CLI's stack context. */
export interface PolicyContext {
  projectDir: string;
  project: string;
  stackName: string;
  env: Record<string, string>;
}

/**
 * Reads the stack file and the simulator's record, and returns the engine environment: unchanged, or with the
 * empty passphrase for a simulated stack; or the refusal to print.
 */
export async function planEngineEnv(ctx: PolicyContext, pulumiCommand: PulumiCommand, opts: { simStart?: boolean; simRoot: string }): Promise<{ env: Record<string, string> } | { refused: string }> {
  const passphrase = readPassphraseState(ctx.env);
  if (passphrase === "set") return { env: ctx.env };
  const ws = await LocalWorkspace.create({ workDir: ctx.projectDir, pulumiCommand, envVars: ctx.env });
  const settings = await ws.stackSettings(ctx.stackName).catch(() => undefined);
  const rawNodes = settings?.config?.[`${ctx.project}:${STACK_CONFIG_KEYS.nodes}`] as unknown;
  const nodes = rawNodes !== null && typeof rawNodes === "object" && !("secure" in rawNodes) ? (rawNodes as Record<string, NodeAddress>) : {};
  const decision = planPassphrase({
    stackName: ctx.stackName,
    projectDir: ctx.projectDir,
    passphrase,
    secretsProvider: settings?.secretsProvider,
    hasEncryptionSalt: Boolean(settings?.encryptionSalt),
    backendUrl: ctx.env.PULUMI_BACKEND_URL ?? "",
    nodes,
    simNodes: readSimNodes(opts.simRoot),
    simStart: opts.simStart ?? false,
  });
  if (decision.kind === "refuse") return { refused: decision.message };
  return { env: decision.kind === "empty-for-sim" ? { ...ctx.env, PULUMI_CONFIG_PASSPHRASE: "" } : ctx.env };
}
