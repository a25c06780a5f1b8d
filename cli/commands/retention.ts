/**
 * `phoenix retention plan --policy '<json>' --snapshots FILE [--tz ZONE] [--json]`: shows what a
 * `snapshot_retention` policy would keep and delete for a list of snapshots. Pure planning: no node is contacted.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, PhoenixError, type ConfigIssue } from "../../core/errors";
import { formatWallTime } from "../../core/retention/calendar";
import { planRetention, RetentionSnapshot, RetentionVerdict } from "../../core/retention/plan";
import { parseSnapshotList } from "../../core/retention/parse-snapshot-list";
import { checkRetentionPolicy, keepsSomething, RetentionPolicy } from "../../core/retention/policy";
import { buildZoneClock, checkTimeZone } from "../../core/retention/zone-clock";
import { EXIT_CODE_OF } from "../io";

/** Where the command writes, its working directory and environment (a subset of the CLI's `CliIo`). */
export interface RetentionIo {
  stdout(s: string): void;
  stderr(s: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** The help text of `phoenix retention`. */
export const RETENTION_HELP = `Usage: phoenix retention plan --policy JSON --snapshots FILE [--tz ZONE] [--json]

Show which snapshots a snapshot_retention policy keeps and which it deletes (Proxmox Backup Server prune
rules). Nothing is deleted and no node is contacted.

Options:
  --policy JSON     the policy, e.g. '{"keep_last": 3, "keep_daily": 7}'; fields keep_last, keep_hourly,
                    keep_daily, keep_weekly, keep_monthly, keep_yearly (integers >= 1); {} keeps everything
  --snapshots FILE  JSON array of {name, snaptime, description?, snapstate?, owned?, pinned?, clone_source?};
                    snaptime in epoch seconds (0 or missing: unknown, never deleted); owned defaults to
                    what 'phoenix up' itself decides: a phx-<UTC time> name with the ownership marker in
                    its description (vzdump, replication and hand-made snapshots are never removed).
                    The output of 'pvesh get /nodes/N/lxc/ID/snapshot --output-format json' works as is.
  --tz ZONE         IANA zone for hours/days/weeks (default: $TZ, else this machine's zone)
  --json            print a JSON array of {name, verdict, reason}, newest first, and nothing else
  -h, --help        show this help

Verdicts: keep (reason: the rule), remove (pruned), protected (not-owned, pinned, incomplete, clone-source,
newest, unknown-time: never deleted).

Exit codes:
  0  the plan was printed
  2  bad arguments, an invalid policy, or a snapshots file that cannot be read or is invalid`;

/** A usage or input problem (code `input`): printed as is, exit code 2 (cli/io.ts). */
class InputError extends PhoenixError {
  constructor(message: string) {
    super("input", message);
  }
}

interface PlanArgs {
  policy: RetentionPolicy;
  snapshots: RetentionSnapshot[];
  timeZone: string;
  json: boolean;
}

function readArgs(argv: string[], io: RetentionIo): PlanArgs | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        policy: { type: "string" },
        snapshots: { type: "string" },
        tz: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (positionals.length === 0) throw new InputError("missing subcommand: expected 'plan'");
  if (positionals[0] !== "plan" || positionals.length > 1) throw new InputError(`unknown subcommand '${positionals.join(" ")}': expected 'plan'`);
  if (values.policy === undefined) throw new InputError(`--policy is required, e.g. --policy '{"keep_last": 3}'`);
  if (values.snapshots === undefined) throw new InputError("--snapshots FILE is required");
  return {
    policy: readPolicy(values.policy),
    snapshots: readSnapshots(path.resolve(io.cwd, values.snapshots)),
    timeZone: chooseTimeZone(values.tz, io.env),
    json: values.json ?? false,
  };
}

function readPolicy(text: string): RetentionPolicy {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`--policy is not valid JSON (${(e as Error).message}); expected e.g. '{"keep_last": 3}'`);
  }
  const issues = checkRetentionPolicy(value, "");
  if (issues.length > 0) throw new InputError(formatIssues("--policy", issues));
  return value as RetentionPolicy;
}

function readSnapshots(file: string): RetentionSnapshot[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
    throw new InputError(`cannot read snapshots file '${file}': ${reason}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`snapshots file '${file}' is not valid JSON: ${(e as Error).message}`);
  }
  try {
    return parseSnapshotList(value, file);
  } catch (e) {
    if (e instanceof ConfigError) throw new InputError(formatIssues(`snapshots file '${file}'`, e.issues));
    throw e;
  }
}

/** `--tz`, else `$TZ` when it is an IANA name (it may be a POSIX rule like `CET-1CEST`), else the machine's zone. */
function chooseTimeZone(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag !== undefined) {
    const problem = checkTimeZone(flag);
    if (problem !== undefined) throw new InputError(`--tz: ${problem}`);
    return flag;
  }
  const fromEnv = env.TZ?.replace(/^:/, "");
  if (fromEnv && checkTimeZone(fromEnv) === undefined) return fromEnv;
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function formatIssues(what: string, issues: readonly ConfigIssue[]): string {
  const n = issues.length;
  return [`${what}: ${n} problem${n === 1 ? "" : "s"}`, ...issues.map((i) => `  ${i.path}: ${i.message}`)].join("\n");
}

function formatTable(verdicts: readonly RetentionVerdict[], snapshots: readonly RetentionSnapshot[], timeZone: string): string {
  const byName = new Map(snapshots.map((s) => [s.name, s]));
  const known = snapshots.filter((s) => s.snaptime !== undefined);
  const wall = buildZoneClock(timeZone).wallSecondsMany(known.map((s) => s.snaptime!));
  const local = new Map(known.map((s, i) => [s.name, formatWallTime(wall[i])]));
  const rows = [
    ["NAME", `LOCAL TIME (${timeZone})`, "VERDICT", "REASON"],
    ...verdicts.map((v) => [v.name, byName.get(v.name)?.snaptime === undefined ? "-" : local.get(v.name)!, v.verdict, v.reason]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join("  "));
  const count = (verdict: RetentionVerdict["verdict"]) => verdicts.filter((v) => v.verdict === verdict).length;
  lines.push("", `keep ${count("keep")}, remove ${count("remove")}, protected ${count("protected")}`);
  return `${lines.join("\n")}\n`;
}

/** Runs `phoenix retention`; resolves to the exit code (0 the plan was printed, 2 bad arguments or input). */
export async function runRetention(argv: string[], io: RetentionIo): Promise<number> {
  let args: PlanArgs | "help";
  try {
    args = readArgs(argv, io);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    io.stderr(`phoenix retention: ${e.message}\nRun 'phoenix retention --help' for usage.\n`);
    return EXIT_CODE_OF[e.code];
  }
  if (args === "help") {
    io.stdout(`${RETENTION_HELP}\n`);
    return 0;
  }
  const plan = planRetention(args.snapshots, args.policy, { timeZone: args.timeZone });
  if (args.json) {
    io.stdout(`${JSON.stringify(plan.verdicts.map(({ name, verdict, reason }) => ({ name, verdict, reason })), null, 2)}\n`);
    return 0;
  }
  io.stdout(formatTable(plan.verdicts, args.snapshots, args.timeZone));
  if (!keepsSomething(args.policy)) io.stderr("note: the policy sets no keep_* rule, so every snapshot is kept\n");
  return 0;
}
