import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { Sim, fixture, makeSim } from "./sim-harness";

/**
 * Holds the CT's config flock from outside, as another pct would: `flock` on the same lock file, kept until
 * `release()`. Resolves once the kernel lists the lock as held (/proc/locks), so what follows is ordered by the
 * lock itself, not by a sleep.
 */
async function holdConfigLock(sim: Sim, vmid: number): Promise<{ release(): Promise<void> }> {
  const file = path.join(sim.root, "run/lock/lxc", `pve-config-${vmid}.lock`);
  const holder = spawn("flock", ["-x", file, "cat"], { stdio: ["pipe", "ignore", "ignore"] });
  let gone = false;
  const exited = new Promise<void>((r) => holder.once("exit", () => { gone = true; r(); }));
  const inode = fs.statSync(file).ino;
  // A held flock appears in /proc/locks as "N: FLOCK ADVISORY WRITE <pid> <maj>:<min>:<inode> 0 EOF".
  const held = () => fs.readFileSync("/proc/locks", "utf8").split("\n").some((l) => new RegExp(`^\\d+: FLOCK +ADVISORY +WRITE +${holder.pid} +[0-9a-f]+:[0-9a-f]+:${inode} `).test(l));
  while (!held()) {
    if (gone) throw new Error(`flock on ${file} exited before it held the lock`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return { release: async () => { holder.stdin.end(); await exited; } };
}

/** Starts a pct command; resolves `waiting` once it printed that it waits for a lock, `done` when it exits. */
function startPct(sim: Sim, args: string[], env: Record<string, string> = {}): { waiting: Promise<void>; done: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(path.resolve(__dirname, "../../../testbed/bin/pct"), args, {
    env: { ...process.env, PHOENIX_SIM_ROOT: sim.root, PHOENIX_SIM_NODE: sim.node, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  let sawWait = (): void => undefined;
  const waiting = new Promise<void>((r) => (sawWait = r));
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    if (stderr.includes("trying to acquire lock...\n")) sawWait();
  });
  return { waiting, done: new Promise((r) => child.on("close", (code) => r({ code, stderr }))) };
}

/** Lets pending I/O callbacks run (polling a file the simulator writes, without a fixed delay). */
function nextTurn(): Promise<void> {
  return new Promise((r) => setTimeout(r, 20));
}

describe("simulated pct: config locks and flock contention", () => {
  let sim: Sim;
  before(() => {
    sim = makeSim();
    sim.createCt(110);
  });
  after(() => sim.cleanup());

  it("a config lock blocks set with CT is locked (<lock>)", () => {
    sim.pct("set", "110", "--lock", "backup");
    const r = sim.run("pct", ["set", "110", "--memory", "1024"]);
    assert.equal(r.stderr, "CT is locked (backup)\n");
    assert.equal(r.code, 255);
  });

  it("list shows the lock column", () => {
    assert.match(sim.pct("list"), /^110 {8}stopped {4}backup {7}CT110 {15}$/m);
  });

  it("unlock removes the lock, and fails when there is none", () => {
    sim.pct("unlock", "110");
    const r = sim.run("pct", ["unlock", "110"]);
    assert.equal(r.stderr, "no lock found trying to remove any lock\n");
    assert.notEqual(r.code, 0);
  });

  it("a second set waits for the flock another process holds, then proceeds", async () => {
    const lock = await holdConfigLock(sim, 110);
    const set = startPct(sim, ["set", "110", "--memory", "800"]);
    await set.waiting;
    await lock.release();
    const r = await set.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "trying to acquire lock...\n OK\n");
    assert.match(sim.confText(110), /^memory: 800$/m);
  });

  it("a waiter gives up with the real timeout text (fixture 05)", async () => {
    const lock = await holdConfigLock(sim, 110);
    try {
      const r = await startPct(sim, ["set", "110", "--memory", "900"], { PHOENIX_SIM_LOCK_TIMEOUT_S: "1" }).done;
      assert.equal(r.stderr, fixture("05-error-lock-timeout-offinfra61.txt"));
      assert.equal(r.code, 255);
    } finally {
      await lock.release();
    }
  });

  it("snapshot holds lock: snapshot with snapstate prepare while the task runs", async () => {
    fs.writeFileSync(path.join(sim.nodeDir(), "latency.json"), JSON.stringify({ snapshot: 4000 }));
    try {
      const child = spawn(path.resolve(__dirname, "../../../testbed/bin/pct"), ["snapshot", "110", "s1"], {
        env: { ...process.env, PHOENIX_SIM_ROOT: sim.root }, stdio: "ignore",
      });
      let exited = false;
      const done = new Promise((r) => child.on("exit", () => { exited = true; r(undefined); }));
      // Wait for the task to be under way (not a fixed sleep: process start-up time varies with load).
      let during = sim.confText(110);
      while (!exited && !/^lock: snapshot$/m.test(during)) {
        await nextTurn();
        during = sim.confText(110);
      }
      const r = sim.run("pct", ["set", "110", "--memory", "900"]);
      await done;
      assert.match(during, /^lock: snapshot$/m);
      assert.match(during, /\[s1\][^[]*\nsnapstate: prepare\n/);
      assert.equal(r.stderr, "CT is locked (snapshot)\n");
    } finally {
      fs.rmSync(path.join(sim.nodeDir(), "latency.json"));
    }
  });
});
