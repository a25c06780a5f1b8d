/**
 * Refresh reads from the node inventory, against a simulated node over real SSH: many containers' reads cost one
 * `pct list` (counted in the node's command log) and give exactly what reading each container alone gives; any
 * command that may change the node makes the next read fetch a fresh inventory; a node whose inventory fails
 * still answers every read, container by container.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readObservedContainer, readObservedFromInventory, readSnapshotList, readSnapshotListFromInventory } from "../../host/container-io";
import { InventoryReader } from "../../host/inventory-reader";
import { ReadCoalescer } from "../../host/read-coalescer";
import { SshPool } from "../../host/ssh-pool";
import { PctClient } from "../../host/pct-client";
import { NodeTarget } from "../../host/transport";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes, TestNodes } from "../helpers/sshd";
import { onNode, readCommandLog, setFaults } from "../helpers/sim-node";

const NODE = "pve1";
const VMIDS = [370, 371, 372];
let t: TestNodes;
let pool: SshPool;
let target: NodeTarget;

const mark = () => readCommandLog(t.cluster.root, NODE).length;
/** The pct and pvesh sub-commands run since `since`, e.g. `pct list`. */
const toolCallsSince = (since: number) =>
  readCommandLog(t.cluster.root, NODE)
    .slice(since)
    .filter((c) => c.argv[0] === "pct" || c.argv[0] === "pvesh")
    .map((c) => `${c.argv[0]} ${c.argv[1]}`);

before(async () => {
  t = await startTestNodes(1);
  target = t.nodes[0]!;
  pool = new SshPool({ credentials: t.credentials });
  const template = installTemplate(t.cluster.root, NODE, "busybox");
  for (const vmid of VMIDS) {
    await onNode(pool, target, ["pct", "create", String(vmid), template, "--rootfs", "local-lvm:1", "--ostype", "unmanaged", "--hostname", `ct${vmid}`, "--description", `ct ${vmid}: 100%`]);
  }
  await onNode(pool, target, ["pct", "start", "371"]);
  await onNode(pool, target, ["pct", "set", "371", "--ostype", "debian"]);
  await onNode(pool, target, ["pct", "snapshot", "372", "base", "--description", "first"]);
});
after(async () => {
  await pool?.close();
  await t?.stop();
});

describe("node inventory for refresh reads", () => {
  it("answers every container's observation and snapshot list with one pct list, equal to reading each alone", async () => {
    const inventory = new InventoryReader(new ReadCoalescer(pool));
    const since = mark();
    const [observed, lists] = await Promise.all([
      Promise.all([...VMIDS, 379].map((v) => readObservedFromInventory(inventory, target, v))),
      Promise.all(VMIDS.map((v) => readSnapshotListFromInventory(inventory, target, v))),
    ]);
    assert.deepEqual(toolCallsSince(since), ["pct list"]);
    assert.equal(inventory.fetches, 1);
    const alone = await Promise.all([...VMIDS, 379].map((v) => readObservedContainer(pool, target, v)));
    assert.deepEqual(observed, alone);
    assert.equal(observed[1]!.running, true);
    assert.deepEqual(observed[1]!.pending, { ostype: "debian" });
    assert.equal(observed[3]!.exists, false);
    const listsAlone = await Promise.all(VMIDS.map((v) => readSnapshotList(pool, target, v)));
    assert.deepEqual(lists.map((l) => l.snapshots), listsAlone.map((l) => l.snapshots));
    assert.deepEqual(lists[2]!.snapshots.map((s) => [s.name, s.description]), [["base", "first\n"]]);
    assert.equal(lists[1]!.head!.running, true, "the inventory knows the run state the file does not hold");
  });

  it("fetches a fresh inventory after any command that may change the node", async () => {
    const inventory = new InventoryReader(new ReadCoalescer(pool));
    assert.equal((await readObservedFromInventory(inventory, target, 370)).options.memory, "512");
    await new PctClient(inventory, target).set(370, { memory: "640" });
    assert.equal((await readObservedFromInventory(inventory, target, 370)).options.memory, "640");
    assert.equal(inventory.fetches, 2);
  });

  it("keeps answering while reads keep coming, and fetches again after 10 s without one or 60 s in all", async () => {
    let now = 1_000_000;
    const inventory = new InventoryReader(new ReadCoalescer(pool), { now: () => now });
    await readObservedFromInventory(inventory, target, 370);
    // A large refresh: reads paced 9 s apart for 54 s are all answered by the first inventory.
    for (let i = 0; i < 6; i++) {
      now += 9_000;
      await readObservedFromInventory(inventory, target, VMIDS[i % VMIDS.length]!);
    }
    assert.equal(inventory.fetches, 1);
    now += 9_000; // 63 s after the fetch: too old, however busy
    await readObservedFromInventory(inventory, target, 370);
    assert.equal(inventory.fetches, 2);
    now += 10_000; // 10 s without a read
    await readObservedFromInventory(inventory, target, 370);
    assert.equal(inventory.fetches, 3);
  });

  it("still answers every read, one container at a time, when the inventory cannot be read", async () => {
    setFaults(t.cluster.root, NODE, [{ cmd: "list", action: "fail", message: "ipcc_send_rec[1] failed: Connection refused" }]);
    try {
      const inventory = new InventoryReader(new ReadCoalescer(pool));
      const since = mark();
      const observed = await Promise.all(VMIDS.map((v) => readObservedFromInventory(inventory, target, v)));
      assert.deepEqual(observed.map((o) => o.options.hostname), ["ct370", "ct371", "ct372"]);
      // A read that comes later does not ask for the failed inventory again.
      assert.equal((await readObservedFromInventory(inventory, target, 370)).options.hostname, "ct370");
      assert.equal(inventory.fetches, 1);
      assert.deepEqual(toolCallsSince(since).sort(), ["pct list", "pct status", "pct status", "pct status", "pct status"]);
    } finally {
      setFaults(t.cluster.root, NODE, []);
    }
  });
});

describe("reading one container", () => {
  it("learns that a container does not exist without starting pct, and reads an existing one with one pct status", async () => {
    const since = mark();
    assert.deepEqual(await readObservedContainer(pool, target, 378), { exists: false, running: false, options: {}, pending: {}, rawLines: [] });
    assert.deepEqual(toolCallsSince(since), []);
    const observed = await readObservedContainer(pool, target, 371);
    assert.equal(observed.running, true);
    assert.deepEqual(toolCallsSince(since), ["pct status"]);
  });
});
