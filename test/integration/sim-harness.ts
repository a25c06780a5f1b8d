/**
 * Test harness for the simulated PVE node: a temporary cluster dir with a busybox template, and a runner
 * for the real testbed/bin executables (no SSH involved).
 */
import { runKillProcessesUnder } from "../../testbed/launcher/processes";
import { initSimNode } from "../../testbed/sim/node-init";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";

const BIN = path.resolve(__dirname, "../../../testbed/bin");

/** What one tool invocation produced. */
export interface RunResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One temporary simulated cluster. */
export interface Sim {
  root: string;
  node: string;
  /** Runs testbed/bin/<tool> with args; `env` adds variables. */
  run(tool: "pct" | "pvesh" | "pvesm", args: string[], env?: Record<string, string>): RunResult;
  /** Runs pct and fails the test unless it exits 0. */
  pct(...args: string[]): string;
  /** Raw config file text. */
  confText(vmid: number): string;
  confFile(vmid: number): string;
  nodeDir(): string;
  /** Creates a stopped busybox CT on local-lvm. */
  createCt(vmid: number, ...extra: string[]): RunResult;
  /** Parsed command.log lines. */
  commandLog(): Array<{ ts: number; node: string; argv: string[]; exit: number | null; ms: number }>;
  cleanup(): void;
}

/** Builds `<dir>/bb.tar.gz`: a tiny busybox rootfs (sh, cat, echo, test, ls, mkdir). */
function buildTemplate(cacheDir: string): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sim-rootfs-"));
  fs.mkdirSync(path.join(tmp, "bin"));
  fs.mkdirSync(path.join(tmp, "tmp"));
  fs.mkdirSync(path.join(tmp, "etc"));
  fs.writeFileSync(path.join(tmp, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nwww:x:33:33::/:/bin/sh\n");
  fs.writeFileSync(path.join(tmp, "etc/group"), "root:x:0:\nwww:x:33:\n");
  fs.copyFileSync("/bin/busybox", path.join(tmp, "bin/busybox"));
  fs.chmodSync(path.join(tmp, "bin/busybox"), 0o755);
  for (const c of ["sh", "cat", "echo", "test", "ls", "mkdir", "stat"]) fs.symlinkSync("busybox", path.join(tmp, "bin", c));
  fs.mkdirSync(cacheDir, { recursive: true });
  spawnSync("tar", ["-czf", path.join(cacheDir, "bb.tar.gz"), "-C", tmp, "."]);
  fs.rmSync(tmp, { recursive: true, force: true });
}

/** Creates a fresh simulated cluster with node `pve`. */
export function makeSim(node = "pve"): Sim {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-sim-"));
  initSimNode(root, node);
  buildTemplate(path.join(root, "nodes", node, "template/cache"));
  const sim: Sim = {
    root,
    node,
    run(tool, args, env = {}) {
      const r = spawnSync(path.join(BIN, tool), args, {
        encoding: "utf8",
        env: { ...process.env, PHOENIX_SIM_ROOT: root, PHOENIX_SIM_NODE: node, TZ: "UTC", ...env },
      });
      return { stdout: r.stdout, stderr: r.stderr, code: r.status, signal: r.signal };
    },
    pct(...args) {
      const r = sim.run("pct", args);
      if (r.code !== 0) throw new Error(`pct ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
      return r.stdout;
    },
    confFile: (vmid) => path.join(root, "etc/pve/nodes", node, "lxc", `${vmid}.conf`),
    confText: (vmid) => fs.readFileSync(sim.confFile(vmid), "utf8"),
    nodeDir: () => path.join(root, "nodes", node),
    createCt(vmid, ...extra) {
      return sim.run("pct", ["create", String(vmid), "local:vztmpl/bb.tar.gz", "--rootfs", "local-lvm:1", "--ostype", "unmanaged", ...extra]);
    },
    commandLog() {
      const file = path.join(root, "nodes", node, "command.log");
      if (!fs.existsSync(file)) return [];
      return fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    },
    cleanup() {
      // Containers started by the tests run detached (as on a real node): end them before removing their root.
      runKillProcessesUnder(root);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  return sim;
}

/** Reads a real captured pct output fixture. */
export function fixture(name: string): string {
  return fs.readFileSync(path.join(process.env.PHOENIX_PCT_FIXTURES ?? path.resolve(__dirname, "..", "..", "..", "test", "fixtures", "pct-real"), name), "utf8");
}
