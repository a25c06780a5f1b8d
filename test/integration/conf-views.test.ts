/**
 * Reading the config file instead of asking pct: what core/conf-views derives from `/etc/pve/lxc/<vmid>.conf`
 * must equal what `pct config --current`, `pct pending` and pvesh `…/snapshot` print for the same container, in
 * every state the converge meets (descriptions with encoded characters, raw lines, hot-plugged and pending
 * changes, pending and forced deletions, locks, snapshot trees).
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { spawnSync } from "node:child_process";
import { Sim, makeSim } from "./sim-harness";
import { currentConfigOf, parseConfText, pendingChangesOf, snapshotListOf } from "../../core/conf-views";
import { parsePctStatus } from "../../core/parse-config";
import { parsePctConfig, parsePctPending, parsePveshSnapshots } from "../helpers/pve-oracle";
import { observeContainer } from "../../core/container/observed";
import { buildInventoryArgvs, parseInventory } from "../../core/node-inventory";

/** What pct itself reports, reduced to the observation's shape. */
function pctViews(sim: Sim, vmid: number) {
  const config = parsePctConfig(sim.pct("config", String(vmid), "--current", "1"));
  const pending: Record<string, string | null> = {};
  for (const p of parsePctPending(sim.pct("pending", String(vmid)))) {
    if (p.delete) pending[p.key] = null;
    else if (p.pending !== undefined) pending[p.key] = p.pending;
  }
  const snapshots = parsePveshSnapshots(sim.run("pvesh", ["get", `/nodes/${sim.node}/lxc/${vmid}/snapshot`, "--output-format", "json"]).stdout);
  const status = parsePctStatus(sim.pct("status", String(vmid))).status;
  return { config, pending, snapshots, status };
}

function fileViews(sim: Sim, vmid: number, running: boolean) {
  const text = sim.confText(vmid);
  const conf = parseConfText(text, vmid);
  const config = currentConfigOf(conf);
  return { config, pending: pendingChangesOf(conf), snapshots: snapshotListOf(conf, text, running) };
}

const byName = (list: { snapshots: { name: string }[] }) => [...list.snapshots].sort((a, b) => a.name.localeCompare(b.name));

function assertSameViews(sim: Sim, vmid: number): void {
  const pct = pctViews(sim, vmid);
  const file = fileViews(sim, vmid, pct.status === "running");
  assert.deepEqual(file.config, pct.config, "pct config --current");
  assert.deepEqual(file.pending, pct.pending, "pct pending");
  assert.deepEqual(byName(file.snapshots), byName(pct.snapshots), "pvesh snapshot list");
  assert.deepEqual(file.snapshots.head, pct.snapshots.head, "the 'current' entry");
}

describe("config file views equal what pct and pvesh print", () => {
  let sim: Sim;
  before(() => {
    sim = makeSim();
    const r = sim.createCt(100, "--hostname", "web01", "--memory", "256", "--cores", "1", "--tags", "b;a", "--description", "web: 100% ready\nsecond line\tand tab", "--net0", "name=eth0,bridge=vmbr0,ip=dhcp", "--nameserver", "1.1.1.1");
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => sim.cleanup());

  it("a fresh stopped container (description with ':', '%', a tab and two lines)", () => {
    assertSameViews(sim, 100);
  });

  it("raw lxc lines in both spellings, kept in file order", () => {
    fs.appendFileSync(sim.confFile(100), "lxc.cgroup2.devices.allow: c 195:* rwm\nlxc.mount.entry = /dev/nvidia0 dev/nvidia0 none bind,optional,create=file\n");
    assertSameViews(sim, 100);
  });

  it("a running container with hot-plugged changes, pending changes and pending deletions", () => {
    sim.pct("start", "100");
    sim.pct("set", "100", "--memory", "512", "--hostname", "web02", "--ostype", "debian", "--searchdomain", "lan", "--delete", "nameserver");
    const pct = pctViews(sim, 100);
    assert.equal(pct.config.options.memory, "512", "memory was hot-plugged");
    assert.ok(Object.keys(pct.pending).length >= 2, `some changes stay pending: ${JSON.stringify(pct.pending)}`);
    assert.equal(pct.pending.nameserver, null, "the deletion is pending");
    assertSameViews(sim, 100);
  });

  it("a forced pending deletion (`!key`) reads as a deletion; one of a key that is not set does not show", () => {
    const text = sim.confText(100).replace(/^delete: (.*)$/m, "delete: $1,!tags,cpulimit");
    fs.writeFileSync(sim.confFile(100), text);
    const pending = fileViews(sim, 100, true).pending;
    assert.equal(pending.tags, null);
    assert.equal("cpulimit" in pending, false);
    assertSameViews(sim, 100);
  });

  it("snapshots with descriptions and parents, and the head", () => {
    sim.pct("snapshot", "100", "base", "--description", "clean: 100%\ninstall");
    sim.pct("snapshot", "100", "upgraded");
    assertSameViews(sim, 100);
    const head = fileViews(sim, 100, true).snapshots.head!;
    assert.equal(head.parent, "upgraded");
  });

  it("a locked container: the lock is in the observation, not among the options", () => {
    fs.writeFileSync(sim.confFile(100), sim.confText(100).replace(/^arch:/m, "lock: backup\narch:"));
    assertSameViews(sim, 100);
    const observed = observeContainer(100, { status: "running", confText: sim.confText(100) });
    assert.equal(observed.lock, "backup");
    assert.equal(observed.options.lock, undefined);
    assert.equal(observed.running, true);
    assert.deepEqual(observed.rawLines, ["lxc.cgroup2.devices.allow: c 195:* rwm", "lxc.mount.entry: /dev/nvidia0 dev/nvidia0 none bind,optional,create=file"]);
  });

  it("the node inventory lists every container with its status, lock and exact config text", () => {
    assert.equal(sim.createCt(101, "--hostname", "db").code, 0);
    const [list, cat] = buildInventoryArgvs();
    const listed = sim.run("pct", list.slice(1));
    // The simulated node's /etc/pve is a bind mount inside its SSH sessions; here the loop runs on the sim dir.
    const script = cat[2]!.replace("/etc/pve/lxc", `${sim.root}/etc/pve/nodes/${sim.node}/lxc`);
    const confs = spawnSync("sh", ["-c", script], { encoding: "utf8" });
    assert.equal(confs.status, 0, confs.stderr);
    const inventory = parseInventory(listed.stdout, confs.stdout);
    assert.deepEqual([...inventory.containers.keys()].sort(), [100, 101]);
    assert.equal(inventory.containers.get(100)!.status, "running");
    assert.equal(inventory.containers.get(100)!.lock, "backup");
    assert.equal(inventory.containers.get(101)!.status, "stopped");
    assert.equal(inventory.containers.get(100)!.confText, sim.confText(100));
    assert.equal(inventory.uncertain.size, 0);
  });
});
