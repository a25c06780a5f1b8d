/**
 * Argument parsing shared by the engine-backed commands: the common options (`--stack`, `--cwd`, `--config`,
 * `--json`, `--help`), command-specific ones, and CTID positionals. Pure: no I/O.
 */
import { parseArgs } from "node:util";
import { PhoenixError } from "../core/errors";

/** A usage problem (code `usage`): the command prints it with a pointer to its --help and exits 2. */
export class UsageError extends PhoenixError {
  constructor(message: string) {
    super("usage", message);
  }
}

/** Options every engine-backed command accepts. */
export interface CommonOptions {
  /** Stack name. @default "dev" */
  stack: string;
  /** Project directory (holds Pulumi.yaml), as given. */
  cwd?: string;
  /** Containers file overriding stack config `configFile`, as given. */
  config?: string;
  /** Print JSON on stdout and nothing else there. */
  json: boolean;
  /** Show the help text. */
  help: boolean;
}

/** The help lines of the common options, for every command's --help. */
export const COMMON_OPTIONS_HELP = `  --stack NAME   the Pulumi stack (default: dev)
  --cwd DIR      project directory holding Pulumi.yaml (default: the current directory when it has one,
                 else this package's directory)
  --config FILE  containers file, overriding the stack config 'configFile'`;

/** The environment lines shared by every engine-backed command's --help. */
export const ENGINE_ENV_HELP = `Environment: PULUMI_BACKEND_URL (default file://<project>/.phoenix/state), PULUMI_CONFIG_PASSPHRASE or
PULUMI_CONFIG_PASSPHRASE_FILE (a real deployment must set one, it encrypts the SSH key in the stack file;
without one, only a stack whose nodes are all simulated nodes that 'phoenix sim start' made runs, with the
empty passphrase, and any other is refused with exit 3), PULUMI_PARALLEL (engine operations at once, default 64).`;

type ExtraOption = { type: "string" | "boolean"; short?: string };

/** The parsed command line of one command. */
export interface ParsedCommand<K extends string> {
  common: CommonOptions;
  /** Values of the command's own options. */
  values: Partial<Record<K, string | boolean>>;
  positionals: string[];
}

/**
 * Parses argv with the common options plus `extra`. Unknown options and missing values are {@link UsageError}s
 * (a typo must never fall back to a default that touches every container).
 */
export function parseCommand<K extends string>(argv: readonly string[], extra: Record<K, ExtraOption> = {} as Record<K, ExtraOption>): ParsedCommand<K> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        stack: { type: "string" },
        cwd: { type: "string" },
        config: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        ...extra,
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const common: CommonOptions = {
    stack: (v.stack as string | undefined) ?? "dev",
    cwd: v.cwd as string | undefined,
    config: v.config as string | undefined,
    json: Boolean(v.json),
    help: Boolean(v.help),
  };
  if (common.stack === "") throw new UsageError("--stack needs a name");
  const values: Partial<Record<K, string | boolean>> = {};
  for (const key of Object.keys(extra) as K[]) if (v[key] !== undefined) values[key] = v[key];
  return { common, values, positionals: parsed.positionals };
}

/** Parses CTID positionals (100–999999999, as PVE allows); duplicates are dropped, order kept. */
export function parseCtids(positionals: readonly string[]): number[] {
  const out: number[] = [];
  for (const p of positionals) {
    if (!/^\d+$/.test(p) || Number(p) < 100 || Number(p) > 999_999_999) throw new UsageError(`'${p}' is not a container ID (an integer from 100 to 999999999)`);
    if (!out.includes(Number(p))) out.push(Number(p));
  }
  return out;
}
