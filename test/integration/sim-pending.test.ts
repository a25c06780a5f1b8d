/**
 * The simulated node keeps `[pve:pending]` as PVE does: `pct set` (sets, deletes, reverts) ends with PVE's
 * cleanup_pending rule — a pending value equal to the current one is dropped, and so is a pending delete of a key
 * without a current value — and hot-plugs or applies only the options that call modified.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { Sim, makeSim } from "./sim-harness";

describe("simulated pct: pending changes are cleaned up like PVE's", () => {
  let sim: Sim;
  before(() => {
    sim = makeSim();
    sim.createCt(200, "--features", "nesting=1", "--nameserver", "8.8.8.8");
    sim.pct("start", "200");
  });
  after(() => sim.cleanup());

  it("setting a running CT's restart-only key to its current value leaves nothing pending", () => {
    sim.pct("set", "200", "--features", "nesting=1");
    assert.equal(sim.pct("pending", "200").match(/^(new|del) /gm), null);
    assert.doesNotMatch(sim.confText(200), /\[pve:pending\]/);
  });

  it("setting a pending key back to its current value drops the pending change", () => {
    sim.pct("set", "200", "--nameserver", "1.1.1.1");
    assert.match(sim.pct("pending", "200"), /^cur nameserver: 8\.8\.8\.8\nnew nameserver: 1\.1\.1\.1$/m);
    sim.pct("set", "200", "--nameserver", "8.8.8.8");
    assert.doesNotMatch(sim.pct("pending", "200"), /^new nameserver/m);
    assert.doesNotMatch(sim.confText(200), /\[pve:pending\]/);
  });

  it("a delete of a key that only has a pending value is dropped; the pending value stays", () => {
    sim.pct("set", "200", "--searchdomain", "example.org");
    sim.pct("set", "200", "--delete", "searchdomain");
    const pending = sim.pct("pending", "200");
    assert.match(pending, /^new searchdomain: example\.org$/m);
    assert.doesNotMatch(pending, /^del /m);
    assert.doesNotMatch(sim.confText(200), /^delete:/m);
    sim.pct("set", "200", "--revert", "searchdomain");
  });

  it("a revert also drops the pending values a hand edit left equal to the current ones", () => {
    const text = sim.confText(200);
    const memory = /^memory: (\d+)$/m.exec(text)![1];
    fs.writeFileSync(sim.confFile(200), `${text}\n[pve:pending]\nmemory: ${memory}\nsearchdomain: example.org\n`);
    sim.pct("set", "200", "--revert", "searchdomain");
    assert.doesNotMatch(sim.confText(200), /\[pve:pending\]/);
  });

  it("set on a stopped CT applies only the options it names; older pending changes wait for the start", () => {
    sim.pct("set", "200", "--tty", "3");
    sim.pct("stop", "200");
    sim.pct("set", "200", "--memory", "700");
    assert.match(sim.pct("config", "200", "--current"), /^memory: 700$/m);
    assert.match(sim.pct("pending", "200"), /^new tty: 3$/m);
    sim.pct("start", "200");
    assert.match(sim.pct("config", "200", "--current"), /^tty: 3$/m);
    assert.doesNotMatch(sim.confText(200), /\[pve:pending\]/);
  });
});

describe("simulated pct: set's parameter conflicts and protection", () => {
  let sim: Sim;
  before(() => {
    sim = makeSim();
    sim.createCt(210, "--protection", "1");
  });
  after(() => sim.cleanup());

  it("a key both set and deleted is a 400 naming delete", () => {
    const r = sim.run("pct", ["set", "210", "--memory", "600", "--delete", "memory"]);
    assert.equal(r.stderr, "400 Parameter verification failed.\ndelete: you can't use '-memory' and -delete memory' at the same time\npct set <vmid> [OPTIONS]\n");
    assert.equal(r.code, 255);
  });

  it("a key both set and reverted is a 400 naming revert", () => {
    const r = sim.run("pct", ["set", "210", "--cores", "2", "--revert", "cores"]);
    assert.equal(r.stderr, "400 Parameter verification failed.\nrevert: you can't use '-cores' and '-revert cores' at the same time\npct set <vmid> [OPTIONS]\n");
  });

  it("protection refuses a new mount point too", () => {
    const r = sim.run("pct", ["set", "210", "--mp0", "local-lvm:1,mp=/data"]);
    assert.equal(r.stderr, "can't update CT 210 drive 'mp0' - protection mode enabled\n");
    assert.equal(r.code, 255);
  });
});
