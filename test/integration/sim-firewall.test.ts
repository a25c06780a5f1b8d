// The simulated firewall endpoints and file against pve-firewall's behaviour (API2/Firewall/Rules.pm, VM.pm,
// Firewall.pm parse/format): the file PVE writes, create at the top, moveto, digests, errors, clone and destroy.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Sim, makeSim } from "./sim-harness";

const BASE = "/nodes/pve/lxc/100/firewall";
let sim: Sim;
const fwFile = (vmid: number) => path.join(sim.root, "etc/pve/firewall", `${vmid}.fw`);
const pvesh = (...args: string[]) => sim.run("pvesh", args);
const list = () => JSON.parse(pvesh("get", `${BASE}/rules`, "--output-format", "json").stdout) as Array<Record<string, unknown>>;

before(() => {
  sim = makeSim();
  assert.equal(sim.createCt(100).code, 0);
});
after(() => sim.cleanup());

describe("simulated pvesh: container firewall", () => {
  it("lists no rules and no options before there is a file", () => {
    assert.deepEqual(list(), []);
    assert.equal(pvesh("get", `${BASE}/options`, "--output-format", "json").stdout, '{"digest":"da39a3ee5e6b4b0d3255bfef95601890afd80709"}\n');
    assert.equal(fs.existsSync(fwFile(100)), false);
  });

  it("inserts each new rule at position 0, disabled unless --enable is given, and writes PVE's file format", () => {
    assert.equal(pvesh("create", `${BASE}/rules`, "--type", "in", "--action", "ACCEPT", "--proto", "tcp", "--dport", "80,443", "--comment", "web").code, 0);
    assert.equal(pvesh("create", `${BASE}/rules`, "--type", "out", "--action", "DROP", "--dest", "10.0.0.0/8", "--enable", "1").code, 0);
    assert.equal(pvesh("set", `${BASE}/options`, "--enable", "1", "--policy_in", "DROP").code, 0);
    assert.equal(fs.readFileSync(fwFile(100), "utf8"), "[OPTIONS]\n\nenable: 1\npolicy_in: DROP\n\n[RULES]\n\nOUT DROP -dest 10.0.0.0/8\n|IN ACCEPT -p tcp -dport 80,443 # web\n\n");
    const rules = list();
    assert.deepEqual(rules.map((r) => [r.pos, r.type, r.enable, r.ipversion]), [[0, "out", 1, 4], [1, "in", 0, undefined]]);
    assert.equal(new Set(rules.map((r) => r.digest)).size, 1);
  });

  it("moves with moveto as PVE does (insert before the rule that was at that index) and refuses a stale digest", () => {
    pvesh("create", `${BASE}/rules`, "--type", "in", "--action", "REJECT", "--enable", "1");
    const digest = String(list()[0]!.digest);
    assert.equal(pvesh("set", `${BASE}/rules/0`, "--moveto", "2", "--digest", digest).code, 0);
    assert.deepEqual(list().map((r) => r.action), ["DROP", "REJECT", "ACCEPT"]);
    const stale = pvesh("delete", `${BASE}/rules/0`, "--digest", digest);
    assert.deepEqual([stale.code, stale.stderr], [255, "detected modified configuration - file changed by other user? Try again.\n"]);
    assert.equal(pvesh("set", `${BASE}/rules/2`, "--moveto", "0").code, 0);
    assert.deepEqual(list().map((r) => r.action), ["ACCEPT", "DROP", "REJECT"]);
    const missing = pvesh("delete", `${BASE}/rules/7`);
    assert.deepEqual([missing.code, missing.stderr], [255, "no rule at position 7\n"]);
  });

  it("refuses what verify_rule refuses, naming the parameter", () => {
    for (const [args, message] of [
      [["--dport", "80"], "proto: missing property - 'dport' requires this property"],
      [["--proto", "tcp", "--dport", "70000"], "dport: invalid format - invalid port '70000'\n"],
      [["--proto", "icmp", "--sport", "1"], "sport: protocol 'icmp' does not support ports"],
      [["--source", "+nosuch"], "source: no such ipset 'nosuch'"],
      [["--source", "10.0.0.1", "--dest", "fd00::1"], "dest: detected mixed ipv4/ipv6 addresses in rule"],
    ] as const) {
      const r = pvesh("create", `${BASE}/rules`, "--type", "in", "--action", "ACCEPT", ...args);
      assert.equal(r.code, 255);
      assert.equal(r.stderr, `400 Parameter verification failed.\n${message}\npvesh create <api_path> [OPTIONS] [FORMAT_OPTIONS]\n`);
    }
    assert.equal(list().length, 3, "nothing was written");
  });

  it("keeps the datacenter switch in cluster.fw", () => {
    assert.equal(pvesh("set", "/cluster/firewall/options", "--enable", "1").code, 0);
    assert.equal(JSON.parse(pvesh("get", "/cluster/firewall/options", "--output-format", "json").stdout).enable, 1);
    assert.equal(fs.readFileSync(path.join(sim.root, "etc/pve/firewall/cluster.fw"), "utf8"), "[OPTIONS]\n\nenable: 1\n\n");
  });

  it("copies the file on pct clone and removes it on pct destroy", () => {
    sim.pct("clone", "100", "101");
    assert.equal(fs.readFileSync(fwFile(101), "utf8"), fs.readFileSync(fwFile(100), "utf8"));
    sim.pct("destroy", "101");
    assert.equal(fs.existsSync(fwFile(101)), false);
  });
});
