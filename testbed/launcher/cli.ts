/**
 * `node dist/testbed/launcher/cli.js start --nodes pve1,pve2 --root DIR [--latency realistic] [--extra-path DIR]`
 * starts daemonized sshds (they outlive this process) and prints the path of nodes.json;
 * `... stop --root DIR` kills the recorded sshds and everything they started.
 */
import { startSimCluster, stopSimCluster } from "./sim-cluster";

const USAGE = "usage: cli.js start --nodes pve1,pve2 --root DIR [--latency realistic|none] [--extra-path DIR]\n       cli.js stop --root DIR";

/** Parses `--flag value` pairs; unknown flags and missing values are errors (a typo must not start a default cluster). */
export function parseCliArgs(args: readonly string[], allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i]!;
    const value = args[i + 1];
    if (!flag.startsWith("--") || !allowed.includes(flag.slice(2))) throw new Error(`unknown argument '${flag}'\n${USAGE}`);
    if (value === undefined || value.startsWith("--")) throw new Error(`${flag} needs a value\n${USAGE}`);
    out[flag.slice(2)] = value;
  }
  return out;
}

/** Runs the CLI; returns the process exit code. */
export async function runLauncherCli(argv: readonly string[], print: (line: string) => void = console.log): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "start") {
    const args = parseCliArgs(rest, ["nodes", "root", "latency", "extra-path"]);
    if (!args["nodes"] || !args["root"]) throw new Error(`start needs --nodes and --root\n${USAGE}`);
    const latency = args["latency"] ?? "none";
    if (latency !== "realistic" && latency !== "none") throw new Error(`--latency must be realistic or none\n${USAGE}`);
    const cluster = await startSimCluster({
      nodes: args["nodes"].split(",").filter((n) => n !== ""),
      root: args["root"],
      latency,
      extraPath: args["extra-path"],
      detached: true,
    });
    print(`${cluster.root}/nodes.json`);
    return 0;
  }
  if (command === "stop") {
    const args = parseCliArgs(rest, ["root"]);
    if (!args["root"]) throw new Error(`stop needs --root\n${USAGE}`);
    const stopped = await stopSimCluster(args["root"]);
    print(stopped.length === 0 ? "no simulated node was running" : `stopped ${stopped.join(", ")}`);
    return 0;
  }
  throw new Error(USAGE);
}

if (require.main === module) {
  runLauncherCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
