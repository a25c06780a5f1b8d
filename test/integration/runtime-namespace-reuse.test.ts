/**
 * The kernel gives a freed PID namespace's id to the next namespace created. A stop that matched processes by the
 * id it recorded at start once SIGKILLed another container starting at that moment (the simulator's stress test
 * caught it as `unshare: sigprocmask unblock failed`). These tests make the reuse happen on purpose.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execInCt, isCtRunning, startCt, stopCt, type RuntimeCt } from "../../testbed/runtime";
import { isProcessAlive, pinPidNamespace, readRunState, waitUntil } from "../../testbed/runtime/state";
import { ensureTemplate, extractTemplate } from "../../testbed/templates";

describe("a stop after the container's PID namespace id went to another container (chroot backend)", () => {
  let tmp: string;
  let crashed: RuntimeCt;
  let other: RuntimeCt;
  const savedBackend = process.env.PHOENIX_SIM_RUNTIME;

  before(() => {
    process.env.PHOENIX_SIM_RUNTIME = "chroot";
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "phx-nsreuse-"));
    const tarball = ensureTemplate("busybox", path.join(tmp, "cache"));
    const ct = (vmid: number): RuntimeCt => ({ vmid, rootfs: path.join(tmp, `rootfs-${vmid}`), hostname: `ct${vmid}`, node: "pve1", simRoot: path.join(tmp, "sim") });
    crashed = ct(601);
    other = ct(602);
    extractTemplate(tarball, crashed.rootfs);
    extractTemplate(tarball, other.rootfs);
  });

  after(() => {
    for (const ct of [crashed, other]) stopCt(ct);
    if (savedBackend === undefined) delete process.env.PHOENIX_SIM_RUNTIME;
    else process.env.PHOENIX_SIM_RUNTIME = savedBackend;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Kills a container's init behind the runtime's back, as a crash would, and waits until it is gone. */
  function crash(ct: RuntimeCt): void {
    const state = readRunState(ct)!;
    process.kill(state.initPid, "SIGKILL");
    assert.ok(waitUntil(() => !isProcessAlive(state.initPid, state.initStart), 10_000), "the init of the crashed container exits");
  }

  /** Starts `ct` until it gets namespace id `id` (the kernel hands out the lowest free one); false if it never does. */
  function startWithId(ct: RuntimeCt, id: string): boolean {
    for (let attempt = 0; attempt < 5; attempt++) {
      startCt(ct);
      if (readRunState(ct)!.pidNs === id) return true;
      stopCt(ct);
    }
    return false;
  }

  it("leaves the other container running", (t) => {
    startCt(crashed);
    const id = readRunState(crashed)!.pidNs;
    crash(crashed);
    if (!startWithId(other, id)) return t.skip(`the kernel did not give id ${id} to the next namespace`);
    stopCt(crashed);
    assert.equal(isCtRunning(other), true, "the other container survives the stop of the crashed one");
    assert.equal(execInCt(other, ["true"]), 0);
    stopCt(other);
  });

  it("keeps the id taken while a stop holds the namespace, so no new container can get it", () => {
    startCt(crashed);
    const state = readRunState(crashed)!;
    const pinned = pinPidNamespace(state);
    try {
      assert.equal(pinned.pidNs, state.pidNs);
      crash(crashed);
      startCt(other);
      assert.notEqual(readRunState(other)!.pidNs, state.pidNs, "a namespace created while the id is held gets another one");
    } finally {
      pinned.release();
      stopCt(crashed);
      stopCt(other);
    }
  });
});
