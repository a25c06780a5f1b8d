/**
 * A killed run's `pct create` that ends between the next run's read and its lock probe (the race a full CI run
 * once caught): the read says `lock: create`, the probe finds no task, and what counts is what the task left —
 * read again, not the stale read. The task's end is made to happen exactly at the probe, on a simulated node
 * over real SSH, so the race is deterministic.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readObservedContainer } from "../../host/container-io";
import { SshPool } from "../../host/ssh-pool";
import { CommandTransport, ExecOptions, NodeTarget } from "../../host/transport";
import { waitForEarlierCreate } from "../../providers/impl/create-wait";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes, TestNodes } from "../helpers/sshd";
import { onNode } from "../helpers/sim-node";
import type { ContainerInputs } from "../../core/container/inputs";

const NODE = "pve1";
/** What the wait reads of the inputs: the container and its node (nothing the read needs beyond the config file). */
const inputsOf = (vmid: number) => ({ vmid, node: NODE }) as ContainerInputs;
let t: TestNodes;
let pool: SshPool;
let target: NodeTarget;
let template: string;

before(async () => {
  t = await startTestNodes(1);
  target = t.nodes[0]!;
  pool = new SshPool({ credentials: t.credentials });
  template = installTemplate(t.cluster.root, NODE, "busybox");
});
after(async () => {
  await pool?.close();
  await t?.stop();
});

/** A transport that runs `taskEnds` on the node just before the lock probe (`pvesh get …/tasks`) goes out. */
function endTaskAtProbe(taskEnds: readonly string[]): CommandTransport & { probes: number } {
  const wrapper = {
    probes: 0,
    async exec(node: NodeTarget, argv: readonly string[], options?: ExecOptions) {
      if (argv[0] === "pvesh" && argv.some((a) => a.endsWith("/tasks"))) {
        wrapper.probes++;
        await onNode(pool, target, ["sh", "-c", taskEnds.join("\n")]);
      }
      return pool.exec(node, argv, options);
    },
  };
  return wrapper;
}

/** A container the read sees as being created: `lock: create` in its config, as a running `pct create` leaves it. */
async function createLocked(vmid: number) {
  await onNode(pool, target, ["pct", "create", String(vmid), template, "--rootfs", "local-lvm:1", "--ostype", "unmanaged", "--hostname", `ct${vmid}`]);
  await onNode(pool, target, ["sh", "-c", `echo 'lock: create' >> /etc/pve/lxc/${vmid}.conf`]);
  const observed = await readObservedContainer(pool, target, vmid);
  assert.equal(observed.lock, "create", "the read sees the create lock");
  return observed;
}

describe("an earlier run's create that ends between the read and the lock probe", () => {
  it("a create that failed and removed its container: the container is gone, not stuck", async () => {
    const stale = await createLocked(381);
    const transport = endTaskAtProbe([`rm -f /etc/pve/lxc/381.conf`]);
    const logged: string[] = [];
    const now = await waitForEarlierCreate(transport, target, inputsOf(381), stale, (l) => logged.push(l));
    assert.equal(transport.probes, 1);
    assert.equal(now.exists, false);
    assert.deepEqual(logged, [], "nothing to wait for");
  });

  it("a create that finished: the finished container, with no lock", async () => {
    const stale = await createLocked(382);
    const transport = endTaskAtProbe([`sed -i '/^lock: create$/d' /etc/pve/lxc/382.conf`]);
    const now = await waitForEarlierCreate(transport, target, inputsOf(382), stale, () => {});
    assert.equal(transport.probes, 1);
    assert.equal(now.exists, true);
    assert.equal(now.lock, undefined);
    assert.equal(now.options.hostname, "ct382");
  });
});
