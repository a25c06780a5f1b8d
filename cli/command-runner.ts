/**
 * What every engine-backed command shares: parse, `--help`, and one mapping of failures to the documented exit
 * codes (usage 2, environment 3, anything that ran and failed 1). Also the stack session: context, stack,
 * settings and the loaded containers file, in one call.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { ConfigError, PhoenixError, SshError } from "../core/errors";
import type { LoadedConfig } from "../core/config/load-config";
import { ConfigSyntaxError } from "../core/config/json-text";
import { ConfigUnreadableError } from "../core/config/load-config";
import { CliIo, ExitCode } from "./io";
import { CommonOptions, UsageError } from "./options";
import { explainEngineError } from "./stack-locks";
import { buildStackContext, DirectSettings, EnvironmentError, loadStackConfig, openStack, readDirectSettings, StackContext } from "./stack-context";

/** Runs a command body, printing failures as `phoenix <name>: …` and mapping them to exit codes. */
export async function runGuarded(name: string, io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (thrown) {
    // An Automation API failure (opening the stack, reading its config or state) in our words, never raw.
    const e = explainEngineError(thrown)?.error ?? thrown;
    if (e instanceof UsageError) {
      io.stderr(`phoenix ${name}: ${e.message}\nRun 'phoenix ${name} --help' for usage.\n`);
      return ExitCode.usage;
    }
    if (e instanceof ConfigError) {
      io.stderr(`phoenix ${name}: ${e.message}\n${e.issues.map((i) => `  ${i.path}: ${i.message}\n`).join("")}`);
      return e instanceof ConfigSyntaxError || e instanceof ConfigUnreadableError ? ExitCode.usage : ExitCode.failed;
    }
    const message = e instanceof Error ? e.message : String(e);
    const hint = e instanceof PhoenixError && e.hint && !message.includes(e.hint) ? `\n  hint: ${e.hint}` : "";
    io.stderr(`phoenix ${name}: ${message}${hint}\n`);
    if (e instanceof EnvironmentError || e instanceof SshError || isMissingCli(e)) return ExitCode.environment;
    return ExitCode.failed;
  }
}

function isMissingCli(e: unknown): boolean {
  return e instanceof Error && /ENOENT|command not found|Failed to run command/.test(e.message) && /pulumi/i.test(e.message);
}

/** An opened stack with its settings and the loaded containers file. */
export interface StackSession {
  ctx: StackContext;
  stack: Stack;
  settings: DirectSettings;
  config: LoadedConfig;
}

/** Opens the stack named by the common options and loads its containers file. */
export async function openSession(common: CommonOptions, io: CliIo): Promise<StackSession> {
  const ctx = buildStackContext(common, io);
  const stack = await openStack(ctx);
  const settings = await readDirectSettings(stack, ctx);
  return { ctx, stack, settings, config: loadStackConfig(settings) };
}

/** Checks that every CTID is a container of the config; a usage error names the ones that are not. */
export function checkKnownCtids(config: LoadedConfig, ctids: readonly number[]): void {
  const unknown = ctids.filter((c) => !config.specs.has(c));
  if (unknown.length) {
    const known = [...config.specs.keys()].sort((a, b) => a - b).join(", ");
    throw new UsageError(`not in the containers file: ${unknown.join(", ")} (it has ${known || "no containers"})`);
  }
}
