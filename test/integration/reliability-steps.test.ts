/**
 * Faults during the steps after the container: a feature install (`pct exec`), the final snapshot
 * (`pct snapshot`) and retention (`pct delsnapshot`). A dropped install is simply run again (install scripts
 * are idempotent). A snapshot or delsnapshot whose task died leaves the CT locked with a half-made snapshot:
 * deleting that snapshot is a decision no preview showed, so the next up stops at once with the exact commands
 * that clear it, and after they ran it converges. Nothing but planned snapshots is ever deleted.
 */
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as container from "../../providers/impl/container";
import * as feature from "../../providers/impl/feature";
import * as finalSnapshot from "../../providers/impl/final-snapshot";
import * as retention from "../../providers/impl/retention";
import { ContainerInputs, NodeConnection } from "../../core/container/inputs";
import { buildSnapshotDescription, buildSnapshotName } from "../../core/retention/snapshot-name";
import { SshPool } from "../../host/ssh-pool";
import { PctClient } from "../../host/pct-client";
import { NodeTarget } from "../../host/transport";
import { TestNodes } from "../helpers/sshd";
import { onNode, startProviderTestNode } from "../helpers/sim-node";
import { clearFaults, injectOnce, listContainers, waitNoActiveTask } from "../helpers/fault-node";
import { pveshSnapshots } from "../helpers/pve-oracle";

const NODE = "pve1";
const VMID = 330;
let t: TestNodes;
let pool: SshPool;
let target: NodeTarget;
let client: PctClient;
let connection: NodeConnection;
let template: string;

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  assert.fail("the operation succeeded despite the injected fault");
}

const snapshots = async () => (await pveshSnapshots(pool, target, VMID)).snapshots;
const names = async () => (await snapshots()).map((s) => s.name).sort();
const lockOf = async () => (await listContainers(pool, target)).find((c) => c.vmid === VMID)?.lock;

/** Runs, as the operator would, each command a stuck-lock error prints, with the placeholder filled in. */
async function runPrintedFix(message: string, halfMade: string): Promise<void> {
  const fix = /on the node run: (pct unlock \d+), then '(pct delsnapshot \d+ <[^>]+> --force)'$/m.exec(message);
  assert.ok(fix, `no fix command in: ${message}`);
  await onNode(pool, target, fix[1]!.split(" "));
  await onNode(pool, target, fix[2]!.replace(/<[^>]+>/, halfMade).split(" "));
}

before(async () => {
  ({ t, target, connection, pool, client, template } = await startProviderTestNode(NODE));
  const inputs: ContainerInputs = {
    vmid: VMID, node: NODE, connection, owner: "phoenix-lxc/reliability", source: { kind: "template", ostemplate: template }, ostype: "unmanaged",
    storage: "local-lvm", rootfsGiB: 1, unprivileged: true, hostname: "steps", memoryMiB: 256, swapMiB: 128, cores: 1, nameservers: [], onboot: false,
    features: [], tags: [], volumes: [], bindMounts: [], lxcOptions: [], apparmorManagesNesting: false, gpus: [], running: true, restartPolicy: "restart", adopt: false,
  };
  await container.create(inputs);
  await onNode(pool, target, ["pct", "snapshot", String(VMID), "keep", "--description", "taken by hand"]);
});
afterEach(() => clearFaults(t.cluster.root, NODE));
after(async () => {
  await pool?.close();
  await t?.stop();
});

