/**
 * What every engine-backed command shares: parse, `--help`, and printing a failure once with its exit code from
 * the error's code (cli/io.ts: usage 2, environment 3, anything that ran and failed 1). Also the stack session:
 * context, stack, settings and the loaded containers file, in one call.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { BUG_HINT, ConfigError, PhoenixError } from "../core/errors";
import type { LoadedConfig } from "../core/config/load-config";
import { CliIo, errorCodeOf, EXIT_CODE_OF } from "./io";
import { findUnreachableNodes } from "./node-access";
import { CommonOptions, UsageError } from "./options";
import { explainEngineError } from "./stack-locks";
import { buildStackContext, DirectSettings, EnvironmentError, loadStackConfig, openStack, readDirectSettings, StackContext } from "./stack-context";

/**
 * Runs a command body, printing a failure as `phoenix <name>: <message>` (the message already ends with its next
 * step) and returning the exit code of its error code.
 */
export async function runGuarded(name: string, io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (thrown) {
    // An Automation API failure (opening the stack, reading its config or state) in our words, never raw.
    const e = explainEngineError(thrown)?.error ?? thrown;
    const code = errorCodeOf(e);
    // An uncoded error is a bug: its message has no next step, so it gets the report-it one.
    const message = `${e instanceof Error ? e.message : String(e)}${e instanceof PhoenixError ? "" : `\n  next step: ${BUG_HINT}`}`;
    const usage = code === "usage" ? `Run 'phoenix ${name} --help' for usage.\n` : "";
    // A config error's message lists every error; its warnings are not in it.
    const warnings = e instanceof ConfigError ? e.issues.filter((i) => i.severity === "warning").map((i) => `  warning: ${i.path}: ${i.message}\n`).join("") : "";
    io.stderr(`phoenix ${name}: ${message}\n${usage}${warnings}`);
    return EXIT_CODE_OF[code];
  }
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

/**
 * The exit code of a failed engine operation, from the code table: the engine reports a resource's failure as
 * text, without its code, so a node that cannot be reached now counts as `ssh-unreachable` (3), else `step-failed` (1).
 */
export async function exitCodeOfFailedRun(session: StackSession): Promise<number> {
  return EXIT_CODE_OF[(await findUnreachableNodes(session.settings)).length ? "ssh-unreachable" : "step-failed"];
}
