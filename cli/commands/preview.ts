/**
 * `phoenix preview [ctid…]`: what an up would change, per container — the engine's planned ops and the provider's
 * own diagnostics (live/restart/replace changes, drift, the exact snapshots retention will delete).
 */
import { parseDeletionNotice } from "../../core/retention/deletion-notice";
import { CliIo, ExitCode } from "../io";
import { checkKnownCtids, exitCodeOfFailedRun, openSession, runGuarded } from "../command-runner";
import { runPreview } from "../engine";
import { COMMON_OPTIONS_HELP, ENGINE_ENV_HELP, parseCommand, parseCtids } from "../options";
import { ProgressTracker } from "../progress";
import { planUpTargets } from "../targets";

/** The help text of `phoenix preview`. */
export const PREVIEW_HELP = `Usage: phoenix preview [ctid…] [--refresh] [--json] [--stack NAME] [--cwd DIR] [--config FILE]

Show what 'phoenix up' would change, without changing anything: per container the planned operations and
the provider's notes (which keys change live or need a restart, drift, and the exact snapshots retention
will delete). With CTIDs, only those containers and what they clone from or depend on.

Options:
  --refresh      read the live state first (drift made by hand shows up)
  --json         print {changes: {create, update, replace, delete, same},
                 containers: {<ctid>: {ops: [{step, op}], messages: [...], snapshotDeletions: [...]}}}
${COMMON_OPTIONS_HELP}
  -h, --help     show this help

${ENGINE_ENV_HELP}

Exit codes:
  0  the preview ran
  1  the preview failed (invalid config, a provider error)
  2  bad arguments or an unreadable containers file
  3  a node of the stack cannot be reached (down, host key not trusted, key refused),
     no Pulumi CLI, or no nodes in stack config`;

/** One container's part of the preview. */
export interface ContainerPreview {
  ops: { step: string; op: string }[];
  messages: string[];
  snapshotDeletions: string[];
}

/** The snapshots the retention notices among `messages` say will be deleted. */
export function parseSnapshotDeletions(messages: readonly string[]): string[] {
  return messages.flatMap(parseDeletionNotice);
}

/** Groups a finished preview's steps and messages by container. */
export function buildContainerPreviews(progress: ProgressTracker): Record<string, ContainerPreview> {
  const out: Record<string, ContainerPreview> = {};
  const entry = (ctid: number) => (out[String(ctid)] ??= { ops: [], messages: [], snapshotDeletions: [] });
  // A container's component (`ct-950`) only groups its steps and never acts on a node: it is not listed.
  for (const step of progress.steps.values()) if (step.ctid !== undefined && step.name !== `ct-${step.ctid}`) entry(step.ctid).ops.push({ step: step.name, op: step.op });
  for (const [ctid, messages] of progress.messages) {
    const e = entry(ctid);
    e.messages.push(...messages);
    e.snapshotDeletions.push(...parseSnapshotDeletions(messages));
  }
  return out;
}

/** The previews of `ctids` only (all of them when undefined). */
export function selectContainers(previews: Record<string, ContainerPreview>, ctids: readonly number[] | undefined): Record<string, ContainerPreview> {
  if (ctids === undefined) return previews;
  const wanted = new Set(ctids.map(String));
  return Object.fromEntries(Object.entries(previews).filter(([ctid]) => wanted.has(ctid)));
}

/** The planned operations of the listed steps by kind, so the totals count exactly what is printed. */
export function countChanges(containers: Record<string, ContainerPreview>): Record<string, number> {
  const counts: Record<string, number> = { create: 0, update: 0, replace: 0, delete: 0, same: 0 };
  for (const c of Object.values(containers)) {
    for (const { op } of c.ops) {
      const key = op === "create-replacement" || op === "replace" ? "replace" : op === "delete-replaced" ? undefined : op;
      if (key !== undefined) counts[key] = (counts[key] ?? 0) + 1;
    }
  }
  return counts;
}

function formatText(changes: Record<string, number>, containers: Record<string, ContainerPreview>): string {
  const lines: string[] = [];
  for (const [ctid, c] of Object.entries(containers)) {
    const changed = c.ops.filter((o) => o.op !== "same");
    lines.push(`CT ${ctid}: ${changed.length === 0 ? "no changes" : changed.map((o) => `${o.op} ${o.step}`).join(", ")}`);
    for (const m of c.messages) lines.push(`  ${m}`);
  }
  const counts = ["create", "update", "replace", "delete", "same"].map((k) => `${k} ${changes[k] ?? 0}`).join(", ");
  lines.push(`Steps: ${counts}`);
  return `${lines.join("\n")}\n`;
}

/** Runs `phoenix preview`; resolves to the exit code. */
export async function runPreviewCommand(argv: string[], io: CliIo): Promise<number> {
  return runGuarded("preview", io, async () => {
    const { common, values, positionals } = parseCommand(argv, { refresh: { type: "boolean" } });
    if (common.help) {
      io.stdout(`${PREVIEW_HELP}\n`);
      return ExitCode.ok;
    }
    const ctids = parseCtids(positionals);
    const session = await openSession(common, io);
    checkKnownCtids(session.config, ctids);
    const plan = ctids.length ? planUpTargets(session.ctx.stackName, session.ctx.project, session.config.config, session.config.specs, ctids) : undefined;
    const targets = plan?.urns;
    const progress = new ProgressTracker({ printSteps: false });
    const result = await runPreview(session.stack, { targets, refresh: values.refresh === true, progress });
    if (!result.ok) {
      io.stderr(`phoenix preview: the preview failed\n${[...progress.errors.values()].flat().join("\n") || result.error}\n`);
      return exitCodeOfFailedRun(session);
    }
    // The engine reports every resource of the stack, targeted or not: show only the containers asked for (and
    // what they clone from or depend on, which a targeted up brings along).
    const containers = selectContainers(buildContainerPreviews(progress), plan?.containers);
    const changes = countChanges(containers);
    if (common.json) io.stdout(`${JSON.stringify({ changes, containers }, null, 2)}\n`);
    else io.stdout(formatText(changes, containers));
    return ExitCode.ok;
  });
}
