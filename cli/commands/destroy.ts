/**
 * `phoenix destroy <ctid…>`: destroys exactly the named containers (their component and every step resource, as
 * recorded in the stack's state) with a targeted engine destroy. A container another one clones from or depends
 * on is refused with the command that destroys them together: the state records that dependency, and the engine
 * refuses to destroy a resource while one that depends on it stays (so a `--force` could never work).
 */
import { CliIo, ExitCode } from "../io";
import { checkKnownCtids, exitCodeOfFailedRun, openSession, runGuarded } from "../command-runner";
import { formatFailures, readStateUrns, runDestroy } from "../engine";
import { COMMON_OPTIONS_HELP, ENGINE_ENV_HELP, parseCommand, parseCtids, UsageError } from "../options";
import { ProgressTracker } from "../progress";
import { findBlockingDependents, selectContainerUrns } from "../targets";

/** The help text of `phoenix destroy`. */
export const DESTROY_HELP = `Usage: phoenix destroy <ctid…> [--json] [--stack NAME] [--cwd DIR] [--config FILE]

Destroy exactly the named containers (stop, destroy with purge) and remove them from the stack's state.
Nothing else is touched. Refused when another container of the containers file clones from or depends on
one of them: name those too (the refusal prints the command).

The containers file still lists them: the next 'phoenix up' (or 'pulumi up') creates them again. Remove
them from the file to keep them gone.

Options:
  --json         print {ok, destroyed: [ctid…], changes} on stdout
${COMMON_OPTIONS_HELP}
  -h, --help     show this help

${ENGINE_ENV_HELP}

Exit codes:
  0  destroyed (or not in the stack's state: nothing to do)
  1  the destroy failed, or dependants exist (their CTIDs are named)
  2  bad arguments, no CTID given, or a CTID the containers file does not have
  3  a node of the stack cannot be reached (down, host key not trusted, key refused),
     no Pulumi CLI, or no nodes in stack config`;

/** Runs `phoenix destroy`; resolves to the exit code. */
export async function runDestroyCommand(argv: string[], io: CliIo): Promise<number> {
  return runGuarded("destroy", io, async () => {
    // `--force` is recognised only to say why it is gone, instead of the argument parser's generic text.
    const { common, values, positionals } = parseCommand(argv, { force: { type: "boolean" } });
    if (values.force) throw new UsageError("there is no --force: the state records which containers clone from or depend on which, and a container cannot be destroyed while those stay; name them too (without --force, the refusal prints the command)");
    if (common.help) {
      io.stdout(`${DESTROY_HELP}\n`);
      return ExitCode.ok;
    }
    const ctids = parseCtids(positionals);
    if (ctids.length === 0) throw new UsageError("name the containers to destroy, e.g. phoenix destroy 950");
    const session = await openSession(common, io);
    checkKnownCtids(session.config, ctids);
    const blocking = findBlockingDependents(session.config.config, ctids);
    if (blocking.size) {
      for (const [ctid, needing] of blocking) io.stderr(`phoenix destroy: CT ${ctid} is needed by CT ${needing.join(", ")} (clone source or dependency)\n`);
      const together = [...new Set([...ctids, ...[...blocking.values()].flat()])];
      io.stderr(`Destroy them together: phoenix destroy ${together.join(" ")}\n`);
      return ExitCode.failed;
    }
    const urns = selectContainerUrns(await readStateUrns(session.stack), ctids);
    if (urns.length === 0) {
      if (common.json) io.stdout(`${JSON.stringify({ ok: true, destroyed: [], changes: {} }, null, 2)}\n`);
      else io.stderr(`CT ${ctids.join(", ")}: not in the state of stack '${session.ctx.stackName}', nothing to destroy\n`);
      return ExitCode.ok;
    }
    const progress = new ProgressTracker({ write: io.stderr, live: io.isTty });
    const result = await runDestroy(session.stack, { targets: urns, progress });
    if (common.json) io.stdout(`${JSON.stringify({ ok: result.ok, destroyed: result.ok ? ctids : [], changes: result.changes }, null, 2)}\n`);
    if (!result.ok) {
      io.stderr(`phoenix destroy: the destroy failed\n${formatFailures(progress, result.error)}`);
      return exitCodeOfFailedRun(session);
    }
    if (!common.json) io.stderr(`Destroyed CT ${ctids.join(", ")}. The containers file still lists ${ctids.length === 1 ? "it" : "them"}: the next up creates ${ctids.length === 1 ? "it" : "them"} again.\n`);
    return ExitCode.ok;
  });
}