describe("faults during features, snapshots and retention", () => {
  it("a connection dropped during a feature converge names node, CT and step; the next up installs it", async () => {
    const inputs: feature.FeatureInputs = {
      vmid: VMID, node: NODE, connection, feature: "marker", env: {}, contentHash: "h1", trigger: 1,
      scripts: { guard: "test -f /root/feature-ok", install: "touch /root/feature-ok", verify: "test -f /root/feature-ok" },
    };
    // Guard, install and verify are one `pct exec` (host/feature-converge): the drop hits it.
    injectOnce(t.cluster.root, NODE, { cmd: "exec", vmid: VMID, action: "drop" });
    const error = await rejection(feature.create(inputs));
    assert.match(error.message, /dropped while a command was running[\s\S]*on node 'pve1'/);
    // The scripts travel as arguments of that one command; the message names it, without them.
    assert.match(error.message, /\n {2}command: +pct exec 330 -- <script phoenix-marker-converge>\n/, error.message);
    assert.ok(!error.message.includes("touch /root/feature-ok"), error.message);
    clearFaults(t.cluster.root, NODE);
    const r = await feature.create(inputs);
    assert.equal(r.outs.lastAction, "installed");
    assert.equal(r.outs.installed, true);
  });

  let halfSnapshot = "";
  const finalInputs = (): finalSnapshot.FinalSnapshotInputs => ({ vmid: VMID, node: NODE, connection, prefix: "phx", trigger: "1", takeFinal: true });

  it("a connection dropped during the final snapshot names node, CT and command, and deletes nothing", async () => {
    const before = await names();
    injectOnce(t.cluster.root, NODE, { cmd: "snapshot", vmid: VMID, action: "drop" });
    const error = await rejection(finalSnapshot.create(finalInputs()));
    assert.match(error.message, /on node 'pve1'[\s\S]*command: +pct snapshot 330 phx/);
    await waitNoActiveTask(pool, target, VMID);
    const half = (await snapshots()).filter((s) => !before.includes(s.name));
    assert.deepEqual(half.map((s) => s.snapstate), ["prepare"]);
    halfSnapshot = half[0]!.name;
    assert.equal(await lockOf(), "snapshot");
    const after = await names();
    assert.deepEqual(before.filter((n) => !after.includes(n)), [], "a snapshot was deleted");
  });

  it("the next up stops at once on the stuck snapshot lock and prints the commands that clear it", async () => {
    const error = await rejection(finalSnapshot.create(finalInputs()));
    assert.match(error.message, /CT 330 is locked \(snapshot\) and no running task holds the lock for CT 330 on node 'pve1'/);
    await runPrintedFix(error.message, halfSnapshot);
    assert.equal(await lockOf(), undefined);
  });

  it("after the printed commands the next up takes the final snapshot, and the hand-made one survives", async () => {
    const r = await finalSnapshot.create(finalInputs());
    assert.match(r.outs.lastSnapshot, /^phx/);
    const now = await names();
    assert.ok(now.includes(r.outs.lastSnapshot) && now.includes("keep") && !now.includes(halfSnapshot));
  });

  it("a connection dropped during a retention delete, then the printed fix: only planned snapshots go", async () => {
    const taken: string[] = [];
    for (let i = 0; i < 3; i++) {
      const name = buildSnapshotName("phx", new Date(Date.UTC(2026, 0, 1 + i)), await names());
      await client.snapshot(VMID, name, buildSnapshotDescription());
      taken.push(name);
      await new Promise((r) => setTimeout(r, 1100)); // distinct snaptimes (1 s resolution)
    }
    const inputs: retention.RetentionInputs = { vmid: VMID, node: NODE, connection, prefix: "phx", policy: { keep_last: 1 }, pins: [], cloneSources: [], trigger: "t1" };
    const first = await retention.create(inputs);
    const planned = first.outs.planned;
    assert.ok(planned.length >= 2, `retention planned ${planned.join(", ")}`);
    const initial = await names();

    injectOnce(t.cluster.root, NODE, { cmd: "delsnapshot", vmid: VMID, action: "drop" });
    const dropped = await rejection(retention.update("330/retention", first.outs, inputs));
    assert.match(dropped.message, /on node 'pve1'[\s\S]*command: +pct delsnapshot 330 phx/);
    const half = /pct delsnapshot 330 (\S+)/.exec(dropped.message)![1]!;
    await waitNoActiveTask(pool, target, VMID);
    clearFaults(t.cluster.root, NODE);

    const stuck = await rejection(retention.update("330/retention", first.outs, inputs));
    assert.match(stuck.message, /CT 330 is locked \(snapshot-delete\) and no running task holds the lock/);
    await runPrintedFix(stuck.message, half);
    const done = await retention.update("330/retention", first.outs, inputs);
    const remaining = await names();
    assert.deepEqual(initial.filter((n) => !remaining.includes(n)).sort(), [...planned].sort(), "deleted exactly the planned snapshots");
    assert.ok(remaining.includes("keep"));
    assert.equal(await lockOf(), undefined);
    assert.ok(done.outs.deleted.every((n) => planned.includes(n)));
  });
});
