import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { Sim, fixture, makeSim } from "./sim-harness";

/** Starts a `pct set` that holds the config flock for `ms` (set latency), resolving when it exits. */
function slowSet(sim: Sim, args: string[]): Promise<number | null> {
  const child = spawn(path.resolve(__dirname, "../../../testbed/bin/pct"), ["set", ...args], {
    env: { ...process.env, PHOENIX_SIM_ROOT: sim.root, PHOENIX_SIM_NODE: sim.node },
    stdio: "ignore",
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
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

  it("a second set waits for the flock held by a slow one", async () => {
    fs.writeFileSync(path.join(sim.nodeDir(), "latency.json"), JSON.stringify({ set: 1500 }));
    try {
      const slow = slowSet(sim, ["110", "--memory", "700"]);
      await sleep(400);
      const r = sim.run("pct", ["set", "110", "--memory", "800"], { PHOENIX_SIM_LATENCY: "0" });
      assert.equal(await slow, 0);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, "trying to acquire lock...\n OK\n");
      assert.match(sim.confText(110), /^memory: 800$/m);
    } finally {
      fs.rmSync(path.join(sim.nodeDir(), "latency.json"));
    }
  });

  it("a waiter gives up with the real timeout text (fixture 05)", async () => {
    fs.writeFileSync(path.join(sim.nodeDir(), "latency.json"), JSON.stringify({ set: 2500 }));
    try {
      const slow = slowSet(sim, ["110", "--memory", "700"]);
      await sleep(400);
      const r = sim.run("pct", ["set", "110", "--memory", "800"], { PHOENIX_SIM_LOCK_TIMEOUT_S: "1", PHOENIX_SIM_LATENCY: "0" });
      await slow;
      assert.equal(r.stderr, fixture("05-error-lock-timeout-offinfra61.txt"));
      assert.equal(r.code, 255);
    } finally {
      fs.rmSync(path.join(sim.nodeDir(), "latency.json"));
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
        await sleep(50);
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
