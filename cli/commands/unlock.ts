/**
 * `phoenix unlock`: remove the lock a killed run left on the stack (file backend). Only a stale lock goes: its
 * owner pid is gone on this host, or it is older than any run could be; the lock of a run that may still be
 * going is kept, so two runs can never write the same state at once.
 */
import * as fs from "node:fs";
import { CliIo, ExitCode } from "../io";
import { runGuarded } from "../command-runner";
import { COMMON_OPTIONS_HELP, parseCommand, UsageError } from "../options";
import { buildStackContext } from "../stack-context";
import { judgeLocks, listStackLocks } from "../stack-locks";
import { describeLockOwner, MAX_RUN_MS } from "../../core/engine-failure";

/** The help text of `phoenix unlock`. */
export const UNLOCK_HELP = `Usage: phoenix unlock [--json] [--stack NAME] [--cwd DIR]

Remove the stack's lock left by a run that no longer exists (killed, cancelled, its machine closed), so the
next run can start. A lock is removed only when its owner process is gone on this host, or when it was
taken more than ${MAX_RUN_MS / 3600_000} h ago; the lock of a run that may still be going is kept. File backends
only (the default, <project>/.phoenix/state).

Options:
  --json         print {removed: [...], kept: [...]} on stdout
${COMMON_OPTIONS_HELP}
  -h, --help     show this help

Exit codes:
  0  the stack has no lock now
  1  a lock was kept: another run holds the stack
  3  no Pulumi CLI, or the backend is not a file backend`;

/** Runs `phoenix unlock`; resolves to the exit code. */
export async function runUnlockCommand(argv: string[], io: CliIo): Promise<number> {
  return runGuarded("unlock", io, async () => {
    const { common, positionals } = parseCommand(argv);
    if (common.help) {
      io.stdout(`${UNLOCK_HELP}\n`);
      return ExitCode.ok;
    }
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const ctx = buildStackContext(common, io);
    const backend = ctx.env.PULUMI_BACKEND_URL;
    if (!backend.startsWith("file://")) {
      io.stderr(`phoenix unlock: the backend ${backend} is not a file backend; its locks are released by the backend itself (pulumi cancel)\n`);
      return ExitCode.environment;
    }
    const judged = judgeLocks(listStackLocks(backend, ctx.project, ctx.stackName));
    const removed: string[] = [];
    const kept: string[] = [];
    for (const { lock, verdict } of judged) {
      const who = describeLockOwner(lock);
      if (!verdict.stale) {
        kept.push(`another run (${who}) holds stack ${ctx.stackName}; wait for it to finish`);
        continue;
      }
      fs.rmSync(lock.file, { force: true });
      removed.push(`removed the lock of a run that no longer exists (${who}: ${verdict.why})`);
    }
    if (common.json) io.stdout(`${JSON.stringify({ stack: ctx.stackName, removed, kept }, null, 2)}\n`);
    else {
      for (const line of [...removed, ...kept]) io.stderr(`${line}\n`);
      if (judged.length === 0) io.stderr(`stack ${ctx.stackName} has no lock\n`);
    }
    return kept.length ? ExitCode.failed : ExitCode.ok;
  });
}
