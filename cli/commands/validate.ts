/**
 * `phoenix validate [--config FILE] [--json]`: checks a configuration file without touching any node (nothing
 * here opens an SSH connection; it only reads the file and the files it names, from inside the project).
 */
import * as path from "node:path";
import { ConfigError, type ConfigIssue } from "../../core/errors";
import { loadConfig } from "../../host/load-config-file";
import { buildAllowedRoots, findProjectRoot } from "../../host/config-files";
import { formatSummary, summarizeSpecs } from "../../core/config/summary";
import { readStackConfigFile } from "../stack-files";
import { EXIT_CODE_OF, ExitCode } from "../io";

/** Where the command writes, and the directory relative paths start from. */
export interface ValidateIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
}

/** The help text of `phoenix validate`. */
export const VALIDATE_HELP = `Usage: phoenix validate [--config FILE] [--stack NAME] [--cwd DIR] [--json]

Check a Phoenix LXC configuration file in one pass: JSON syntax, the schema
(phoenix_lxc_configs.schema.json), unknown keys (warnings; near misses of known keys are errors),
references between containers (clone sources, dependencies, cycles), unique hostnames/IPs/MACs per
node, snapshot names, features, and the files it names (scripts, custom features, AppArmor profiles,
tests): each must lie inside the project (the directory of Pulumi.yaml above the file) or an allowed
path — no absolute path, no ".." or symlink leading out — and be a text file of at most 64 KiB.
No node is contacted.

Options:
  --config FILE  the file to check (default: the stack's 'configFile', as every other command reads it;
                 phoenix_lxc_configs.json in the project directory when the stack sets none)
  --stack NAME   the stack whose 'configFile' to check (default: dev)
  --cwd DIR      project directory holding Pulumi.yaml (default: the current directory)
  --allowed-paths DIRS
                 comma-separated directories besides the project that files may come from, relative
                 to the project (what the stack config 'allowedPaths' says for the engine commands)
  --json         print a JSON array of {path, message, severity, kind} on stdout and nothing else:
                 every problem and warning; [] when the file is valid without warnings
  -h, --help     show this help

Exit codes:
  0  valid (warnings may be printed)
  1  invalid: every problem is printed, one per line, as PATH: message
  2  the file cannot be read or is not JSON (line:column given), or bad arguments`;

interface ParsedArgs {
  file?: string;
  stack: string;
  cwd?: string;
  allowedPaths: string[];
  json: boolean;
  help: boolean;
  error?: string;
}

function parseArgs(argv: readonly string[]): ParsedArgs {
  const out: ParsedArgs = { json: false, help: false, stack: "dev", allowedPaths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") out.json = true;
    else if (arg === "--help" || arg === "-h") out.help = true;
    else if (arg === "--config") {
      if (argv[i + 1] === undefined) return { ...out, error: "--config needs a file name" };
      out.file = argv[++i];
    } else if (arg.startsWith("--config=")) out.file = arg.slice("--config=".length);
    else if (arg === "--stack" || arg === "--cwd") {
      const value = argv[i + 1];
      if (value === undefined || value === "") return { ...out, error: `${arg} needs a value` };
      if (arg === "--stack") out.stack = value;
      else out.cwd = value;
      i++;
    } else if (arg === "--allowed-paths") {
      if (argv[i + 1] === undefined) return { ...out, error: "--allowed-paths needs a list of directories" };
      out.allowedPaths.push(...argv[++i]!.split(",").filter((p) => p !== ""));
    }
    else return { ...out, error: `unknown argument '${arg}'` };
  }
  return out;
}

const line = (i: ConfigIssue) => `${i.severity === "warning" ? "warning: " : ""}${i.path}: ${i.message}\n`;
const toJson = (issues: ConfigIssue[]) => `${JSON.stringify(issues.map(({ path: p, message, severity, kind }) => ({ path: p, message, severity, ...(kind ? { kind } : {}) })), null, 2)}\n`;

/**
 * Runs `phoenix validate`; resolves to the exit code of what it found, from the code table (cli/io.ts): 0 valid,
 * 1 invalid (`config`), 2 unreadable or unparsable (`input`) or bad arguments (`usage`).
 */
export async function runValidate(argv: string[], io: ValidateIo): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    io.stdout(`${VALIDATE_HELP}\n`);
    return ExitCode.ok;
  }
  if (args.error !== undefined) {
    io.stderr(`phoenix validate: ${args.error}\n\n${VALIDATE_HELP}\n`);
    return EXIT_CODE_OF.usage;
  }
  const file = args.file !== undefined ? path.resolve(io.cwd, args.file) : readStackConfigFile(path.resolve(io.cwd, args.cwd ?? "."), args.stack);
  try {
    const fileRoots = buildAllowedRoots(findProjectRoot(path.dirname(file)), args.allowedPaths);
    const { specs, warnings } = loadConfig({ file }, { fileRoots });
    if (args.json) io.stdout(toJson(warnings));
    else {
      io.stdout(`${formatSummary(summarizeSpecs(specs))}\n`);
      for (const w of warnings) io.stderr(line(w));
    }
    return ExitCode.ok;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // `input`: the file could not be read or parsed at all; `config`: it was read and is wrong.
    const fatal = e.code === "input";
    if (args.json) io.stdout(toJson(e.issues));
    else {
      const errors = e.issues.filter((i) => i.severity === "error").length;
      io.stderr(`${file}: ${fatal ? "cannot be loaded" : `${errors} problem${errors === 1 ? "" : "s"}`}\n`);
      for (const i of e.issues) io.stderr(line(i));
    }
    return EXIT_CODE_OF[e.code];
  }
}
