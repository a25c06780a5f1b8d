/**
 * Process and port plumbing for the launcher: free ports, waiting for an sshd banner, and killing a process tree
 * found through /proc so that no per-connection sshd child or remote command outlives `stop()`.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { connect, createServer } from "node:net";

/** A port the kernel considers free on `host` right now (a race remains, which the caller retries). */
export function runFindFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something on host:port sends an SSH identification line; rejects after `timeoutMs`. */
export async function runWaitForSshBanner(host: string, port: number, timeoutMs: number, stillRunning: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!stillRunning()) throw new Error("sshd exited before accepting connections");
    if (await probeBanner(host, port)) return;
    if (Date.now() > deadline) throw new Error(`sshd did not accept connections on ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function probeBanner(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once("error", () => done(false));
    sock.once("data", (d) => done(d.toString("latin1").startsWith("SSH-")));
  });
}

/** `ppid` and state of a process from /proc, or undefined when it does not exist. */
function readStat(pid: number): { ppid: number; state: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // The command name is in parentheses and may contain spaces: parse after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: rest[0]!, ppid: Number(rest[1]) };
  } catch {
    return undefined;
  }
}

/** True while the process exists and is not a zombie. */
export function checkAlive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== "Z" && stat.state !== "X";
}

/** The command line of a process (arguments joined by spaces), or "" when it is gone. */
export function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "latin1").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

/** Every descendant of `pid` (children, grandchildren, …), found by scanning /proc. */
export function listDescendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(entry));
    children.set(stat.ppid, list);
  }
  const out: number[] = [];
  const todo = [pid];
  while (todo.length > 0) {
    for (const child of children.get(todo.pop()!) ?? []) {
      out.push(child);
      todo.push(child);
    }
  }
  return out;
}

/** Sends a signal, ignoring processes that are already gone. */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/**
 * Kills a process and all its descendants: SIGTERM, then SIGKILL after `graceMs`; resolves once none is alive.
 * Descendants are collected first because sshd's per-connection children survive the listener's death.
 */
export async function runKillTree(pid: number, graceMs = 2000): Promise<void> {
  const all = [pid, ...listDescendants(pid)];
  for (const p of all) signal(p, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (all.some(checkAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  for (const p of all.filter(checkAlive)) signal(p, "SIGKILL");
  const hard = Date.now() + 5000;
  while (all.some(checkAlive)) {
    if (Date.now() > hard) throw new Error(`processes ${all.filter(checkAlive).join(", ")} survived SIGKILL`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Kills (SIGKILL) every process that belongs to a simulation root: its command line names a path under `root`
 * (the container runtimes' init and relay processes, detached from sshd), its environment carries
 * `PHOENIX_SIM_ROOT=<root>` (detached helpers such as a transient lock's remover), or its root directory or working
 * directory lies under `root` (processes running inside a container's chroot). Used when a cluster stops, so no
 * container process outlives it.
 * @returns the pids killed
 */
export function runKillProcessesUnder(root: string): number[] {
  const prefix = root.endsWith("/") ? root : `${root}/`;
  const killed: number[] = [];
  // Never this process or its ancestors, whatever their environment says.
  const mine = new Set<number>();
  for (let p = process.pid; p > 1 && !mine.has(p); p = readStat(p)?.ppid ?? 1) mine.add(p);
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || mine.has(pid)) continue;
    let belongs = false;
    try {
      belongs = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").some((arg) => arg.startsWith(prefix) || arg.includes(`=${prefix}`))
        || readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`PHOENIX_SIM_ROOT=${prefix.slice(0, -1)}`);
      for (const link of ["root", "cwd"]) {
        if (!belongs) belongs = `${readlinkSync(`/proc/${pid}/${link}`)}/`.startsWith(prefix);
      }
    } catch {
      continue; // exited meanwhile, or not ours to inspect
    }
    if (!belongs) continue;
    try {
      process.kill(pid, "SIGKILL");
      killed.push(pid);
    } catch {
      // already gone
    }
  }
  return killed;
}
