/**
 * The Pulumi CLI path, as a user runs it: the real `pulumi` binary (with its Node.js language host and the
 * dynamic-provider shim from the recorded CLI directory) in the project root of a project whose `main` is
 * dist/index.js, on the dev stack that `phoenix sim start` wrote, converging the example fleet on two simulated
 * nodes. One fleet is carried through every step: up → no-change preview and refresh → `phoenix` (run from
 * another directory with --cwd) and `pulumi` agree on each other's state → a stuck lock whose fix `pulumi up` prints →
 * retention deletions named by `pulumi preview` and made by the converging `pulumi up` → destroy.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { SshPool } from "../../host/ssh-pool";
import type { SimNode } from "../../testbed/launcher/sim-cluster";
import { clearFaults, injectOnce, listContainers } from "../helpers/fault-node";
import { mutatingSince, onNode, readCommandLog } from "../helpers/sim-node";
import { toNodeTarget } from "../helpers/sshd";
import type { CliRun } from "./cli-project";
import { announcedDeletions, makePulumiCliProject, PulumiCliProject } from "./pulumi-cli-project";

const NODES = ["pve1", "pve2"];
let project: PulumiCliProject;

/** `phoenix preview --json` planned nothing: every listed step (10 containers' steps) is `same`, and the counts say so. */
function assertNothingToDo(stdout: string): void {
  const preview = JSON.parse(stdout) as { changes: Record<string, number>; containers: Record<string, { ops: { op: string }[] }> };
  const ops = Object.values(preview.containers).flatMap((c) => c.ops);
  assert.equal(Object.keys(preview.containers).length, 10);
  assert.deepEqual(ops.filter((o) => o.op !== "same"), []);
  assert.deepEqual(preview.changes, { create: 0, update: 0, replace: 0, delete: 0, same: ops.length });
}
const out = (r: CliRun) => `${r.stdout}\n${r.stderr}`;
const ok = (r: CliRun, what: string) => assert.equal(r.code, 0, `${what} exited ${r.code}:\n${out(r).slice(-4000)}`);
const marks = () => NODES.map((n) => readCommandLog(project.simRoot, n).length);
const mutationsSince = (m: number[]) => NODES.flatMap((n, i) => mutatingSince(project.simRoot, n, m[i]!).map((c) => `${n}: ${c.argv.join(" ")}`));
/** Snapshot names of successful `pct snapshot` / `pct delsnapshot` of a CT in the command log after a mark. */
const snapshotCommands = (node: string, since: number, sub: "snapshot" | "delsnapshot", ctid: number) =>
  readCommandLog(project.simRoot, node).slice(since).filter((c) => c.argv[1] === sub && c.argv[2] === String(ctid) && c.exit === 0).map((c) => c.argv[3]!);
const simNodes = (): SimNode[] => (JSON.parse(fs.readFileSync(path.join(project.simRoot, "nodes.json"), "utf8")) as { nodes: SimNode[] }).nodes;
const setMemory = (ctid: number, mib: number) => {
  const config = project.readConfig();
  config.lxc_configs[String(ctid)]!.memory_mb = mib;
  project.writeConfig(config);
};

before(async () => {
  project = makePulumiCliProject();
  ok(await project.phoenix("sim", "start", "--nodes", NODES.join(",")), "phoenix sim start");
});
after(async () => {
  await project?.dispose();
});

