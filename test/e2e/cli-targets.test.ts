/**
 * Targeted `phoenix create` / `phoenix destroy` on the real engine: with C cloned from B cloned from A, and D
 * unrelated, `create C` creates exactly A, B and C; `destroy C` removes exactly C; `destroy A` is refused
 * while B and C need it.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { readCommandLog } from "../helpers/sim-node";
import { CliProject, makeCliProject, statusByCtid } from "./cli-project";

const TEMPLATE = "local:vztmpl/busybox-tiny_1.36_amd64.tar.gz";
const base = { memory_mb: 256, cores: 1, ostype: "unmanaged", storage_pool: "local-lvm", storage_size_gb: 1, network_config: { name: "eth0", bridge: "vmbr0", ip: "dhcp" } };
const CONFIG = {
  lxc_configs: {
    "9101": { ...base, name: "chain-a", template: TEMPLATE, template_snapshot_name: "final-form" },
    "9102": { ...base, name: "chain-b", clone_from_ctid: "9101", template_snapshot_name: "final-form" },
    "9103": { ...base, name: "chain-c", clone_from_ctid: "9102" },
    "9104": { ...base, name: "unrelated-d", template: TEMPLATE },
  },
};

let project: CliProject;

/** CTIDs that `pct create|clone|destroy` ran for on pve1, from the simulator's command log. */
function ctidsOf(verb: string, since: number): string[] {
  const log = readCommandLog(path.join(project.dir, ".phoenix", "sim"), "pve1").slice(since);
  return log.filter((c) => c.argv[0] === "pct" && c.argv[1] === verb && c.exit === 0).map((c) => (verb === "clone" ? c.argv[3]! : c.argv[2]!)).sort();
}

const logLength = () => readCommandLog(path.join(project.dir, ".phoenix", "sim"), "pve1").length;

before(async () => {
  project = makeCliProject(JSON.stringify(CONFIG, null, 2));
  const sim = await project.phoenix("sim", "start", "--nodes", "pve1");
  assert.equal(sim.code, 0, sim.stderr);
});
after(async () => {
  await project?.dispose();
});

describe("targeted create and destroy on a clone chain", () => {
  it("create of the leaf creates exactly it and the containers it is cloned from", async () => {
    const since = logLength();
    const r = await project.phoenix("create", "9103");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...ctidsOf("create", since), ...ctidsOf("clone", since)].sort(), ["9101", "9102", "9103"]);
    assert.deepEqual(statusByCtid(await project.phoenix("status", "--json")), { 9101: "running", 9102: "running", 9103: "running", 9104: "missing" });
  });

  it("destroy of a clone source that others need is refused, naming them", async () => {
    const r = await project.phoenix("destroy", "9101");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /CT 9101 is needed by CT 9102, 9103/);
    assert.match(r.stderr, /Destroy them together: phoenix destroy 9101 9102 9103\n/);
  });

  it("has no --force: the engine would refuse a destroy that leaves dependants behind", async () => {
    const r = await project.phoenix("destroy", "9101", "--force");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /there is no --force: .* name them too/);
  });

  it("destroy of the leaf destroys exactly it", async () => {
    const since = logLength();
    const r = await project.phoenix("destroy", "9103");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(ctidsOf("destroy", since), ["9103"]);
    assert.deepEqual(statusByCtid(await project.phoenix("status", "--json")), { 9101: "running", 9102: "running", 9103: "missing", 9104: "missing" });
  });

  it("the command the refusal prints destroys the source with what needs it", async () => {
    const refused = await project.phoenix("destroy", "9101");
    const command = /Destroy them together: phoenix (destroy [\d ]+)\n/.exec(refused.stderr)?.[1];
    // The containers file still lists 9103 (destroyed, not in state): naming it is harmless.
    assert.equal(command, "destroy 9101 9102 9103");
    const since = logLength();
    const r = await project.phoenix(...command!.split(" "));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(ctidsOf("destroy", since), ["9101", "9102"]);
  });
});
