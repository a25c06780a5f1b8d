/**
 * The documented exit codes of `phoenix` when a node cannot be used: 3 ("environment not ready") whether the
 * failure met the engine (up, preview --refresh) or a direct read (status), and a status that says why (a node
 * that is down is `unreachable`, one whose host key is not trusted is `host-key`, not `unreachable`).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/pulumi-engine";
import { CliProject, makeCliProject, statusByCtid } from "./cli-project";

let project: CliProject;
const stackFile = () => path.join(project.dir, "Pulumi.dev.yaml");

before(async () => {
  // A passphrase, as a real stack has: the host-key case below changes the pinned key, which makes the stack
  // no longer one of the simulated nodes as `sim start` made them.
  project = makeCliProject(fs.readFileSync(path.join(REPO_ROOT, "test/fixtures/lifecycle/phoenix_lxc_configs.json"), "utf8"), { PULUMI_CONFIG_PASSPHRASE: "exit-codes-test" });
  const sim = await project.phoenix("sim", "start", "--nodes", "pve1");
  assert.equal(sim.code, 0, sim.stderr);
});
after(async () => {
  await project?.dispose();
});

describe("phoenix and an invalid containers file", () => {
  it("prints each problem once, exit 1", async () => {
    const bad = path.join(project.dir, "bad.json");
    const good = JSON.parse(fs.readFileSync(path.join(project.dir, "phoenix_lxc_configs.json"), "utf8"));
    good.lxc_configs["9999"].memory_mb = "lots";
    fs.writeFileSync(bad, JSON.stringify(good));
    const r = await project.phoenix("preview", "--config", bad);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr.split("\n").filter((l) => l.includes("lxc_configs.9999.memory_mb")).length, 1, r.stderr);
  });
});

describe("phoenix and a wrong stack config", () => {
  it("a node entry with a field it does not have stops status and preview, exit 3, naming the key and the fix; no command reaches the node", async () => {
    const pinned = fs.readFileSync(stackFile(), "utf8");
    const log = path.join(project.dir, ".phoenix", "sim", "nodes", "pve1", "command.log");
    const commands = () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter((l) => l !== "").length : 0);
    fs.writeFileSync(stackFile(), pinned.replace(/^(\s*)hostKeyFingerprint:/m, "$1hostKeyFingerprnt:"));
    const sent = commands();
    try {
      for (const command of ["status", "preview"]) {
        const r = await project.phoenix(command);
        assert.equal(r.code, 3, r.stderr);
        assert.match(r.stderr, /stack config nodes\.pve1\.hostKeyFingerprnt is not a node setting \(known: host, port, user, hostKeyFingerprint, knownHostsFile\)\n\s+next step: pulumi config rm --path 'nodes\.pve1\.hostKeyFingerprnt'/);
      }
      assert.equal(commands(), sent);
    } finally {
      fs.writeFileSync(stackFile(), pinned);
    }
    // Positive control: with the stack config right again, status reaches the node, and the log shows it.
    const sentBefore = commands();
    await project.phoenix("status");
    assert.ok(commands() > sentBefore, "status with a right stack config ran commands on the node");
  });
});

describe("phoenix exit codes when a node cannot be used", () => {
  it("status of a node whose host key is not pinned says host-key, exit 3", async () => {
    const pinned = fs.readFileSync(stackFile(), "utf8");
    assert.match(pinned, /hostKeyFingerprint: SHA256:/);
    fs.writeFileSync(stackFile(), pinned.replace(/^\s*hostKeyFingerprint: SHA256:.*\n/m, ""));
    try {
      const r = await project.phoenix("status", "--json");
      assert.equal(r.code, 3, r.stderr);
      assert.equal(statusByCtid(r)["9999"], "host-key");
    } finally {
      fs.writeFileSync(stackFile(), pinned);
    }
  });

  it("up against a node that is down fails with exit 3 and names the node", async () => {
    assert.equal((await project.phoenix("sim", "stop")).code, 0);
    const r = await project.phoenix("up");
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /cannot connect to root@127\.0\.0\.\d+:\d+ \(ECONNREFUSED\) on node 'pve1'/);
  });

  it("status of a node that is down says unreachable, exit 3", async () => {
    const r = await project.phoenix("status", "--json");
    assert.equal(r.code, 3, r.stderr);
    assert.equal(statusByCtid(r)["9999"], "unreachable");
  });
});
