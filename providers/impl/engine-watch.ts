/**
 * The provider process ends when its engine is gone. The engine normally stops it (SIGINT at the end of the
 * operation), but an engine that was killed (`kill -9`, a cancelled CI job, a closed laptop) never does: the
 * plugin is started through a `/bin/sh` shim that does not `exec`, so this process keeps a live parent, and it
 * would keep running the operations it had, holding its SSH connections to the nodes. The engine's gRPC address
 * is this process's argument; when a connection to it is refused, nobody can ever call this process again.
 */
import * as net from "node:net";

/** How often the engine's address is probed: a refused local connect costs well under a millisecond. */
const PROBE_INTERVAL_MS = 2_000;

let started = false;

/** The engine's `host:port` among the plugin's arguments (flags such as `--logtostderr` come before it). */
export function engineAddressOf(argv: readonly string[]): { host: string; port: number } | undefined {
  for (const arg of argv) {
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(arg);
    if (m) return { host: m[1]!.replace(/^\[|\]$/g, ""), port: Number(m[2]) };
  }
  return undefined;
}

/** Starts probing (once per process); exits the process when the engine no longer accepts connections. */
export function watchEngine(argv: readonly string[] = process.argv.slice(2), intervalMs = PROBE_INTERVAL_MS): void {
  if (started) return;
  const address = engineAddressOf(argv);
  if (!address) return;
  started = true;
  const timer = setInterval(() => {
    const socket = net.connect(address.port, address.host);
    socket.setTimeout(intervalMs);
    socket.once("connect", () => socket.destroy());
    socket.once("timeout", () => socket.destroy());
    socket.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "ECONNREFUSED") return;
      console.error(`[phoenix] the Pulumi engine at ${address.host}:${address.port} is gone; provider process ${process.pid} exits`);
      process.exit(1);
    });
  }, intervalMs);
  // The probe alone must not keep an otherwise finished process alive.
  timer.unref();
}
