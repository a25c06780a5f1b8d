import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Sim, makeSim } from "./sim-harness";

describe("simulated pct: CLI conventions", () => {
  let sim: Sim;
  before(() => {
    sim = makeSim();
    sim.createCt(100, "--hostname", "web01");
  });
  after(() => sim.cleanup());

  it("lists every failing parameter in one 400 block, with blank lines after format errors", () => {
    const r = sim.run("pct", ["set", "100", "--nameserver", "x", "--memory", "abc"]);
    assert.equal(r.stderr, [
      "400 Parameter verification failed.",
      "nameserver: invalid format - value does not look like a valid IP address",
      "",
      "memory: type check ('integer') failed - got 'abc'",
      "pct set <vmid> [OPTIONS]",
      "",
    ].join("\n"));
    assert.equal(r.code, 255);
  });

  it("reports a property-string error with its sub-key", () => {
    const r = sim.run("pct", ["set", "100", "--net0", "bridge=vmbr0"]);
    assert.equal(r.stderr, "400 Parameter verification failed.\nnet0: invalid format - format error\nnet0.name: property is missing and it is not optional\n\npct set <vmid> [OPTIONS]\n");
  });

  it("prints Getopt's line before 400 unable to parse option", () => {
    const r = sim.run("pct", ["config", "100", "--output-format", "json"]);
    assert.equal(r.stderr, "Unknown option: output-format\n400 unable to parse option\npct config <vmid> [OPTIONS]\n");
  });

  it("a boolean option swallowing a non-boolean value is a 400", () => {
    const r = sim.run("pct", ["destroy", "--purge", "100"]);
    assert.equal(r.stderr, "400 unable to parse boolean option\npct destroy <vmid> [OPTIONS]\n");
  });

  it("missing positionals give 400 not enough arguments", () => {
    assert.equal(sim.run("pct", ["snapshot", "100"]).stderr, "400 not enough arguments\npct snapshot <vmid> <snapname> [OPTIONS]\n");
  });

  it("a bad VMID is a 400", () => {
    const r = sim.run("pct", ["status", "99"]);
    assert.equal(r.stderr, "400 Parameter verification failed.\nvmid: invalid format - value does not look like a valid VM ID\n\npct status <vmid> [OPTIONS]\n");
  });

  it("an unknown command prints ERROR and the usage list, exit 255", () => {
    const r = sim.run("pct", ["frobnicate"]);
    assert.match(r.stderr, /^ERROR: unknown command 'pct frobnicate'\nUSAGE: pct <COMMAND> \[ARGS\] \[OPTIONS\]\n {7}pct clone /);
    assert.equal(r.code, 255);
  });

  it("accepts unambiguous command prefixes and single-dash options", () => {
    assert.match(sim.pct("conf", "100", "-current"), /^hostname: web01$/m);
  });

  it("accepts options before positionals", () => {
    assert.equal(sim.run("pct", ["set", "--cores", "2", "100"]).code, 0);
    assert.match(sim.confText(100), /^cores: 2$/m);
  });

  it("exec needs a running CT", () => {
    const r = sim.run("pct", ["exec", "100", "--", "true"]);
    assert.equal(r.stderr, "container '100' not running!\n");
    assert.notEqual(r.code, 0);
  });

  it("exec passes the command's exit code and output through", () => {
    sim.pct("start", "100");
    const r = sim.run("pct", ["exec", "100", "--", "sh", "-c", "echo out; echo err >&2; exit 7"]);
    assert.deepEqual([r.stdout, r.stderr, r.code], ["out\n", "err\n", 7]);
  });

  it("push copies a file with perms and owner", () => {
    const src = path.join(sim.root, "payload");
    fs.writeFileSync(src, "data\n");
    sim.pct("push", "100", src, "/tmp/payload", "--perms", "640", "--user", "www");
    const st = fs.statSync(`${sim.nodeDir()}/volumes/local-lvm/vm-100-disk-0/tmp/payload`);
    assert.deepEqual([st.mode & 0o777, st.uid], [0o640, 33]);
  });

  it("push exits 0 even when its task fails", () => {
    const r = sim.run("pct", ["push", "100", "/nonexistent/file", "/tmp/x"]);
    assert.equal(r.stderr, "failed to open /nonexistent/file for reading\n");
    assert.equal(r.code, 0);
  });

  it("push to a stopped CT fails before the task", () => {
    const r = sim.run("pct", ["push", "999", "/etc/hostname", "/tmp/x"]);
    assert.equal(r.stderr, "can only push files to a running CT\n");
    assert.notEqual(r.code, 0);
  });

  it("resize refuses to shrink and exits 0 when growing", () => {
    assert.equal(sim.run("pct", ["resize", "100", "rootfs", "512M"]).stderr, "unable to shrink disk size\n");
    assert.equal(sim.run("pct", ["resize", "100", "rootfs", "+1G"]).code, 0);
    assert.match(sim.confText(100), /^rootfs: local-lvm:vm-100-disk-0,size=2G$/m);
  });

  it("logs one JSON line per invocation with argv and exit code", () => {
    const before = sim.commandLog().length;
    sim.run("pct", ["set", "100", "--memory", "1024"]);
    sim.run("pct", ["status", "999"]);
    const log = sim.commandLog().slice(before);
    assert.deepEqual(log.map((e) => [e.argv, e.exit, e.node]), [
      [["pct", "set", "100", "--memory", "1024"], 0, "pve"],
      [["pct", "status", "999"], 255, "pve"],
    ]);
    assert.ok(log.every((e) => typeof e.ts === "number" && typeof e.ms === "number"));
  });
});

