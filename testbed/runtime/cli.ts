/**
 * A tiny command line over the runtime, for debugging and for tests that need a separate
 * process (exec's stdio pass-through can only be observed from outside):
 *
 *   node dist/testbed/runtime/cli.js '<RuntimeCt as JSON>' start|stop|status
 *   node dist/testbed/runtime/cli.js '<RuntimeCt as JSON>' exec -- <command> [args...]
 *   node dist/testbed/runtime/cli.js '<RuntimeCt as JSON>' push <src> <dest> [--perms P] [--user U] [--group G]
 *
 * exec exits with the command's status; `status` prints running|stopped; errors go to
 * stderr with exit 1.
 */
import { execInCt, isCtRunning, pushToCt, startCt, stopCt, type PushOptions, type RuntimeCt } from "./index";

/** Parses `--perms/--user/--group` pairs of the push sub-command. */
export function parsePushFlags(args: string[]): PushOptions {
  const opts: PushOptions = {};
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) throw new Error(`missing value for ${flag}`);
    if (flag === "--perms") opts.perms = value;
    else if (flag === "--user") opts.user = value;
    else if (flag === "--group") opts.group = value;
    else throw new Error(`unknown option ${flag}`);
  }
  return opts;
}

function main(argv: string[]): number {
  const [ctJson, command, ...rest] = argv;
  if (!ctJson || !command) throw new Error("usage: cli.js '<ct json>' start|stop|status|exec -- cmd...|push src dest");
  const ct = JSON.parse(ctJson) as RuntimeCt;
  switch (command) {
    case "start":
      startCt(ct);
      return 0;
    case "stop":
      stopCt(ct);
      return 0;
    case "status":
      process.stdout.write(isCtRunning(ct) ? "running\n" : "stopped\n");
      return 0;
    case "exec":
      return execInCt(ct, rest[0] === "--" ? rest.slice(1) : rest);
    case "push":
      pushToCt(ct, rest[0], rest[1], parsePushFlags(rest.slice(2)));
      return 0;
    default:
      throw new Error(`unknown command ${command}`);
  }
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
