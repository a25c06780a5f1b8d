/**
 * The original system's lifecycle test, made to pass on the `phoenix` CLI: container 9999 from its own config
 * file goes through create → status shows it → start → running → stop → stopped → destroy → gone, on a simulated
 * node started with `phoenix sim start`, each step a separate `node bin/phoenix` process.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/pulumi-engine";
import { parsePveshSnapshots } from "../helpers/pve-oracle";
import { CliProject, makeCliProject, statusByCtid } from "./cli-project";

let project: CliProject;

before(async () => {
  project = makeCliProject(fs.readFileSync(path.join(REPO_ROOT, "test/fixtures/lifecycle/phoenix_lxc_configs.json"), "utf8"));
  const sim = await project.phoenix("sim", "start", "--nodes", "pve1");
  assert.equal(sim.code, 0, sim.stderr);
});
after(async () => {
  await project?.dispose();
});

describe("phoenix lifecycle of test container 9999", () => {
  it("create 9999 converges it, one progress line per step", async () => {
    const r = await project.phoenix("create", "9999");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^✓ ct-9999-container  \d+\.\ds$/m);
  });

  it("status shows it running on pve1", async () => {
    const r = await project.phoenix("status", "9999", "--json");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).map((row: { node: string; hostname: string }) => [row.node, row.hostname]), [["pve1", "test-container"]]);
    assert.equal(statusByCtid(r)["9999"], "running");
  });

  it("snapshots lists what pvesh lists on the node, a manual snapshot protected", async () => {
    // The node's own tools, run as an operator on the node would (the simulated node's root is the project's).
    const onNode = (tool: string, ...args: string[]) => {
      const r = spawnSync(path.join(REPO_ROOT, "testbed", "bin", tool), args, { encoding: "utf8", env: { ...process.env, PHOENIX_SIM_ROOT: path.join(project.dir, ".phoenix", "sim"), PHOENIX_SIM_NODE: "pve1" } });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    onNode("pct", "snapshot", "9999", "manual1", "--description", "by hand");
    const r = await project.phoenix("snapshots", "9999", "--json");
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { name: string; description: string; verdict: string; reason: string }[];
    const listed = parsePveshSnapshots(onNode("pvesh", "get", "/nodes/pve1/lxc/9999/snapshot", "--output-format", "json")).snapshots;
    assert.deepEqual(rows.map((row) => row.name).sort(), listed.map((s) => s.name).sort());
    assert.deepEqual(rows.find((row) => row.name === "manual1"), { name: "manual1", snaptime: listed.find((s) => s.name === "manual1")!.snaptime, description: "by hand", verdict: "protected", reason: "not-owned" });
  });

  it("start on a running container succeeds and leaves it running", async () => {
    const r = await project.phoenix("start", "9999");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statusByCtid(await project.phoenix("status", "9999", "--json"))["9999"], "running");
  });

  it("stop leaves it stopped", async () => {
    const r = await project.phoenix("stop", "9999");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statusByCtid(await project.phoenix("status", "9999", "--json"))["9999"], "stopped");
  });

  it("an up --refresh starts the stopped container again (started defaults to true)", async () => {
    const r = await project.phoenix("up", "--refresh");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /CT 9999 on pve1: running: false → true/);
    assert.equal(statusByCtid(await project.phoenix("status", "9999", "--json"))["9999"], "running");
  });

  it("destroy removes it: status shows it missing", async () => {
    const r = await project.phoenix("destroy", "9999");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statusByCtid(await project.phoenix("status", "9999", "--json"))["9999"], "missing");
  });
});
