// The runtime contract the simulator relies on, run against both backends with the busybox
// template: start/stop/isRunning, exec status and pass-through, and no trace on the host.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execInCt, isCtRunning, startCt, stopCt, type RuntimeCt } from "../../testbed/runtime";
import { ensureTemplate, extractTemplate } from "../../testbed/templates";

const CLI = path.resolve(__dirname, "../../testbed/runtime/cli.js");
const hasLxc = spawnSync("sh", ["-c", "command -v lxc-execute"]).status === 0;

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the runtime CLI in its own process with piped stdio, as sshd would run pct. */
function runCli(ct: RuntimeCt, args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, JSON.stringify(ct), ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    // "close", not "exit": the caller is only free once every holder of the pipes is gone.
    child.on("close", (status) => resolve({ status, stdout, stderr, ms: Date.now() - started }));
  });
}

/** Host pids whose command line is exactly `argv` (a marker daemon started in the container). */
function pidsRunning(argv: string[]): number[] {
  const wanted = argv.join("\0") + "\0";
  return fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8") === wanted;
    } catch {
      return false;
    }
  });
}

function mountsUnder(dir: string): string[] {
  return fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n").filter((l) => l.includes(dir));
}

for (const backend of ["chroot", "lxc"] as const) {
  describe(`runtime (${backend} backend)`, { skip: backend === "lxc" && !hasLxc ? "lxc not installed" : false }, () => {
    let tmp: string;
    let ct: RuntimeCt;
    let env: NodeJS.ProcessEnv;
    const savedBackend = process.env.PHOENIX_SIM_RUNTIME;

    before(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `phx-runtime-${backend}-`));
      const tarball = ensureTemplate("busybox", path.join(tmp, "cache"));
      ct = { vmid: 100, rootfs: path.join(tmp, "rootfs"), hostname: `ct-${backend}`, node: "pve1", simRoot: path.join(tmp, "sim") };
      extractTemplate(tarball, ct.rootfs);
      process.env.PHOENIX_SIM_RUNTIME = backend;
      env = { ...process.env };
      startCt(ct);
    });

    after(() => {
      stopCt(ct);
      if (savedBackend === undefined) delete process.env.PHOENIX_SIM_RUNTIME;
      else process.env.PHOENIX_SIM_RUNTIME = savedBackend;
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("reports a started container as running", () => {
      assert.equal(isCtRunning(ct), true);
    });

    it("refuses to start a container that is already running", () => {
      assert.throws(() => startCt(ct), /already running/);
    });

    it("returns the command's exit code", () => {
      assert.equal(execInCt(ct, ["sh", "-c", "exit 7"]), 7);
    });

    it("returns 128+signal when the command is killed", () => {
      assert.equal(execInCt(ct, ["sh", "-c", "kill -9 $$"]), 128 + 9);
    });

    it("passes the command's stdout and stderr through to the caller", async () => {
      const run = await runCli(ct, ["exec", "--", "sh", "-c", "echo to-out; echo to-err >&2; exit 3"], env);
      assert.deepEqual([run.status, run.stdout, run.stderr], [3, "to-out\n", "to-err\n"]);
    });

    it("runs commands with the container's hostname", async () => {
      const run = await runCli(ct, ["exec", "--", "hostname"], env);
      assert.equal(run.stdout, `ct-${backend}\n`);
    });

    it("gives commands a /proc that shows only the container's processes", async () => {
      // Host processes (like this test's node) must not be visible; the command itself is.
      const run = await runCli(ct, ["exec", "--", "sh", "-c", "ps -o comm | grep -c -e node -e nsenter; cat /proc/self/comm"], env);
      assert.equal(run.stdout, "0\ncat\n");
    });

    it("runs commands with the sane environment and no TERM", async () => {
      const run = await runCli(ct, ["exec", "--", "sh", "-c", 'echo "$PATH|$HOME|$LANG|${TERM-unset}"'], env);
      assert.equal(run.stdout, "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|/root|C.UTF-8|unset\n");
    });

    it("runs commands with / as the root of the rootfs", async () => {
      fs.writeFileSync(path.join(ct.rootfs, "marker"), "inside\n");
      const run = await runCli(ct, ["exec", "--", "cat", "/marker"], env);
      assert.equal(run.stdout, "inside\n");
    });

    it("writes the hostname into the rootfs at start", () => {
      assert.equal(fs.readFileSync(path.join(ct.rootfs, "etc/hostname"), "utf8"), `ct-${backend}\n`);
    });

    it("does not hang the caller when the command leaves a daemon running", async () => {
      const run = await runCli(ct, ["exec", "--", "sh", "-c", "sleep 300 & echo started"], env);
      assert.equal(run.stdout, "started\n");
      assert.ok(run.ms < 10_000, `exec took ${run.ms} ms`);
    });

    it("leaves no mount on the host while running", () => {
      assert.deepEqual(mountsUnder(tmp), []);
    });

    it("kills every process of the container on stop", () => {
      // A duration no other test or host process uses, so the marker is unambiguous.
      const marker = ["sleep", backend === "chroot" ? "3011" : "3012"];
      execInCt(ct, ["sh", "-c", `${marker.join(" ")} >/dev/null 2>&1 &`]);
      assert.equal(pidsRunning(marker).length, 1, "the daemon should be running before stop");
      stopCt(ct);
      assert.deepEqual(pidsRunning(marker), []);
    });

    it("reports a stopped container as not running", () => {
      stopCt(ct);
      assert.equal(isCtRunning(ct), false);
    });

    it("accepts stop on a container that is already stopped", () => {
      stopCt(ct);
      assert.doesNotThrow(() => stopCt(ct));
    });

    it("refuses exec in a stopped container", () => {
      stopCt(ct);
      assert.throws(() => execInCt(ct, ["true"]), /not running/);
    });

    it("leaves no mount on the host after stop", () => {
      stopCt(ct);
      assert.deepEqual(mountsUnder(tmp), []);
    });

    it("can start again after a stop", () => {
      stopCt(ct);
      startCt(ct);
      assert.equal(execInCt(ct, ["true"]), 0);
    });
  });
}
