/**
 * The retention resource against a simulated node: an up deletes only snapshots its preview (diff, from state)
 * listed; what the live plan adds is deferred and listed by the next preview; live changes between preview and
 * up shrink the deletion, never grow it; manual, pinned and clone-source snapshots are never deleted.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as container from "../../providers/impl/container";
import * as retention from "../../providers/impl/retention";
import { configureRuntime, setTransportForTesting } from "../../providers/impl/runtime";
import { buildSnapshotDescription } from "../../core/retention/snapshot-name";
import { PctClient } from "../../host/pct-client";
import { SshPool } from "../../host/ssh-pool";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes, TestNodes } from "../helpers/sshd";
import { mutatingSince, readCommandLog } from "../helpers/sim-node";
import { pveshSnapshots } from "../helpers/pve-oracle";

const NODE = "pve1";
let t: TestNodes;
let pool: SshPool;
let client: PctClient;
let inputs: retention.RetentionInputs;
const logged: string[] = [];
let restoreLog: () => void;

const owned = (i: number) => `phx-2026010${i}T000000Z`;
const deletedSince = (since: number) => mutatingSince(t.cluster.root, NODE, since).filter((c) => c.argv[1] === "delsnapshot").map((c) => c.argv[3]);
const names = async () => (await pveshSnapshots(pool, t.nodes[0]!, 900)).snapshots.map((s) => s.name).sort();

before(async () => {
  t = await startTestNodes(1);
  pool = new SshPool({ credentials: t.credentials });
  client = new PctClient(pool, t.nodes[0]!);
  configureRuntime({ get: (k) => (k === "sshPrivateKey" ? t.credentials.privateKey : undefined) });
  setTransportForTesting(undefined);
  const template = installTemplate(t.cluster.root, NODE, "busybox");
  const n = t.nodes[0]!;
  const target = { vmid: 900, node: NODE, connection: { host: n.host, port: n.port, user: n.user, hostKeyFingerprint: n.hostKeyFingerprint } };
  await container.create({
    ...target, owner: "phoenix-lxc/test", source: { kind: "template", ostemplate: template }, ostype: "unmanaged", storage: "local-lvm", rootfsGiB: 1,
    unprivileged: true, hostname: "ret900", memoryMiB: 256, swapMiB: 128, cores: 1, nameservers: [], onboot: false, features: [], tags: [],
    volumes: [], bindMounts: [], lxcOptions: [], apparmorManagesNesting: false, gpus: [], running: true, restartPolicy: "restart", adopt: false,
  });
  // Five owned snapshots, a manual one, a pinned one and a template snapshot clones are made from.
  for (const i of [1, 2, 3]) await client.snapshot(900, owned(i), buildSnapshotDescription());
  await client.snapshot(900, "manual-before-upgrade", "taken by hand");
  await client.snapshot(900, owned(4), buildSnapshotDescription());
  await client.snapshot(900, "final-form", "template snapshot");
  await client.snapshot(900, owned(5), buildSnapshotDescription());
  inputs = { ...target, prefix: "phx", policy: { keep_last: 2 }, pins: [owned(1)], cloneSources: ["final-form"], trigger: owned(5) };
  const original = console.log;
  console.log = (...args: unknown[]) => { logged.push(args.join(" ")); };
  restoreLog = () => { console.log = original; };
});
after(async () => {
  restoreLog?.();
  await pool?.close();
  await t?.stop();
});

describe("snapshot retention against a node", () => {
  let outs: retention.RetentionOutputs;

  it("deletes nothing on its first run (no preview could have listed anything) and defers the candidates", async () => {
    const since = readCommandLog(t.cluster.root, NODE).length;
    outs = (await retention.create(inputs)).outs;
    assert.deepEqual(deletedSince(since), []);
    assert.deepEqual(outs.planned, [owned(2), owned(3)]);
    assert.ok(logged.some((l) => l.includes(`${owned(2)}, ${owned(3)}, which no preview listed: deferred`)));
  });

  it("lists the deferred snapshots in the next preview and deletes exactly those, oldest first", async () => {
    logged.length = 0;
    const d = await retention.diff("900/retention", outs, inputs);
    assert.equal(d.changes, true);
    assert.ok(logged.some((l) => l.endsWith(`retention will delete 2 snapshot(s): ${owned(2)}, ${owned(3)}`)), logged.join("\n"));
    const since = readCommandLog(t.cluster.root, NODE).length;
    outs = (await retention.update("900/retention", outs, inputs)).outs;
    assert.deepEqual(deletedSince(since), [owned(2), owned(3)]);
    assert.deepEqual(await names(), [owned(1), owned(4), owned(5), "final-form", "manual-before-upgrade"].sort());
  });

  it("never deletes more than the preview listed when live snapshots changed in between", async () => {
    await client.snapshot(900, owned(6), buildSnapshotDescription());
    await client.snapshot(900, owned(7), buildSnapshotDescription());
    // The preview sees the state (owned 4, 5 and a new snapshot 6): it lists owned 4. Then someone deletes 4 by
    // hand and another snapshot (7) appears: the live plan would now delete 5 as well.
    const next = { ...inputs, trigger: owned(6) };
    logged.length = 0;
    await retention.diff("900/retention", outs, next);
    assert.ok(logged.some((l) => l.endsWith(`retention will delete 1 snapshot(s): ${owned(4)}`)), logged.join("\n"));
    await client.delsnapshot(900, owned(4));
    const since = readCommandLog(t.cluster.root, NODE).length;
    logged.length = 0;
    outs = (await retention.update("900/retention", outs, next)).outs;
    assert.deepEqual(deletedSince(since), []);
    assert.ok(logged.some((l) => l.includes(`no longer deleting ${owned(4)}`)), logged.join("\n"));
    assert.ok(logged.some((l) => l.includes(`${owned(5)}, which no preview listed: deferred`)), logged.join("\n"));
    assert.ok((await names()).includes(owned(5)));
  });

  it("keeps manual, pinned and clone-source snapshots whatever the policy", async () => {
    const strict = { ...inputs, policy: { keep_last: 1 }, trigger: owned(7) };
    await retention.diff("900/retention", outs, strict);
    outs = (await retention.update("900/retention", outs, strict)).outs;
    const left = await names();
    for (const kept of ["manual-before-upgrade", owned(1), "final-form", owned(7)]) assert.ok(left.includes(kept), `${kept} was deleted`);
  });
});
