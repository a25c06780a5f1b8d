/**
 * `phoenix status [ctid…]`: each container of the containers file with its node, its live `pct status` (read
 * over SSH with the stack's nodes and key), its last final snapshot and the changes waiting for a restart (both from
 * the stack outputs).
 */
import { PctError, SshError } from "../../core/errors";
import type { CtStatus } from "../../core/pct-model";
import type { ContainerSpec } from "../../core/config/types";
import { CliIo, ExitCode } from "../io";
import { checkKnownCtids, openSession, runGuarded } from "../command-runner";
import { NodeAccess } from "../node-access";
import { COMMON_OPTIONS_HELP, ENGINE_ENV_HELP, parseCommand, parseCtids } from "../options";

/** The help text of `phoenix status`. */
export const STATUS_HELP = `Usage: phoenix status [ctid…] [--json] [--stack NAME] [--cwd DIR] [--config FILE]

Show each container of the containers file (or only the named ones): its node, its live state read with
Show each container of the containers file (or only the named ones): its node, its live state read with
'pct list' over SSH (running, stopped, missing when the node has no such container, unreachable when the
node cannot be reached, host-key when the node's host key is not the pinned one, auth-failed when the node
refuses the SSH key), its last final snapshot as of the last up, and the changes that wait for a restart
(restart_policy never; 'phoenix restart <ctid>' applies them) as of the last up or refresh.

Options:
  --json         print a JSON array of {ctid, hostname, node, status, lastSnapshot?, pendingRestart?, error?}
${COMMON_OPTIONS_HELP}
  -h, --help     show this help

${ENGINE_ENV_HELP}

Exit codes:
  0  every status was read (missing containers included)
  1  a status could not be read (the error is shown)
  2  bad arguments, or a CTID the containers file does not have
  3  a node was unreachable, untrusted (host key) or refused the key, no Pulumi CLI, or no nodes in stack config`;

/** Why a node could not be asked: the node is down, or SSH does not trust it, or it does not trust us. */
type NodeProblem = "unreachable" | "host-key" | "auth-failed";

/** The status a transport failure stands for. */
function nodeProblemOf(error: SshError): NodeProblem {
  if (error.code === "ssh-host-key") return "host-key";
  if (error.code === "ssh-auth") return "auth-failed";
  return "unreachable";
}

/** One row of the status. */
export interface StatusRow {
  ctid: number;
  hostname: string;
  node: string;
  status: "running" | "stopped" | "missing" | NodeProblem | "error";
  lastSnapshot?: string;
  /** Keys changed but waiting for a restart. */
  pendingRestart?: string[];
  error?: string;
}

/** Formats rows as an aligned table. */
export function formatStatusTable(rows: readonly StatusRow[]): string {
  const table = [["CTID", "HOSTNAME", "NODE", "STATUS", "LAST SNAPSHOT", "PENDING RESTART"], ...rows.map((r) => [String(r.ctid), r.hostname, r.node, r.status, r.lastSnapshot ?? "-", r.pendingRestart?.join(",") || "-"])];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  const lines = table.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  "));
  for (const r of rows) if (r.error) lines.push(`CT ${r.ctid}: ${r.error}`);
  return `${lines.join("\n")}\n`;
}

/** Runs `phoenix status`; resolves to the exit code. */
export async function runStatusCommand(argv: string[], io: CliIo): Promise<number> {
  return runGuarded("status", io, async () => {
    const { common, positionals } = parseCommand(argv);
    if (common.help) {
      io.stdout(`${STATUS_HELP}\n`);
      return ExitCode.ok;
    }
    const ctids = parseCtids(positionals);
    const session = await openSession(common, io);
    checkKnownCtids(session.config, ctids);
    const wanted = ctids.length ? ctids : [...session.config.specs.keys()].sort((a, b) => a - b);
    // Read alongside the nodes: each Pulumi CLI call costs about a second.
    const outputs = session.stack.outputs().catch(() => ({}) as Awaited<ReturnType<typeof session.stack.outputs>>);
    const access = new NodeAccess(session.settings);
    // One `pct list` per node answers every container on it (a pct start-up costs a few hundred ms on a node).
    const listings = new Map<string, Promise<Map<number, CtStatus>>>();
    const statusOf = (spec: ContainerSpec): Promise<CtStatus | undefined> => {
      const node = access.nodeOf(spec);
      if (!listings.has(node)) listings.set(node, access.clientFor(spec).list().then((entries) => new Map(entries.map((e) => [e.vmid, e.status]))));
      return listings.get(node)!.then((statuses) => statuses.get(spec.ctid));
    };
    try {
      const rows = await Promise.all(wanted.map(async (ctid): Promise<StatusRow> => {
        const spec = session.config.specs.get(ctid)!;
        const row: StatusRow = { ctid, hostname: spec.hostname, node: access.nodeOf(spec), status: "error" };
        try {
          row.status = (await statusOf(spec)) ?? "missing";
          const summary = ((await outputs).containers?.value as Record<string, { lastSnapshot?: string; pendingRestart?: string[] }> | undefined)?.[String(ctid)];
          if (summary?.lastSnapshot) row.lastSnapshot = summary.lastSnapshot;
          if (summary?.pendingRestart?.length) row.pendingRestart = summary.pendingRestart;
        } catch (e) {
          if (e instanceof PctError && e.code === "pct-not-found") row.status = "missing";
          else {
            row.status = e instanceof SshError ? nodeProblemOf(e) : "error";
            row.error = (e as Error).message.split("\n")[0];
          }
        }
        return row;
      }));
      io.stdout(common.json ? `${JSON.stringify(rows, null, 2)}\n` : formatStatusTable(rows));
      if (rows.some((r) => r.status === "unreachable" || r.status === "host-key" || r.status === "auth-failed")) return ExitCode.environment;
      return rows.some((r) => r.status === "error") ? ExitCode.failed : ExitCode.ok;
    } finally {
      await access.close();
    }
  });
}
