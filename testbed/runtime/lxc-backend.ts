/**
 * Experimental runtime on real LXC (Debian's `lxc` package), selected with
 * PHOENIX_SIM_RUNTIME=lxc. Closer to Proxmox (lxc-attach, cgroups, autodev) but needs root
 * and a kernel that lets LXC set up its namespaces and cgroups.
 *
 * The container runs `lxc-execute` rather than `lxc-start`: neither the busybox template
 * nor a debootstrap minbase has an init that stays up, and lxc-execute supplies LXC's own
 * reaping init (init.lxc.static) in front of a sleeping shell loop.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { applyStartFiles } from "./ct-setup";
import {
  clearRunState,
  containerPids,
  killAll,
  pidNamespaceOf,
  pinPidNamespace,
  processStartTime,
  readRunState,
  realpathOr,
  stateDir,
  waitUntil,
  writeRunState,
  type RuntimeCt,
} from "./state";

const LXC_TIMEOUT_MS = 30_000;

/** LXC container name: unique per simulated node, as several nodes share one host. */
export function lxcName(ct: RuntimeCt): string {
  return `phx-${ct.node}-${ct.vmid}`;
}

/** The minimal LXC config: the rootfs directory, the hostname, no network. */
export function buildLxcConfig(ct: RuntimeCt): string {
  return [
    `lxc.uts.name = ${ct.hostname}`,
    `lxc.rootfs.path = dir:${realpathOr(ct.rootfs)}`,
    // No network namespace wiring: containers in the testbed never talk to each other.
    "lxc.net.0.type = empty",
    "lxc.mount.auto = proc:mixed sys:ro",
    "lxc.autodev = 1",
    // apt and dpkg want a devpts; LXC mounts one only when ptys are allowed.
    "lxc.pty.max = 16",
    "lxc.tty.max = 0",
    "lxc.apparmor.profile = unconfined",
    "",
  ].join("\n");
}

function runLxc(args: string[]): { status: number; output: string } {
  // Output to a file, not a pipe: a daemonizing lxc tool could keep a pipe open forever.
  const out = path.join(fs.mkdtempSync(path.join(fs.realpathSync("/tmp"), "phx-lxc-")), "out");
  const fd = fs.openSync(out, "w");
  try {
    const result = spawnSync(args[0], args.slice(1), { stdio: ["ignore", fd, fd], timeout: LXC_TIMEOUT_MS });
    if (result.error) throw new Error(`${args[0]}: ${result.error.message} (is the lxc package installed?)`);
    return { status: result.status ?? 255, output: fs.readFileSync(out, "utf8").trim() };
  } finally {
    fs.closeSync(fd);
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}

function lxcArgs(tool: string, ct: RuntimeCt, ...rest: string[]): string[] {
  return [tool, "-n", lxcName(ct), "-P", stateDir(ct), ...rest];
}

function lxcInitPid(ct: RuntimeCt): number | undefined {
  const info = runLxc(lxcArgs("lxc-info", ct, "-p", "-H"));
  const pid = Number(info.output);
  return info.status === 0 && Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Asks LXC whether the container is RUNNING. */
export function isLxcRunning(ct: RuntimeCt): boolean {
  const info = runLxc(lxcArgs("lxc-info", ct, "-s", "-H"));
  return info.status === 0 && info.output === "RUNNING";
}

/** Starts the container with lxc-execute in daemon mode and records its init. */
export function startLxc(ct: RuntimeCt): void {
  const dir = stateDir(ct);
  fs.mkdirSync(dir, { recursive: true });
  applyStartFiles(ct);
  const conf = path.join(dir, "lxc.conf");
  const log = path.join(dir, "lxc.log");
  fs.writeFileSync(conf, buildLxcConfig(ct));
  const started = runLxc(lxcArgs("lxc-execute", ct, "-f", conf, "-d", "-o", log, "-l", "WARN", "--",
    "/bin/sh", "-c", "while :; do sleep 3600; done"));
  const initPid = started.status === 0 ? lxcInitPid(ct) : undefined;
  if (initPid === undefined) {
    let tail = started.output;
    try {
      tail = `${tail}\n${fs.readFileSync(log, "utf8").trim().split("\n").slice(-10).join("\n")}`.trim();
    } catch {
      // No log written.
    }
    throw new Error(`CT ${ct.vmid} failed to start (lxc-execute exit ${started.status}): ${tail}`);
  }
  writeRunState(ct, {
    backend: "lxc",
    rootfs: realpathOr(ct.rootfs),
    initPid,
    initStart: processStartTime(initPid) ?? 0,
    pidNs: pidNamespaceOf(initPid) ?? "",
  });
}

/** lxc-stop -k (SIGKILL, like `pct stop`), then sweeps any survivor. Safe when stopped. */
export function stopLxc(ct: RuntimeCt): void {
  const state = readRunState(ct);
  const pinned = pinPidNamespace(state);
  try {
    if (isLxcRunning(ct)) {
      const stopped = runLxc(lxcArgs("lxc-stop", ct, "-k"));
      if (stopped.status !== 0 && isLxcRunning(ct)) {
        throw new Error(`CT ${ct.vmid}: lxc-stop -k failed: ${stopped.output}`);
      }
    }
    const rootfs = state?.rootfs ?? ct.rootfs;
    waitUntil(() => {
      const left = containerPids(pinned.pidNs, rootfs);
      killAll(left);
      return left.length === 0;
    }, 10_000);
  } finally {
    pinned.release();
  }
  clearRunState(ct);
}

/** The host command line that runs `argv` inside the running container via lxc-attach. */
export function buildLxcExecArgv(ct: RuntimeCt, argv: string[], env: Record<string, string>): string[] {
  const vars = Object.entries(env).flatMap(([k, v]) => ["--set-var", `${k}=${v}`]);
  return lxcArgs("lxc-attach", ct, "--clear-env", ...vars, "--", ...argv);
}
