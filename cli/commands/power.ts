/**
 * `phoenix start|stop|restart <ctid…>`: the old tool's power operations, run directly with `pct start`,
 * `pct shutdown` (falling back to a hard stop after the timeout) and `pct reboot`. They do not change the
 * desired state: with `started` true (the default) the next `up --refresh` starts a stopped container again
 * (core/container/run-state.ts); `"started": false` in the config keeps one stopped on purpose.
 */
import { CliIo, ExitCode } from "../io";
import { checkKnownCtids, openSession, runGuarded } from "../command-runner";
import { NodeAccess } from "../node-access";
import { COMMON_OPTIONS_HELP, ENGINE_ENV_HELP, parseCommand, parseCtids, UsageError } from "../options";
import type { PctClient } from "../../host/pct-client";

/** The power operations. */
export type PowerAction = "start" | "stop" | "restart";

/** The help text of `phoenix start|stop|restart`. */
export function powerHelp(action: PowerAction): string {
  const what = {
    start: "Start the containers ('pct start'); one already running is left as it is.",
    stop: "Shut the containers down ('pct shutdown', a hard stop after --timeout); one already stopped is left as it is.",
    restart: "Reboot the containers ('pct reboot', which also applies pending changes); a stopped one is started.",
  }[action];
  return `Usage: phoenix ${action} <ctid…>${action === "stop" ? " [--timeout SECONDS]" : ""} [--json] [--stack NAME] [--cwd DIR] [--config FILE]

${what}
This does not change the desired state. With "started": true (the default) the next 'phoenix up --refresh'
starts a stopped container again (as after a node reboot); to keep one stopped on purpose, set
"started": false on it in the containers file: no up starts or stops it then (a new one is still started).

Options:
${action === "stop" ? "  --timeout S    seconds to wait for a clean shutdown before stopping hard (default: 60)\n" : ""}  --json         print a JSON array of {ctid, node, action, result: "done" | "already" | "failed", error?}
${COMMON_OPTIONS_HELP}
  -h, --help     show this help

${ENGINE_ENV_HELP}

Exit codes:
  0  every container is ${action === "stop" ? "stopped" : "running"}
  1  an operation failed (its pct error is shown)
  2  bad arguments, no CTID, or a CTID the containers file does not have
  3  a node was unreachable, no Pulumi CLI, or no nodes in stack config`;
}

interface PowerRow {
  ctid: number;
  node: string;
  action: PowerAction;
  result: "done" | "already" | "failed";
  error?: string;
}

async function runAction(client: PctClient, ctid: number, action: PowerAction, timeoutSeconds: number): Promise<"done" | "already"> {
  const running = (await client.status(ctid)).status === "running";
  if (action === "start") {
    if (running) return "already";
    await client.start(ctid);
  } else if (action === "stop") {
    if (!running) return "already";
    await client.shutdown(ctid, { timeoutSeconds, forceStop: true });
  } else if (running) await client.reboot(ctid);
  else await client.start(ctid);
  return "done";
}

/** Runs `phoenix start|stop|restart`; resolves to the exit code. */
export async function runPowerCommand(action: PowerAction, argv: string[], io: CliIo): Promise<number> {
  return runGuarded(action, io, async () => {
    const { common, values, positionals } = parseCommand(argv, { timeout: { type: "string" } });
    if (action !== "stop" && values.timeout !== undefined) throw new UsageError("--timeout applies to stop only");
    if (common.help) {
      io.stdout(`${powerHelp(action)}\n`);
      return ExitCode.ok;
    }
    const timeout = Number(values.timeout ?? 60);
    if (!Number.isInteger(timeout) || timeout < 0) throw new UsageError("--timeout needs a whole number of seconds");
    const ctids = parseCtids(positionals);
    if (ctids.length === 0) throw new UsageError(`name the containers, e.g. phoenix ${action} 950`);
    const session = await openSession(common, io);
    checkKnownCtids(session.config, ctids);
    const access = new NodeAccess(session.settings);
    const rows: PowerRow[] = [];
    let unreachable = false;
    try {
      for (const ctid of ctids) {
        const spec = session.config.specs.get(ctid)!;
        const row: PowerRow = { ctid, node: access.nodeOf(spec), action, result: "failed" };
        try {
          row.result = await runAction(access.clientFor(spec), ctid, action, timeout);
          if (!common.json) io.stdout(`CT ${ctid} on ${row.node}: ${row.result === "already" ? `already ${action === "stop" ? "stopped" : "running"}` : `${action === "stop" ? "stopped" : action === "start" ? "started" : "restarted"}`}\n`);
        } catch (e) {
          unreachable ||= (e as { code?: string }).code?.startsWith("ssh-") ?? false;
          row.error = (e as Error).message;
          if (!common.json) io.stderr(`CT ${ctid} on ${row.node}: ${action} failed: ${row.error}\n`);
        }
        rows.push(row);
      }
    } finally {
      await access.close();
    }
    if (common.json) io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    if (unreachable) return ExitCode.environment;
    return rows.some((r) => r.result === "failed") ? ExitCode.failed : ExitCode.ok;
  });
}