describe("pulumi up / preview / refresh / destroy from the project root (main: dist/index.js)", () => {
  it("pulumi up converges the example fleet on the dev stack that phoenix sim start wrote", async () => {
    ok(await project.pulumi(["up", "--yes", "--stack", "dev", "--parallel", "32"]), "pulumi up");
    const output = await project.pulumi(["stack", "output", "containers", "--json", "--stack", "dev"]);
    ok(output, "pulumi stack output");
    const containers = JSON.parse(output.stdout) as Record<string, { node: string; status: string }>;
    assert.equal(Object.keys(containers).length, 10);
    for (const [ctid, c] of Object.entries(containers)) assert.equal(c.status, "running", `CT ${ctid}`);
  });

  it("pulumi preview and pulumi refresh --expect-no-changes pass right after, with no pct mutation; phoenix agrees", async () => {
    const m = marks();
    ok(await project.pulumi(["preview", "--expect-no-changes", "--stack", "dev"]), "pulumi preview --expect-no-changes");
    ok(await project.pulumi(["refresh", "--expect-no-changes", "--yes", "--stack", "dev"]), "pulumi refresh --expect-no-changes");
    assert.deepEqual(mutationsSince(m), []);
    const phoenixPreview = await project.phoenix("preview", "--json");
    ok(phoenixPreview, "phoenix preview (from another directory, --cwd)");
    assertNothingToDo(phoenixPreview.stdout);
  });

  it("a change applied by phoenix up leaves pulumi preview --expect-no-changes with nothing to do", async () => {
    setMemory(950, 576);
    ok(await project.phoenix("up"), "phoenix up (memory 576)");
    const m = marks();
    ok(await project.pulumi(["preview", "--expect-no-changes", "--diff", "--stack", "dev"]), "pulumi preview after phoenix up");
    assert.deepEqual(mutationsSince(m), []);
  });

  it("a stuck lock: pulumi up prints what failed, where, and the command that clears it", async () => {
    const pve1 = simNodes().find((n) => n.name === "pve1")!;
    setMemory(950, 640);
    injectOnce(project.simRoot, "pve1", { cmd: "set", vmid: 950, action: "stuck-lock", lock: "backup" });
    const first = await project.pulumi(["up", "--yes", "--stack", "dev"]);
    assert.notEqual(first.code, 0);
    assert.match(out(first), /pct set 950 --memory 640/);
    clearFaults(project.simRoot, "pve1");
    const second = await project.pulumi(["up", "--yes", "--stack", "dev"]);
    assert.notEqual(second.code, 0);
    assert.match(out(second), /CT 950 is locked \(backup\) and no running task holds the lock/);
    assert.match(out(second), /on node 'pve1'/);
    const fix = /next step: .*on the node run: (pct unlock 950)$/m.exec(out(second));
    assert.ok(fix, out(second));
    const pool = new SshPool({ credentials: { privateKey: fs.readFileSync(path.join(project.simRoot, "ssh", "id_ed25519"), "utf8") } });
    try {
      await onNode(pool, toNodeTarget(pve1), fix[1]!.split(" "));
    } finally {
      await pool.close();
    }
  });

  it("pulumi preview names each snapshot the following pulumi up deletes; that up converges and phoenix agrees", async () => {
    const taken = snapshotCommands("pve1", 0, "snapshot", 950);
    assert.equal(taken.length, 2, "CT 950's final snapshots: the first up's and phoenix up's");
    const config = project.readConfig();
    config.lxc_configs["950"]!.snapshot_retention = { keep_last: 1 };
    project.writeConfig(config);
    const preview = await project.pulumi(["preview", "--stack", "dev"]);
    ok(preview, "pulumi preview");
    const announced = announcedDeletions(out(preview), 950);
    // The pending memory change takes a new final snapshot, so keep_last 1 leaves only that one.
    assert.deepEqual(announced, [...taken].sort());
    const m = marks();
    ok(await project.pulumi(["up", "--yes", "--stack", "dev"]), "pulumi up after pct unlock");
    const deleted = NODES.flatMap((n, i) => readCommandLog(project.simRoot, n).slice(m[i]).filter((c) => c.argv[1] === "delsnapshot" && c.exit === 0).map((c) => `${c.argv[2]} ${c.argv[3]}`));
    assert.deepEqual(deleted.sort(), announced.map((n) => `950 ${n}`));
    assert.equal(snapshotCommands("pve1", m[0]!, "snapshot", 950).length, 1, "the up took the final snapshot it kept");
    const afterUp = await project.phoenix("preview", "--json");
    ok(afterUp, "phoenix preview after pulumi up");
    assertNothingToDo(afterUp.stdout);
  });

  it("a bind mount on a container with final snapshots: preview warns, up mounts it and snapshots nothing; asking for one is refused before any node", async () => {
    const config = project.readConfig();
    config.lxc_configs["955"]!.mount_points = [{ host_path: "/srv", container_path: "/mnt/data" }];
    project.writeConfig(config);
    const preview = await project.pulumi(["preview", "--stack", "dev"]);
    ok(preview, "pulumi preview");
    assert.match(out(preview), /lxc_configs\.955\.mount_points: PVE cannot snapshot a container with bind mount points .*takes no final snapshot/);
    const m = marks();
    ok(await project.pulumi(["up", "--yes", "--stack", "dev"]), "pulumi up (bind mount)");
    assert.ok(mutationsSince(m).includes("pve2: pct set 955 --mp0 /srv,mp=/mnt/data"), mutationsSince(m).join("\n"));
    assert.deepEqual(snapshotCommands("pve2", m[1]!, "snapshot", 955), []);
    ok(await project.pulumi(["preview", "--expect-no-changes", "--stack", "dev"]), "pulumi preview after the bind mount");

    config.lxc_configs["955"]!.final_snapshot = true;
    project.writeConfig(config);
    const before = marks();
    const refused = await project.pulumi(["preview", "--stack", "dev"]);
    assert.notEqual(refused.code, 0);
    assert.match(out(refused), /lxc_configs\.955\.final_snapshot: PVE cannot snapshot a container with bind mount points .*remove "final_snapshot": true/);
    assert.deepEqual(marks(), before, "no command reached a node");
    delete config.lxc_configs["955"]!.final_snapshot;
    project.writeConfig(config);
  });

  it("pulumi destroy removes every container from both nodes", async () => {
    ok(await project.pulumi(["destroy", "--yes", "--stack", "dev"]), "pulumi destroy");
    const pool = new SshPool({ credentials: { privateKey: fs.readFileSync(path.join(project.simRoot, "ssh", "id_ed25519"), "utf8") } });
    try {
      for (const node of simNodes()) assert.deepEqual(await listContainers(pool, toNodeTarget(node)), [], node.name);
    } finally {
      await pool.close();
    }
  });
});