describe("simulated pvesh and pvesm", () => {
  let sim: Sim;
  before(() => {
    sim = makeSim();
    sim.createCt(100, "--hostname", "web01");
  });
  after(() => sim.cleanup());

  it("lists CTs as a JSON array with a numeric vmid and sorted keys", () => {
    const r = sim.run("pvesh", ["get", "/nodes/localhost/lxc", "--output-format", "json"]);
    const list = JSON.parse(r.stdout);
    assert.equal(list[0].vmid, 100);
    assert.equal(list[0].maxmem, 536870912);
    assert.equal(r.stdout.slice(0, 9), '[{"cpu":0');
  });

  it("ends the snapshot list with the current pseudo entry", () => {
    sim.pct("snapshot", "100", "base", "--description", "clean");
    const list = JSON.parse(sim.run("pvesh", ["get", "/nodes/pve/lxc/100/snapshot", "--output-format", "json"]).stdout);
    assert.equal(list[0].description, "clean\n");
    assert.deepEqual(Object.keys(list[list.length - 1]), ["description", "digest", "name", "parent", "running"]);
    assert.equal(list[list.length - 1].parent, "base");
  });

  it("returns config values typed, with a digest", () => {
    const obj = JSON.parse(sim.run("pvesh", ["get", "/nodes/pve/lxc/100/config", "--output-format", "json"]).stdout);
    assert.equal(obj.memory, 512);
    assert.equal(obj.hostname, "web01");
    assert.match(obj.digest, /^[0-9a-f]{40}$/);
  });

  it("pretty-prints with 3-space indent and spaced colons", () => {
    const out = sim.run("pvesh", ["get", "/nodes/pve/lxc/100/status/current", "--output-format", "json-pretty"]).stdout;
    assert.match(out, /^\{\n {3}"cpu" : 0,\n/);
  });

  it("a missing CT is the same error as pct", () => {
    const r = sim.run("pvesh", ["get", "/nodes/pve/lxc/555/config", "--output-format", "json"]);
    assert.equal(r.stderr, "Configuration file 'nodes/pve/lxc/555.conf' does not exist\n");
    assert.notEqual(r.code, 0);
  });

  it("pvesm status prints the storage table", () => {
    const lines = sim.run("pvesm", ["status"]).stdout.split("\n");
    assert.equal(lines[0], "Name             Type     Status           Total            Used       Available        %");
    assert.match(lines[2], /^local-lvm {5}lvmthin {5}active +\d+ +\d+ +\d+ +\d+\.\d\d%$/);
  });
});
