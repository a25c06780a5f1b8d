import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { OperationSequencer } from "../../host/sequencer";
import { PctError } from "../../core/errors";
import { classifyForRetry, planBackoffDelay, defaultBackoff } from "../../core/retry-policy";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
const locked = (lock: string) => new PctError("pct-locked", `CT is locked (${lock})`, { node: "pve", vmid: 100 }, { lock });
const flockTimeout = () => new PctError("pct-lock-timeout", "can't lock file", { node: "pve", vmid: 100 });
const noSleep = { sleep: async () => undefined };

describe("OperationSequencer", () => {
  it("never runs two mutations of one container at the same time", async () => {
    const seq = new OperationSequencer({ perNodeLimit: 16, ...noSleep });
    const active = new Map<number, number>();
    let violations = 0;
    const ops = Array.from({ length: 50 }, (_, i) => {
      const vmid = 100 + (i % 5);
      return seq.mutate("pve", [vmid], `op${i}`, async () => {
        active.set(vmid, (active.get(vmid) ?? 0) + 1);
        if (active.get(vmid)! > 1) violations++;
        await tick(Math.random() * 3);
        active.set(vmid, active.get(vmid)! - 1);
      });
    });
    await Promise.all(ops);
    assert.equal(violations, 0);
  });

  it("runs mutations of different containers in parallel", async () => {
    const seq = new OperationSequencer({ perNodeLimit: 8, ...noSleep });
    let concurrent = 0;
    let peak = 0;
    await Promise.all([100, 101, 102, 103].map((vmid) => seq.mutate("pve", [vmid], "x", async () => {
      peak = Math.max(peak, ++concurrent);
      await tick(10);
      concurrent--;
    })));
    assert.equal(peak, 4);
  });

  it("keeps the order in which mutations of one container were submitted", async () => {
    const seq = new OperationSequencer(noSleep);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => seq.mutate("pve", [100], `op${i}`, async () => {
      await tick(5 - i);
      order.push(i);
    })));
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
  });

  it("treats a clone as a mutation of both its source and its target", async () => {
    const seq = new OperationSequencer(noSleep);
    const events: string[] = [];
    await Promise.all([
      seq.mutate("pve", [900, 901], "clone", async () => { events.push("clone-start"); await tick(10); events.push("clone-end"); }),
      seq.mutate("pve", [900], "snapshot-source", async () => { events.push("snap"); }),
    ]);
    assert.deepEqual(events, ["clone-start", "clone-end", "snap"]);
  });

  it("holds at most perNodeLimit operations in flight on one node", async () => {
    const seq = new OperationSequencer({ perNodeLimit: 3, ...noSleep });
    let concurrent = 0;
    let peak = 0;
    const body = async () => { peak = Math.max(peak, ++concurrent); await tick(5); concurrent--; };
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => seq.mutate("pve", [100 + i], "m", body)),
      ...Array.from({ length: 10 }, () => seq.read("pve", body)),
    ]);
    assert.equal(peak, 3);
  });

  it("continues with the next mutation after one fails", async () => {
    const seq = new OperationSequencer(noSleep);
    const first = seq.mutate("pve", [100], "a", async () => { throw new Error("boom"); });
    const second = seq.mutate("pve", [100], "b", async () => "ok");
    await assert.rejects(first, /boom/);
    assert.equal(await second, "ok");
  });

  it("retries a config-flock timeout until it clears", async () => {
    const seq = new OperationSequencer(noSleep);
    let calls = 0;
    const result = await seq.mutate("pve", [100], "set", async () => {
      if (++calls < 3) throw flockTimeout();
      return "done";
    });
    assert.equal(result, "done");
    assert.equal(calls, 3);
  });

  it("retries a lock that a running task holds", async () => {
    let calls = 0;
    const seq = new OperationSequencer({ ...noSleep, probeLock: async () => "held-by-task" });
    await seq.mutate("pve", [100], "set", async () => { if (++calls < 4) throw locked("backup"); });
    assert.equal(calls, 4);
  });

  it("reports a lock that no task holds as stuck after one confirming attempt, with the command that clears it", async () => {
    let calls = 0;
    const seq = new OperationSequencer({ ...noSleep, probeLock: async () => "stuck" });
    const error = await seq.mutate("pve", [100], "snapshot", async () => { calls++; throw locked("snapshot-delete"); }).catch((e) => e);
    assert.equal(calls, 2);
    assert.ok(error instanceof PctError);
    assert.equal(error.code, "pct-stuck-lock");
    assert.equal(error.details.lock, "snapshot-delete");
    assert.match(error.message, /pct unlock 100/);
    assert.match(error.message, /delsnapshot 100 .* --force/);
  });

  it("succeeds when a lock that no task held was released in the meantime", async () => {
    let calls = 0;
    const seq = new OperationSequencer({ ...noSleep, probeLock: async () => "stuck" });
    assert.equal(await seq.mutate("pve", [100], "start", async () => { if (++calls === 1) throw locked("backup"); return "ok"; }), "ok");
    assert.equal(calls, 2);
  });

  it("gives up after the configured attempts and surfaces the last error", async () => {
    let calls = 0;
    const seq = new OperationSequencer({ ...noSleep, backoff: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
    await assert.rejects(seq.mutate("pve", [100], "set", async () => { calls++; throw flockTimeout(); }), (e: PctError) => e.code === "pct-lock-timeout");
    assert.equal(calls, 3);
  });

  it("does not retry other failures", async () => {
    let calls = 0;
    const seq = new OperationSequencer(noSleep);
    const notFound = new PctError("pct-not-found", "no such CT", { node: "pve", vmid: 100 });
    await assert.rejects(seq.mutate("pve", [100], "set", async () => { calls++; throw notFound; }));
    assert.equal(calls, 1);
  });
});

describe("retry policy", () => {
  it("keeps every backoff delay within half and all of the capped exponential step", () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 30 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
      const o = defaultBackoff();
      const step = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempt - 2));
      const d = planBackoffDelay(attempt, o, () => r);
      return d >= Math.floor(step / 2) && d <= step;
    }));
  });

  it("classifies lock timeouts as transient, locks as locked and the rest as fatal", () => {
    assert.equal(classifyForRetry(flockTimeout()), "transient");
    assert.equal(classifyForRetry(locked("snapshot")), "locked");
    assert.equal(classifyForRetry(new Error("x")), "fatal");
  });
});
