import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { Sim, fixture, makeSim } from "./sim-harness";

const MAC = /^BC:24:11(:[0-9A-F]{2}){3}$/;

describe("simulated pct: create, config file, list, status", () => {
  let sim: Sim;
  before(() => {
    sim = makeSim();
  });
  after(() => sim.cleanup());

  it("create writes the sorted on-disk format with defaults and a generated MAC", () => {
    const r = sim.createCt(100, "--hostname", "web01", "--net0", "name=eth0,bridge=vmbr0,ip=dhcp");
    assert.equal(r.code, 0, r.stderr);
    const text = sim.confText(100);
    const mac = /hwaddr=([^,]+)/.exec(text)?.[1] ?? "";
    assert.match(mac, MAC);
    assert.equal(text, [
      "arch: amd64", "hostname: web01", "memory: 512",
      `net0: name=eth0,bridge=vmbr0,hwaddr=${mac},ip=dhcp,type=veth`,
      "ostype: unmanaged", "rootfs: local-lvm:vm-100-disk-0,size=1G", "swap: 512", "unprivileged: 1", "",
    ].join("\n"));
  });

  it("create prints the lvm-thin, extraction and architecture lines on stdout", () => {
    const r = sim.createCt(101);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}Logical volume "vm-101-disk-0" created\.\n/);
    assert.match(r.stdout, /\nextracting archive '\/var\/lib\/vz\/template\/cache\/bb\.tar\.gz'\nTotal bytes read: \d+ \(/);
    assert.match(r.stdout, /\nDetected container architecture: amd64\n/);
  });

  it("create defaults the hostname to CT<vmid>", () => {
    assert.match(sim.confText(101), /^hostname: CT101$/m);
  });

  it("create refuses a VMID that exists on another node of the cluster", () => {
    fs.mkdirSync(`${sim.root}/etc/pve/nodes/other/lxc`, { recursive: true });
    fs.writeFileSync(`${sim.root}/etc/pve/nodes/other/lxc/150.conf`, "memory: 512\n");
    const r = sim.createCt(150);
    assert.equal(r.stderr, "CT 150 already exists on node 'other'\n");
    assert.equal(r.code, 255);
  });

  it("create without a detectable distribution fails the task and removes the CT", () => {
    const r = sim.run("pct", ["create", "160", "local:vztmpl/bb.tar.gz", "--rootfs", "local-lvm:1"]);
    assert.equal(r.stderr, "unable to create CT 160 - unable to detect OS distribution\n");
    assert.equal(r.code, 255);
    assert.equal(fs.existsSync(sim.confFile(160)), false);
  });

  it("list pads columns like the real printf and overflows long names (fixture 08)", () => {
    sim.pct("set", "101", "--hostname", "prometheus-pve-exporter");
    const real = fixture("08-list-homelabcfg-9cts-trailing-spaces.txt").split("\n");
    const lines = sim.pct("list").split("\n");
    assert.equal(lines[0], real[0]);
    assert.equal(lines[1], "100        stopped                 web01               ");
    assert.equal(lines[2], real.find((l) => l.includes("prometheus-pve-exporter"))?.replace(/^104/, "101").replace("running", "stopped"));
  });

  it("list shows only this node's CTs", () => {
    assert.doesNotMatch(sim.pct("list"), /^150 /m);
  });

  it("status prints one line", () => {
    assert.equal(sim.pct("status", "100"), "status: stopped\n");
  });

  it("status --verbose prints sorted keys without cpu", () => {
    const lines = sim.pct("status", "100", "--verbose").trim().split("\n");
    const keys = lines.map((l) => l.split(":")[0]);
    assert.deepEqual(keys, [...keys].sort());
    assert.ok(!keys.includes("cpu"));
    assert.ok(lines.includes("maxmem: 536870912"));
  });

  it("a missing CT gives the cfs path error", () => {
    const r = sim.run("pct", ["config", "999"]);
    assert.equal(r.stderr, "Configuration file 'nodes/pve/lxc/999.conf' does not exist\n");
    assert.notEqual(r.code, 0);
  });

  it("description is stored as encoded # lines and printed encoded with a trailing %0A", () => {
    sim.pct("set", "100", "--description", "web: 100%\nsecond");
    assert.match(sim.confText(100), /^#web%3A 100%25\n#second\narch: amd64\n/);
    assert.match(sim.pct("config", "100"), /^description: web%3A 100%25%0Asecond%0A$/m);
  });

  it("tags are de-duplicated, lower-cased, sorted and joined with ;", () => {
    sim.pct("set", "100", "--tags", "Web,db web");
    assert.match(sim.confText(100), /^tags: db;web$/m);
  });

  it("mp allocation syntax creates a volume and stores the canonical value", () => {
    const out = sim.pct("set", "100", "--mp0", "mp=/data,local-lvm:2,backup=1");
    assert.match(out, / {2}Logical volume "vm-100-disk-1" created\./);
    assert.match(sim.confText(100), /^mp0: local-lvm:vm-100-disk-1,mp=\/data,backup=1,size=2G$/m);
    assert.ok(fs.existsSync(`${sim.nodeDir()}/volumes/local-lvm/vm-100-disk-1`));
  });

  it("deleting an unset key only warns", () => {
    const r = sim.run("pct", ["set", "100", "--delete", "searchdomain"]);
    assert.equal(r.stderr, "cannot delete 'searchdomain' - not set in current configuration!\n");
    assert.equal(r.code, 0);
  });

  it("unprivileged is read-only after create", () => {
    const r = sim.run("pct", ["set", "100", "--unprivileged", "0"]);
    assert.equal(r.stderr, "unable to modify read-only option: 'unprivileged'\n");
    assert.equal(r.code, 255);
  });

  it("destroy removes the volumes and the config", () => {
    const r = sim.run("pct", ["destroy", "101"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, / {2}Logical volume "vm-101-disk-0" successfully removed\./);
    assert.equal(fs.existsSync(sim.confFile(101)), false);
    assert.equal(fs.existsSync(`${sim.nodeDir()}/volumes/local-lvm/vm-101-disk-0`), false);
  });
});

describe("simulated pct: set on a running CT (hot-plug vs pending)", () => {
  let sim: Sim;
  before(() => {
    sim = makeSim();
    sim.createCt(100);
    sim.pct("start", "100");
    sim.pct("set", "100", "--memory", "1024", "--nameserver", "1.1.1.1", "--hostname", "live");
  });
  after(() => sim.cleanup());

  it("applies hot-pluggable keys at once", () => {
    assert.match(sim.pct("config", "100", "--current"), /^memory: 1024$/m);
    assert.match(sim.pct("config", "100", "--current"), /^hostname: live$/m);
  });

  it("keeps other keys in [pve:pending]", () => {
    assert.match(sim.confText(100), /\n\[pve:pending\]\nnameserver: 1\.1\.1\.1\n/);
  });

  it("config merges pending values unless --current", () => {
    assert.match(sim.pct("config", "100"), /^nameserver: 1\.1\.1\.1$/m);
    assert.doesNotMatch(sim.pct("config", "100", "--current"), /nameserver/);
  });

  it("pending prints cur/new lines", () => {
    const out = sim.pct("pending", "100");
    assert.match(out, /^cur memory: 1024$/m);
    assert.match(out, /^new nameserver: 1\.1\.1\.1$/m);
  });

  it("a pending delete shows as del", () => {
    sim.pct("set", "100", "--delete", "arch");
    assert.match(sim.pct("pending", "100"), /^del arch: amd64$/m);
    sim.pct("set", "100", "--revert", "arch");
  });

  it("start after stop applies the pending changes", () => {
    sim.pct("stop", "100");
    assert.match(sim.confText(100), /\[pve:pending\]/);
    sim.pct("start", "100");
    assert.doesNotMatch(sim.confText(100), /\[pve:pending\]/);
    assert.match(sim.confText(100), /^nameserver: 1\.1\.1\.1$/m);
  });

  it("start on a running CT fails before the task", () => {
    const r = sim.run("pct", ["start", "100"]);
    assert.equal(r.stderr, "CT 100 already running\n");
    assert.equal(r.code, 255);
  });

  it("destroy of a running CT needs --force", () => {
    const r = sim.run("pct", ["destroy", "100"]);
    assert.equal(r.stderr, "unable to destroy CT 100 - container is running\n");
  });
});

describe("simulated pct: real config files survive a rewrite", () => {
  let sim: Sim;
  before(() => {
    sim = makeSim();
  });
  after(() => sim.cleanup());

  for (const name of [
    "01-conffile-tteck2230-snapshots-fresh-tailscale.txt",
    "29-config-wlfogle-ct102-parent-vzdump-capdrop-empty-cgroup2-a.txt",
    "31-config-wlfogle-ct245-searchdomain-single-space.txt",
  ]) {
    it(`set keeps every other line of ${name.slice(0, 2)} byte for byte`, () => {
      const original = fixture(name);
      fs.mkdirSync(`${sim.root}/etc/pve/nodes/pve/lxc`, { recursive: true });
      fs.writeFileSync(sim.confFile(100), original);
      sim.pct("set", "100", "--tty", "3");
      const lines = sim.confText(100).split("\n");
      assert.deepEqual(lines.filter((l) => l !== "tty: 3"), original.split("\n"));
      assert.match(lines[lines.indexOf("tty: 3") - 1], /^swap: /);
    });
  }
});
