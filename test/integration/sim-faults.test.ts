import { describe, it, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { Sim, makeSim } from "./sim-harness";

function setFaults(sim: Sim, rules: unknown[]): void {
  fs.writeFileSync(path.join(sim.nodeDir(), "faults.json"), JSON.stringify(rules));
}

describe("simulated pct: fault injection", () => {
  let sim: Sim;
  before(() => {
    sim = makeSim();
    sim.createCt(100);
  });
  afterEach(() => fs.rmSync(path.join(sim.nodeDir(), "faults.json"), { force: true }));
  after(() => sim.cleanup());

  it("fail fires on the nth invocation only", () => {
    setFaults(sim, [{ cmd: "snapshot", nth: 2, action: "fail" }]);
    assert.equal(sim.run("pct", ["snapshot", "100", "a1"]).code, 0);
    const r = sim.run("pct", ["snapshot", "100", "a2"]);
    assert.equal(r.stderr, "command 'pct snapshot 100 a2' failed: injected fault\n");
    assert.equal(r.code, 255);
    assert.equal(sim.run("pct", ["snapshot", "100", "a3"]).code, 0);
  });

  it("fail uses the rule's message", () => {
    setFaults(sim, [{ cmd: "set", action: "fail", message: "boom" }]);
    assert.equal(sim.run("pct", ["set", "100", "--cores", "2"]).stderr, "boom\n");
  });

  it("a vmid-scoped rule ignores other CTs", () => {
    setFaults(sim, [{ cmd: "status", vmid: 999, action: "fail" }]);
    assert.equal(sim.run("pct", ["status", "100"]).code, 0);
  });

  it("hang never returns until killed", async () => {
    setFaults(sim, [{ cmd: "status", action: "hang" }]);
    const child = spawn(path.resolve(__dirname, "../../../testbed/bin/pct"), ["status", "100"], {
      env: { ...process.env, PHOENIX_SIM_ROOT: sim.root }, stdio: "ignore",
    });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on("exit", (_c, s) => r(s)));
    const raced = await Promise.race([exited, new Promise((r) => setTimeout(() => r("still running"), 1200))]);
    child.kill("SIGKILL");
    assert.equal(raced, "still running");
    await exited;
  });

  it("stuck-lock leaves the operation's own lock behind", () => {
    setFaults(sim, [{ cmd: "delsnapshot", action: "stuck-lock" }]);
    const r = sim.run("pct", ["delsnapshot", "100", "a1"]);
    assert.equal(r.code, 255);
    assert.match(sim.confText(100), /^lock: snapshot-delete$/m);
    assert.match(sim.confText(100), /\[a1\][^[]*\nsnapstate: delete\n/);
    sim.pct("unlock", "100");
  });

  it("transient-lock makes the command find the CT locked, then the lock goes away", async () => {
    setFaults(sim, [{ cmd: "start", action: "transient-lock", lock: "backup", ms: 600 }]);
    const r = sim.run("pct", ["start", "100"]);
    assert.equal(r.stderr, "CT is locked (backup)\n");
    // The helper removes the lock after 600 ms: wait for that event (bounded), not for a guessed delay.
    const deadline = Date.now() + 15_000;
    while (/^lock:/m.test(sim.confText(100)) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    assert.doesNotMatch(sim.confText(100), /^lock:/m);
  });

  it("a transient lock's holder is an active task, named by pid and start time, until it dies", () => {
    setFaults(sim, [{ cmd: "status", vmid: 100, action: "transient-lock", lock: "backup", ms: 600_000 }]);
    assert.equal(sim.run("pct", ["status", "100"]).code, 0);
    const active = () => JSON.parse(sim.run("pvesh", ["get", "/nodes/pve/tasks", "--source", "active", "--output-format", "json"]).stdout) as Array<Record<string, string | number>>;
    const [task, ...more] = active();
    assert.deepEqual([task?.type, task?.id, more.length], ["vzdump", "100", 0]);
    const stat = fs.readFileSync(`/proc/${task!.pid}/stat`, "utf8");
    const starttime = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    assert.equal(String(task!.upid).split(":")[3], starttime.toString(16).toUpperCase().padStart(8, "0"));
    process.kill(Number(task!.pid), "SIGKILL");
    assert.deepEqual(active(), []);
    sim.pct("unlock", "100");
  });

  it("drop kills the nearest sshd ancestor after half the work (create leaves lock: create)", () => {
    setFaults(sim, [{ cmd: "create", action: "drop" }]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-sshd-"));
    const fakeSshd = path.join(dir, "sshd");
    fs.copyFileSync("/bin/sh", fakeSshd);
    fs.chmodSync(fakeSshd, 0o755);
    const pct = path.resolve(__dirname, "../../../testbed/bin/pct");
    const r = spawnSync(fakeSshd, ["-c", `"${pct}" create 120 local:vztmpl/bb.tar.gz --rootfs local-lvm:1 --ostype unmanaged; echo survived`], {
      env: { ...process.env, PHOENIX_SIM_ROOT: sim.root }, encoding: "utf8",
    });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(r.signal, "SIGKILL");
    assert.doesNotMatch(r.stdout, /survived/);
    assert.match(sim.confText(120), /^lock: create$/m);
  });

  it("the command log records the dropped command with exit null", () => {
    const entry = sim.commandLog().find((e) => e.argv[1] === "create" && e.argv[2] === "120");
    assert.equal(entry?.exit, null);
  });
});
