/**
 * `phoenix up|create [ctid…]`: converge the fleet, or only the named containers together with what they clone
 * from or depend on (a targeted up: the program always declares the whole fleet, so nothing else is deleted).
 */
import { CliIo, ExitCode } from "../io";
import { checkKnownCtids, exitCodeOfFailedRun, openSession, runGuarded } from "../command-runner";
import { formatFailures, runUp } from "../engine";
import { COMMON_OPTIONS_HELP, ENGINE_ENV_HELP, parseCommand, parseCtids } from "../options";
import { formatElapsed, ProgressTracker } from "../progress";
import { planUpTargets } from "../targets";

/** The help text of `phoenix up` (alias `create`). */
export const UP_HELP = `Usage: phoenix up|create [ctid…] [--refresh] [--json] [--stack NAME] [--cwd DIR] [--config FILE]

Converge the containers of the containers file with the Pulumi engine: create or clone, configure, start,
features, application script, health checks, final snapshot, retention. With CTIDs, only those containers
and what they clone from or depend on; the others are left exactly as they are.

Progress: one line per step as it finishes with its time (✓ done, ✗ failed); on a terminal (and CI not
"true") the steps in flight are shown live.

Options:
  --refresh      read the live state first, so drift made by hand is converged too
  --json         print a summary {ok, changes, steps: [{step, ctid, op, ok, seconds}], failed: [{step, errors}]}
                 on stdout (progress still goes to stderr)
${COMMON_OPTIONS_HELP}
  -h, --help     show this help

${ENGINE_ENV_HELP}

Exit codes:
  0  converged
  1  the up failed: the engine's error is printed for each failed resource
  2  bad arguments or an unreadable containers file
  3  a node of the stack cannot be reached (down, host key not trusted, key refused),
     no Pulumi CLI, or no nodes in stack config`;

/** Runs `phoenix up`/`phoenix create`; resolves to the exit code. */
export async function runUpCommand(argv: string[], io: CliIo, name = "up"): Promise<number> {
  return runGuarded(name, io, async () => {
    const { common, values, positionals } = parseCommand(argv, { refresh: { type: "boolean" } });
    if (common.help) {
      io.stdout(`${UP_HELP}\n`);
      return ExitCode.ok;
    }
    const ctids = parseCtids(positionals);
    const session = await openSession(common, io);
    checkKnownCtids(session.config, ctids);
    const plan = ctids.length ? planUpTargets(session.ctx.stackName, session.ctx.project, session.config.config, session.config.specs, ctids) : undefined;
    if (plan && !common.json) io.stderr(`Converging CT ${plan.containers.join(", ")}\n`);
    const progress = new ProgressTracker({ write: io.stderr, live: io.isTty });
    const startedMs = Date.now();
    const result = await runUp(session.stack, { targets: plan?.urns, refresh: values.refresh === true, progress });
    const steps = [...progress.steps.values()].map((s) => ({ step: s.name, ctid: s.ctid, op: s.op, ok: s.ok ?? false, seconds: s.endedMs === undefined ? undefined : Math.round(s.endedMs - s.startedMs) / 1000 }));
    const failed = [...progress.steps.values()].filter((s) => s.ok === false).map((s) => ({ step: s.name, errors: progress.errors.get(s.urn) ?? [] }));
    if (common.json) io.stdout(`${JSON.stringify({ ok: result.ok, changes: result.changes, steps, failed, ...(result.ok ? {} : { error: lastLines(result.error) }) }, null, 2)}\n`);
    if (!result.ok) {
      io.stderr(`phoenix ${name}: the up failed\n${formatFailures(progress, result.error)}`);
      return exitCodeOfFailedRun(session);
    }
    if (!common.json) {
      const c = result.changes;
      io.stderr(`Done in ${formatElapsed(Date.now() - startedMs)}: ${c.create} created, ${c.update} updated, ${c.replace} replaced, ${c.delete} deleted, ${c.same} unchanged\n`);
    }
    return ExitCode.ok;
  });
}

function lastLines(text: string | undefined): string | undefined {
  return text?.trim().split("\n").slice(-20).join("\n");
}
