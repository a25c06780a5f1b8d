/**
 * Runs a command so that a daemon it leaves behind cannot hang the caller.
 *
 * `pct exec` hands its own stdout/stderr to the command (lxc-attach). Over SSH that means a
 * command like `sh -c 'mydaemon &'` keeps the channel open until the daemon exits, and the
 * provider waits forever. The relay sits between: it copies the command's output through
 * while the command runs, and once the command has exited and its output has gone quiet it
 * hands the pipes to a detached drainer (so the daemon's later writes neither block nor
 * kill it with SIGPIPE) and exits with the command's status.
 *
 * Run as a program: `node exec-relay.js '<json {argv, env}>'`.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import { isatty } from "node:tty";
import type { Readable } from "node:stream";

/** How long output must stay silent after the command exits before the relay lets go. */
const QUIET_MS = 100;

interface RelaySpec {
  argv: string[];
  env: Record<string, string>;
}

/** Exit status as a shell reports it: the code, or 128 + signal number when killed. */
export function exitStatusOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? os.constants.signals[signal] : undefined;
  return number === undefined ? 255 : 128 + number;
}

/**
 * Runs `hostArgv` with `env`, stdin/stdout/stderr passed through, and returns its exit
 * status (128+signal when killed). On a terminal the command gets the terminal itself, as
 * lxc-attach gives it a pty; otherwise output goes through the relay described above.
 */
export function runRelayed(hostArgv: string[], env: Record<string, string>): number {
  // isatty(1), not process.stdout.isTTY: creating process.stdout would switch a shared pipe
  // to non-blocking mode under the command's feet.
  if (isatty(1)) {
    const direct = spawnSync(hostArgv[0], hostArgv.slice(1), { env, stdio: "inherit" });
    if (direct.error) throw new Error(`cannot run ${hostArgv[0]}: ${direct.error.message}`);
    return exitStatusOf(direct.status, direct.signal);
  }
  const spec: RelaySpec = { argv: hostArgv, env };
  const relayed = spawnSync(process.execPath, [__filename, JSON.stringify(spec)], { stdio: "inherit" });
  if (relayed.error) throw new Error(`cannot run the exec relay: ${relayed.error.message}`);
  return exitStatusOf(relayed.status, relayed.signal);
}

function writeAllSync(fd: number, chunk: Buffer): void {
  let offset = 0;
  while (offset < chunk.length) {
    try {
      offset += fs.writeSync(fd, chunk, offset);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // The caller may share a non-blocking pipe; wait for room. A caller that went away
      // (EPIPE) no longer wants the output.
      if (code === "EAGAIN") Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      else return;
    }
  }
}

function relayMain(spec: RelaySpec): void {
  const child = spawn(spec.argv[0], spec.argv.slice(1), { env: spec.env, stdio: ["inherit", "pipe", "pipe"] });
  const streams: Array<[Readable, number]> = [
    [child.stdout, 1],
    [child.stderr, 2],
  ];
  const ended = new Set<number>();
  let lastOutput = Date.now();
  let status: number | undefined;

  const finish = (): void => {
    if (status === undefined) return;
    if (ended.size === streams.length) process.exit(status);
    // Quiet since both the exit and the last output: EOFs already in flight have arrived.
    if (Date.now() - lastOutput < QUIET_MS) return;
    // Still open after the command exited: something it started holds them.
    const pipeOrIgnore = (fd: number): Readable | "ignore" =>
      ended.has(fd) ? "ignore" : (streams[fd - 1][0] as Readable);
    const drainer = spawn("sh", ["-c", "cat >/dev/null <&3 & cat >/dev/null; wait"], {
      stdio: [pipeOrIgnore(1), "ignore", "ignore", pipeOrIgnore(2)],
      detached: true,
    });
    drainer.unref();
    process.exit(status);
  };

  for (const [stream, fd] of streams) {
    stream.on("data", (chunk: Buffer) => {
      lastOutput = Date.now();
      writeAllSync(fd, chunk);
    });
    stream.on("end", () => {
      ended.add(fd);
      finish();
    });
  }
  child.on("error", (err) => {
    writeAllSync(2, Buffer.from(`exec failed: ${spec.argv[0]}: ${err.message}\n`));
    process.exit(255);
  });
  child.on("exit", (code, signal) => {
    status = exitStatusOf(code, signal);
    lastOutput = Math.max(lastOutput, Date.now());
    finish();
    setInterval(finish, 20);
  });
}

if (require.main === module) {
  relayMain(JSON.parse(process.argv[2]) as RelaySpec);
}
