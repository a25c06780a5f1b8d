/**
 * A simulated node's defaults exist from the moment it starts, as on a real node, and commands only read them:
 * the storage list (a real node's storage.cfg) is never written lazily by a command that a concurrent command
 * could read half-way.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { SshPool } from "../../host/ssh-pool";
import { startTestNodes, TestNodes } from "../helpers/sshd";
import { Sim, makeSim } from "./sim-harness";

describe("a started node's defaults", () => {
  let t: TestNodes;
  let pool: SshPool;
  before(async () => {
    t = await startTestNodes(2);
    pool = new SshPool({ credentials: t.credentials });
  });
  after(async () => {
    await pool?.close();
    await t?.stop();
  });

  it("the storage list and every node's config directory exist before the first command", () => {
    const storages = JSON.parse(fs.readFileSync(path.join(t.cluster.root, "etc/pve/storage.json"), "utf8"));
    assert.deepEqual(Object.keys(storages).sort(), ["local", "local-lvm", "local-zfs"]);
    for (const n of ["pve1", "pve2"]) assert.ok(fs.statSync(path.join(t.cluster.root, "etc/pve/nodes", n, "lxc")).isDirectory());
  });

  it("commands read the storage list without rewriting it", async () => {
    const file = path.join(t.cluster.root, "etc/pve/storage.json");
    const before = fs.statSync(file);
    const r = await Promise.all(t.nodes.flatMap((n) => [pool.exec(n, ["pvesm", "status"]), pool.exec(n, ["pvesh", "get", "/nodes", "--output-format", "json"])]));
    assert.deepEqual(r.map((x) => x.exitCode), [0, 0, 0, 0]);
    assert.deepEqual(JSON.parse(r[1]!.stdout).map((n: { node: string }) => n.node), ["pve1", "pve2"]);
    const after = fs.statSync(file);
    assert.deepEqual([after.ino, after.mtimeMs], [before.ino, before.mtimeMs]);
  });
});

describe("a node without its storage list", () => {
  let sim: Sim;
  before(() => {
    sim = makeSim();
    fs.rmSync(path.join(sim.root, "etc/pve/storage.json"));
  });
  after(() => sim.cleanup());

  it("fails with what is missing and how to start a node, and writes nothing", () => {
    const r = sim.run("pvesm", ["status"]);
    assert.equal(r.stderr, `simulator: ${sim.root}/etc/pve/storage.json is missing - start the node with the testbed launcher (phoenix sim start), which writes the default storages\n`);
    assert.equal(r.code, 255);
    assert.equal(fs.existsSync(path.join(sim.root, "etc/pve/storage.json")), false);
  });
});
