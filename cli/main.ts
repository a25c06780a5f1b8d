/**
 * `phoenix` — the command line on top of the stack: every command is a module under cli/commands/ loaded
 * only when used, so `phoenix --help` and `phoenix validate` start fast and need no Pulumi engine.
 */
import { BUG_HINT, PhoenixError } from "../core/errors";
import { CliIo, EXIT_CODE_OF, ExitCode, exitCodeOf, processIo } from "./io";

/** One subcommand. */
interface CommandEntry {
  /** One line for the command list. */
  summary: string;
  /** Loads and runs the command; resolves to the exit code. */
  run: (args: string[], io: CliIo) => Promise<number>;
}

const COMMANDS: Record<string, CommandEntry> = {
  validate: {
    summary: "check a phoenix_lxc_configs.json without touching any host",
    run: (args, io) => require("./commands/validate").runValidate(args, io),
  },
  retention: {
    summary: "show what a snapshot_retention policy keeps and deletes (retention plan)",
    run: (args, io) => require("./commands/retention").runRetention(args, io),
  },
  preview: {
    summary: "show what an up would change, per container, snapshot deletions included",
    run: (args, io) => require("./commands/preview").runPreviewCommand(args, io),
  },
  up: {
    summary: "converge all containers, or the named ones with what they depend on (alias: create)",
    run: (args, io) => require("./commands/up").runUpCommand(args, io, "up"),
  },
  create: {
    summary: "same as up",
    run: (args, io) => require("./commands/up").runUpCommand(args, io, "create"),
  },
  destroy: {
    summary: "destroy exactly the named containers",
    run: (args, io) => require("./commands/destroy").runDestroyCommand(args, io),
  },
  status: {
    summary: "node, live state and last snapshot of each container",
    run: (args, io) => require("./commands/status").runStatusCommand(args, io),
  },
  start: {
    summary: "start containers (pct start); the desired state is unchanged",
    run: (args, io) => require("./commands/power").runPowerCommand("start", args, io),
  },
  stop: {
    summary: "shut containers down (pct shutdown); up --refresh starts them again unless \"started\": false",
    run: (args, io) => require("./commands/power").runPowerCommand("stop", args, io),
  },
  restart: {
    summary: "reboot containers (pct reboot)",
    run: (args, io) => require("./commands/power").runPowerCommand("restart", args, io),
  },
  snapshots: {
    summary: "a container's live snapshots with their retention verdicts",
    run: (args, io) => require("./commands/snapshots").runSnapshotsCommand(args, io),
  },
  test: {
    summary: "run a container's test suites inside it",
    run: (args, io) => require("./commands/test").runTestCommand(args, io),
  },
  unlock: {
    summary: "remove the stack lock a killed run left behind (never a running run's lock)",
    run: (args, io) => require("./commands/unlock").runUnlockCommand(args, io),
  },
  sim: {
    summary: "start or stop simulated Proxmox VE nodes behind real sshd (sim start|stop)",
    run: (args, io) => require("./commands/sim").runSim(args, io),
  },
};

/** The top-level help text. */
export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    "Usage: phoenix <command> [options]",
    "",
    "Converge Proxmox VE LXC containers described in phoenix_lxc_configs.json, over SSH, with Pulumi.",
    "",
    "Commands:",
    ...lines,
    "",
    "Run 'phoenix <command> --help' for the options of a command.",
    "",
    "Exit codes: 0 success; 1 the operation failed; 2 usage error or unreadable input;",
    "            3 environment not ready (no Pulumi CLI, no sshd, a node down, its host key not trusted or our key refused).",
    "",
  ].join("\n");
}

/** Entry point of the `phoenix` bin; resolves to the process exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? io.stderr : io.stdout)(mainHelp());
    return name === undefined ? EXIT_CODE_OF.usage : ExitCode.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`phoenix: unknown command '${name}'\n\n${mainHelp()}`);
    return EXIT_CODE_OF.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    // Commands print their own coded errors (cli/command-runner); what arrives here is printed once, and an
    // uncoded one is a bug whose message has no next step of its own.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`phoenix ${name}: ${message}\n${error instanceof PhoenixError ? "" : `  next step: ${BUG_HINT}\n`}`);
    return exitCodeOf(error);
  }
}
