import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { Sim, fixture, makeSim } from "./sim-harness";

/**
 * Holds the CT's config flock from outside, as another pct would: `flock` on the same lock file, kept until
 * `release()`. Resolves when the holder says it holds the lock (flock runs its command only once it has it), so
 * what follows is ordered by the lock itself, not by a sleep or a poll.
 */
async function holdConfigLock(sim: Sim, vmid: number): Promise<{ release(): Promise<void> }> {
  const file = path.join(sim.root, "run/lock/lxc", `pve-config-${vmid}.lock`);
  const holder = spawn("flock", ["-x", file, "sh", "-c", "echo held; exec cat"], { stdio: ["pipe", "pipe", "ignore"] });
  const exited = new Promise<void>((r) => holder.once("exit", () => r()));
  await new Promise<void>((resolve, reject) => {
    let out = "";
    holder.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("held\n")) resolve();
    });
    void exited.then(() => reject(new Error(`flock on ${file} exited before it held the lock`)));
  });
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

/**
 * Resolves with a file's text once `ready` holds for it (at once if it already does), woken by changes in its
 * directory (the simulator replaces files by rename), or with the last text when `stop` settles first.
 */
function waitForText(file: string, ready: (text: string) => boolean, stop: Promise<unknown>): Promise<string> {
  return new Promise((resolve) => {
    const watcher = fs.watch(path.dirname(file));
    const check = () => {
      let text: string;
      try {
        text = fs.readFileSync(file, "utf8");
      } catch {
        return false; // between the write of the new file and its rename: the next change wakes us
      }
      if (!ready(text)) return false;
      watcher.close();
      resolve(text);
      return true;
    };
    watcher.on("change", check);
    void stop.then(() => {
      watcher.close();
      resolve(fs.readFileSync(file, "utf8"));
    });
    check();
  });
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
      const done = new Promise((r) => child.on("exit", () => r(undefined)));
      // Wait for the task to be under way: the lock line written (not a sleep: process start-up varies with load).
      const during = await waitForText(sim.confFile(110), (text) => /^lock: snapshot$/m.test(text), done);
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
