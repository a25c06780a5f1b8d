/**
 * Entry point of the simulated `pct` (testbed/bin/pct): resolves the sub-command (unique prefixes allowed),
 * parses arguments, fires injected faults, runs the command and logs the invocation.
 */
import { CmdDef, parseArgs, usageLine } from "./cli-args";
import { Param400 } from "./sim-errors";
import { err, out, readSimEnv } from "./sim-env";
import { takeFault } from "./faults";
import { Ctx, applyFaultAtStart, failDirect, finish } from "./sim-context";
import { READ_COMMANDS } from "./pct-read";
import { SET_COMMANDS } from "./pct-set";
import { CREATE_COMMANDS } from "./pct-create";
import { POWER_COMMANDS } from "./pct-power";
import { SNAPSHOT_COMMANDS } from "./pct-snapshot";
import { MISC_COMMANDS } from "./pct-misc";
import { PctCommand } from "./pct-command";
import { TASK_TYPES, registerTask } from "./tasks";

const COMMANDS: PctCommand[] = [...READ_COMMANDS, ...SET_COMMANDS, ...CREATE_COMMANDS, ...POWER_COMMANDS, ...SNAPSHOT_COMMANDS, ...MISC_COMMANDS];
const HELP: CmdDef = { name: "help", positionals: [], extraArgs: true, options: { verbose: "bool" } };

function usageAll(): string {
  const defs = [...COMMANDS.map((c) => c.def), HELP].sort((a, b) => (a.name < b.name ? -1 : 1));
  // CLIHandler print_usage_short layout (inferred): one short usage line per command, sorted.
  return `USAGE: pct <COMMAND> [ARGS] [OPTIONS]\n${defs.map((d) => `       ${usageLine("pct", d)}\n`).join("")}`;
}

function main(): void {
  const env = readSimEnv();
  const args = process.argv.slice(2);
  const ctx: Ctx = { env, argv: ["pct", ...args], startedMs: Date.now() };
  if (!args.length) {
    err(`ERROR: no command specified\n${usageAll()}`);
    finish(ctx, 255);
  }
  const name = args[0];
  if (name === "help") {
    out(usageAll());
    finish(ctx, 0);
  }
  const exact = COMMANDS.find((c) => c.def.name === name);
  const prefixed = COMMANDS.filter((c) => c.def.name.startsWith(name));
  const cmd = exact ?? (prefixed.length === 1 ? prefixed[0] : undefined);
  if (!cmd) {
    err(`ERROR: unknown command 'pct ${name}'\n${usageAll()}`);
    finish(ctx, 255);
  }
  try {
    const parsed = parseArgs(cmd.def, args.slice(1));
    const vmid = /^[1-9]\d{2,8}$/.test(parsed.pos[0] ?? "") ? Number(parsed.pos[0]) : undefined;
    if (TASK_TYPES[cmd.def.name]) registerTask(env, TASK_TYPES[cmd.def.name]!, vmid);
    ctx.fault = takeFault(env, cmd.def.name, vmid);
    applyFaultAtStart(ctx, vmid, cmd.midpoint);
    finish(ctx, cmd.run(ctx, parsed));
  } catch (e) {
    if (e instanceof Param400) e.usage = usageLine("pct", cmd.def);
    failDirect(ctx, e);
  }
}

main();
