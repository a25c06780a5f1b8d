import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { Sim, fixture, makeSim } from "./sim-harness";

/** Pins every snaptime of a config file, so the tree text is predictable. */
function pinSnaptimes(sim: Sim, vmid: number, times: Record<string, number>): void {
  let text = sim.confText(vmid);
  for (const [name, t] of Object.entries(times)) {
    text = text.replace(new RegExp(`(\\n\\[${name}\\]\\n(?:[^\\[]*?\\n)?)snaptime: \\d+`), `$1snaptime: ${t}`);
  }
  fs.writeFileSync(sim.confFile(vmid), text);
}

describe("simulated pct: snapshots", () => {
  let sim: Sim;
  before(() => {
    sim = makeSim();
    sim.createCt(100);
  });
  after(() => sim.cleanup());

  it("listsnapshot without snapshots matches the real output byte for byte (fixture 04)", () => {
    assert.equal(sim.pct("listsnapshot", "100"), fixture("04-listsnapshot-qm122-current-only.txt"));
  });

  it("snapshot prints the lvm-thin line and writes the section, snaptime and parent", () => {
    const out = sim.pct("snapshot", "100", "base", "--description", "clean install");
    assert.equal(out, '  Logical volume "snap_vm-100-disk-0_base" created.\n');
    const text = sim.confText(100);
    assert.match(text, /^parent: base$/m);
    assert.match(text, /\n\n\[base\]\n#clean install\narch: amd64\n/);
    assert.match(text, /\[base\][^[]*\nsnaptime: \d+\n/);
    assert.doesNotMatch(text, /snapstate|lock:/);
  });

  it("a second snapshot records the previous head as its parent", () => {
    sim.pct("snapshot", "100", "upgraded");
    assert.match(sim.confText(100), /\[upgraded\][^[]*\nparent: base\n/);
  });

  it("listsnapshot prints the current tree format with one space per level (TZ honoured)", () => {
    pinSnaptimes(sim, 100, { base: 1714557600, upgraded: 1714642212 });
    assert.equal(sim.pct("listsnapshot", "100"), [
      "`-> base                        2024-05-01 10:00:00     clean install",
      " `-> upgraded                   2024-05-02 09:30:12     no-description",
      "  `-> current                                           You are here!",
      "",
    ].join("\n"));
  });

  it("listsnapshot uses the process time zone", () => {
    const r = sim.run("pct", ["listsnapshot", "100"], { TZ: "Europe/Berlin" });
    assert.match(r.stdout, /base {24}2024-05-01 12:00:00/);
  });

  it("a used snapshot name is refused", () => {
    const r = sim.run("pct", ["snapshot", "100", "base"]);
    assert.equal(r.stderr, "snapshot name 'base' already used\n");
    assert.equal(r.code, 255);
  });

  it("reserved names are refused before the task", () => {
    const r = sim.run("pct", ["snapshot", "100", "current"]);
    assert.equal(r.stderr, "unable to use snapshot name 'current' (reserved name)\n");
  });

  it("an invalid name is a 400 with the usage line", () => {
    const r = sim.run("pct", ["snapshot", "100", "a"]);
    assert.equal(r.stderr, "400 Parameter verification failed.\nsnapname: invalid format - invalid configuration ID 'a'\n\npct snapshot <vmid> <snapname> [OPTIONS]\n");
  });

  it("config --snapshot prints the section keys", () => {
    const out = sim.pct("config", "100", "--snapshot", "upgraded");
    assert.match(out, /^parent: base$/m);
    assert.match(out, /^snaptime: 1714642212$/m);
  });

  it("delsnapshot of a middle snapshot re-parents its child and the head", () => {
    sim.pct("snapshot", "100", "third");
    sim.pct("delsnapshot", "100", "upgraded");
    const text = sim.confText(100);
    assert.doesNotMatch(text, /\[upgraded\]/);
    assert.match(text, /\[third\][^[]*\nparent: base\n/);
  });

  it("delsnapshot of the root leaves its child without parent", () => {
    sim.pct("delsnapshot", "100", "base");
    assert.doesNotMatch(sim.confText(100), /\[third\][^[]*\nparent:/);
  });

  it("delsnapshot of the head re-points the top-level parent", () => {
    sim.pct("snapshot", "100", "fourth");
    sim.pct("delsnapshot", "100", "fourth");
    assert.match(sim.confText(100), /^parent: third$/m);
  });

  it("delsnapshot of an unknown snapshot fails the task", () => {
    const r = sim.run("pct", ["delsnapshot", "100", "nope"]);
    assert.equal(r.stderr, "snapshot 'nope' does not exist\n");
    assert.equal(r.code, 255);
  });

  it("rollback restores the volume content and sets parent", () => {
    sim.pct("start", "100");
    assert.equal(sim.run("pct", ["exec", "100", "--", "sh", "-c", "echo before > /tmp/mark"]).code, 0);
    sim.pct("snapshot", "100", "withmark");
    sim.run("pct", ["exec", "100", "--", "sh", "-c", "echo after > /tmp/mark"]);
    sim.pct("rollback", "100", "withmark");
    assert.equal(sim.pct("status", "100"), "status: stopped\n");
    sim.pct("start", "100");
    assert.equal(sim.run("pct", ["exec", "100", "--", "cat", "/tmp/mark"]).stdout, "before\n");
    assert.match(sim.confText(100), /^parent: withmark$/m);
  });

  it("clone from a snapshot copies the snapshot content with fresh MACs and no snapshots", () => {
    sim.pct("set", "100", "--net0", "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01");
    sim.pct("snapshot", "100", "withnet");
    sim.run("pct", ["exec", "100", "--", "sh", "-c", "echo changed > /tmp/mark"]);
    const r = sim.run("pct", ["clone", "100", "200", "--snapname", "withnet", "--hostname", "copy"]);
    assert.equal(r.code, 0, r.stderr);
    const text = sim.confText(200);
    assert.match(text, /^hostname: copy$/m);
    assert.match(text, /^rootfs: local-lvm:vm-200-disk-0,size=1G$/m);
    assert.doesNotMatch(text, /parent|snaptime|\[|BC:24:11:00:00:01/);
    assert.equal(fs.readFileSync(`${sim.nodeDir()}/volumes/local-lvm/vm-200-disk-0/tmp/mark`, "utf8"), "before\n");
  });

  it("clone removes both locks when done", () => {
    assert.doesNotMatch(sim.confText(100), /^lock:/m);
    assert.doesNotMatch(sim.confText(200), /^lock:/m);
  });

  it("a full clone of a running CT needs a snapshot", () => {
    const r = sim.run("pct", ["clone", "100", "201"]);
    assert.equal(r.stderr, "Full clone of a running container is only possible from a snapshot\n");
    assert.doesNotMatch(sim.confText(100), /^lock:/m);
  });
});

describe("simulated pct: storage-dependent snapshot behaviour", () => {
  let sim: Sim;
  before(() => {
    sim = makeSim();
  });
  after(() => sim.cleanup());

  it("a CT on dir storage cannot be snapshotted", () => {
    sim.run("pct", ["create", "100", "local:vztmpl/bb.tar.gz", "--ostype", "unmanaged"]);
    const r = sim.run("pct", ["snapshot", "100", "s1"]);
    assert.equal(r.stderr, "snapshot feature is not available\n");
    assert.equal(r.code, 255);
  });

  it("a bind mount point blocks snapshots", () => {
    sim.createCt(101, "--mp0", "/srv,mp=/srv");
    const r = sim.run("pct", ["snapshot", "101", "s1"]);
    assert.equal(r.stderr, "snapshot feature is not available\n");
    assert.doesNotMatch(sim.confText(101), /\[s1\]|lock/);
  });

  it("ZFS refuses rollback to a snapshot that is not the newest", () => {
    sim.run("pct", ["create", "102", "local:vztmpl/bb.tar.gz", "--rootfs", "local-zfs:1", "--ostype", "unmanaged"]);
    sim.pct("snapshot", "102", "old");
    pinSnaptimes(sim, 102, { old: 1000 });
    sim.pct("snapshot", "102", "new");
    const r = sim.run("pct", ["rollback", "102", "old"]);
    assert.equal(r.stderr, "can't rollback, 'old' is not most recent snapshot on 'local-zfs:subvol-102-disk-0'\n");
    assert.equal(r.code, 255);
  });

  it("lvm-thin allows rollback to an older snapshot", () => {
    sim.createCt(103);
    sim.pct("snapshot", "103", "old");
    pinSnaptimes(sim, 103, { old: 1000 });
    sim.pct("snapshot", "103", "new");
    assert.equal(sim.run("pct", ["rollback", "103", "old"]).code, 0);
  });
});
