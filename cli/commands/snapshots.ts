/**
 * `phoenix snapshots <ctid>`: the container's live snapshots, read from its config file as the retention step
 * reads them, with the verdict the retention step would give each, computed exactly as it does: the container's
 * merged policy, its pins and the snapshots clones in the config are made from, in the node's time zone.
 */
import { formatWallTime } from "../../core/retention/calendar";
import { planRetention, toPlannerSnapshots } from "../../core/retention/plan";
import { DEFAULT_SNAPSHOT_PREFIX } from "../../core/retention/snapshot-name";
import { buildZoneClock, NODE_TIME_ZONE_ARGV, parseNodeTimeZone } from "../../core/retention/zone-clock";
import { planRetainedCloneSources } from "../../core/step-inputs";
import { CliIo, ExitCode } from "../io";
import { checkKnownCtids, openSession, runGuarded } from "../command-runner";
import { NodeAccess } from "../node-access";
import { COMMON_OPTIONS_HELP, ENGINE_ENV_HELP, parseCommand, parseCtids, UsageError } from "../options";

/** The help text of `phoenix snapshots`. */
export const SNAPSHOTS_HELP = `Usage: phoenix snapshots <ctid> [--json] [--stack NAME] [--cwd DIR] [--config FILE]

List the container's live snapshots with the retention verdict of each (the container's snapshot_retention,
snapshot_pins and the clone sources in the config; the node's time zone): keep (and the rule), remove (the
next up deletes it after taking its new snapshot), protected (not-owned, pinned, incomplete, clone-source,
newest, unknown-time). Nothing is deleted.

Options:
  --json         print a JSON array of {name, snaptime, description, verdict, reason}, newest first
${COMMON_OPTIONS_HELP}
  -h, --help     show this help

${ENGINE_ENV_HELP}

Exit codes:
  0  listed
  1  the list could not be read (the container does not exist, a pct error)
  2  bad arguments, or a CTID the containers file does not have
  3  the node was unreachable, no Pulumi CLI, or no nodes in stack config`;

/** Runs `phoenix snapshots`; resolves to the exit code. */
export async function runSnapshotsCommand(argv: string[], io: CliIo): Promise<number> {
  return runGuarded("snapshots", io, async () => {
    const { common, positionals } = parseCommand(argv);
    if (common.help) {
      io.stdout(`${SNAPSHOTS_HELP}\n`);
      return ExitCode.ok;
    }
    const ctids = parseCtids(positionals);
    if (ctids.length !== 1) throw new UsageError("name exactly one container, e.g. phoenix snapshots 950");
    const ctid = ctids[0]!;
    const session = await openSession(common, io);
    checkKnownCtids(session.config, ctids);
    const spec = session.config.specs.get(ctid)!;
    const access = new NodeAccess(session.settings);
    try {
      const live = (await access.readSnapshots(spec)).snapshots;
      const timeZone = await readNodeTimeZone(access, spec);
      const cloneSources = planRetainedCloneSources(session.config.specs, ctid, DEFAULT_SNAPSHOT_PREFIX);
      const planner = toPlannerSnapshots(live, { prefix: DEFAULT_SNAPSHOT_PREFIX, pins: spec.snapshotPins, cloneSources });
      const plan = planRetention(planner, spec.retention, { timeZone });
      const byName = new Map(live.map((s) => [s.name, s]));
      const rows = plan.verdicts.map((v) => ({ name: v.name, snaptime: byName.get(v.name)?.snaptime, description: byName.get(v.name)?.description.trim() ?? "", verdict: v.verdict, reason: v.reason }));
      if (common.json) {
        io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
        return ExitCode.ok;
      }
      const clock = buildZoneClock(timeZone);
      const table = [["NAME", `TIME (${timeZone})`, "VERDICT", "REASON"], ...rows.map((r) => [r.name, r.snaptime ? formatWallTime(clock.wallSecondsMany([r.snaptime])[0]!) : "-", r.verdict, r.reason])];
      const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
      const lines = table.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  "));
      if (rows.length === 0) lines.push("(no snapshots)");
      io.stdout(`CT ${ctid} on ${access.nodeOf(spec)}, policy ${JSON.stringify(spec.retention)}\n${lines.join("\n")}\n`);
      return ExitCode.ok;
    } finally {
      await access.close();
    }
  });
}

/** The node's IANA zone (/etc/timezone or the /etc/localtime link), UTC when unknown — as the retention step reads it. */
async function readNodeTimeZone(access: NodeAccess, spec: Parameters<NodeAccess["clientFor"]>[0]): Promise<string> {
  return parseNodeTimeZone(await access.runOnNode(spec, [...NODE_TIME_ZONE_ARGV]));
}
