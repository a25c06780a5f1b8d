/**
 * The sequencer with the real client against a simulated node over SSH: 50 parallel mutations of 5 containers
 * cause no lock error and never overlap within a container (checked on the node's command log); a lock that no
 * task holds is reported as stuck after one confirming attempt, with the command that clears it; a lock held by a running task is
 * waited for.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { PctClient } from "../../host/pct-client";
import { OperationSequencer } from "../../host/sequencer";
import { probeLockHolder } from "../../host/lock-probe";
import { SshPool } from "../../host/ssh-pool";
import { PctError } from "../../core/errors";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes, TestNodes } from "../helpers/sshd";
import { readCommandLog, setFaults } from "../helpers/sim-node";
import { pctConfig } from "../helpers/pve-oracle";

const NODE = "pve1";
let t: TestNodes;
let pool: SshPool;
let client: PctClient;
let sequencer: OperationSequencer;
const VMIDS = [701, 702, 703, 704, 705];

before(async () => {
  t = await startTestNodes(1);
  pool = new SshPool({ credentials: t.credentials });
  client = new PctClient(pool, t.nodes[0]!);
  sequencer = new OperationSequencer({ perNodeLimit: 8, probeLock: (_n, vmid) => probeLockHolder(pool, t.nodes[0]!, vmid) });
  const template = installTemplate(t.cluster.root, NODE, "busybox");
  for (const vmid of VMIDS) await client.create(vmid, template, { ostype: "unmanaged", rootfs: "local-lvm:1" });
});
after(async () => {
  await pool?.close();
  await t?.stop();
});

describe("sequencing pct operations on a real node", () => {
  it("runs 50 parallel mutations of 5 containers without lock errors or interleaving", async () => {
    const since = readCommandLog(t.cluster.root, NODE).length;
    const ops = Array.from({ length: 50 }, (_, i) => {
      const vmid = VMIDS[i % VMIDS.length]!;
      return sequencer.mutate(NODE, [vmid], `set ${vmid}`, () => client.set(vmid, { memory: 256 + i, description: `op ${i}` }));
    });
    const results = await Promise.allSettled(ops);
    assert.deepEqual(results.filter((r) => r.status === "rejected"), []);
    const sets = readCommandLog(t.cluster.root, NODE).slice(since).filter((c) => c.argv[1] === "set");
    assert.equal(sets.length, 50);
    for (const vmid of VMIDS) {
      const spans = sets.filter((c) => c.argv[2] === String(vmid)).map((c) => [c.ts - c.ms, c.ts] as const).sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < spans.length; i++) assert.ok(spans[i]![0] >= spans[i - 1]![1], `CT ${vmid}: two sets overlapped`);
    }
    // The last submitted value of each container won: order within a container is kept.
    for (const [i, vmid] of VMIDS.entries()) assert.equal((await pctConfig(pool, t.nodes[0]!, vmid)).options.memory, String(256 + 45 + i));
  });

  it("reports a lock no task holds as stuck at once, naming the lock and the command that clears it", async () => {
    setFaults(t.cluster.root, NODE, [{ cmd: "snapshot", vmid: 701, nth: 1, action: "stuck-lock", lock: "snapshot" }]);
    await sequencer.mutate(NODE, [701], "snapshot", () => client.snapshot(701, "s1")).catch(() => undefined);
    setFaults(t.cluster.root, NODE, []);
    const since = readCommandLog(t.cluster.root, NODE).length;
    const error = await sequencer.mutate(NODE, [701], "set 701", () => client.set(701, { memory: 300 })).catch((e) => e);
    assert.ok(error instanceof PctError && error.code === "pct-stuck-lock", String(error));
    assert.match(error.message, /CT 701 is locked \(snapshot\)/);
    assert.match(error.message, /pct unlock 701/);
    assert.equal(readCommandLog(t.cluster.root, NODE).slice(since).filter((c) => c.argv[1] === "set").length, 2, "one confirming attempt, then the error");
    await client.unlock(701);
  });

  it("waits for a lock that a running task holds, then succeeds", async () => {
    setFaults(t.cluster.root, NODE, [{ cmd: "set", vmid: 702, nth: 1, action: "transient-lock", lock: "backup", ms: 1500 }]);
    await sequencer.mutate(NODE, [702], "set 702", () => client.set(702, { memory: 333 }));
    setFaults(t.cluster.root, NODE, []);
    assert.equal((await pctConfig(pool, t.nodes[0]!, 702)).options.memory, "333");
  });
});
