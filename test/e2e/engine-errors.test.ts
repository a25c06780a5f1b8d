/**
 * What `pulumi up` shows of a failure that is not a command error: the engine prints a dynamic provider's
 * failure by its message alone, so the next step must be in the message. Here: a container that already exists
 * on the node without this stack's marker (an ownership conflict, refused before anything changes it).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { Container } from "../../providers/container";
import { ContainerInputs } from "../../core/container/inputs";
import { SshPool } from "../../host/ssh-pool";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes, TestNodes } from "../helpers/sshd";
import { mutatingSince, onNode, readCommandLog } from "../helpers/sim-node";
import { openStack, TestStack } from "../helpers/pulumi-engine";

const NODE = "pve1";
const VMID = 320;
let t: TestNodes;
let pool: SshPool;
let stack: TestStack;
let desired: ContainerInputs;

before(async () => {
  t = await startTestNodes(1);
  pool = new SshPool({ credentials: t.credentials });
  const template = installTemplate(t.cluster.root, NODE, "busybox");
  const n = t.nodes[0]!;
  // Someone else's container on the VMID the stack wants (made by hand: no ownership marker).
  await onNode(pool, n, ["pct", "create", String(VMID), template, "--hostname", "theirs", "--rootfs", "local-lvm:1", "--ostype", "unmanaged"]);
  desired = {
    vmid: VMID, node: NODE, connection: { host: n.host, port: n.port, user: n.user, hostKeyFingerprint: n.hostKeyFingerprint }, owner: "phoenix-lxc/test",
    source: { kind: "template", ostemplate: template }, ostype: "unmanaged", storage: "local-lvm", rootfsGiB: 1, unprivileged: true,
    hostname: "ours", memoryMiB: 256, swapMiB: 128, cores: 1, nameservers: [], onboot: false,
    features: [], tags: [], volumes: [], bindMounts: [], lxcOptions: [], apparmorManagesNesting: false, gpus: [], running: true,
    restartPolicy: "restart", adopt: false,
  };
  const program = async () => {
    new Container(`ct-${VMID}`, desired);
  };
  stack = await openStack({ program, config: { sshPrivateKey: { value: t.credentials.privateKey!, secret: true } } });
});
after(async () => {
  await pool?.close();
  await t?.stop();
});

describe("pulumi up shows the next step of a refused container", () => {
  it("names the conflict and how to resolve it, and changes nothing on the node", async () => {
    const since = readCommandLog(t.cluster.root, NODE).length;
    const diagnostics: string[] = [];
    const onEvent = (e: EngineEvent) => {
      if (e.diagnosticEvent?.severity === "error") diagnostics.push(e.diagnosticEvent.message);
    };
    await assert.rejects(stack.stack.up({ onEvent }));
    const shown = diagnostics.join("\n");
    assert.match(shown, new RegExp(`CT ${VMID} already exists on node '${NODE}' and is not managed by phoenix-lxc`));
    assert.match(shown, new RegExp(`next step: to take it over, set "adopt": true on container ${VMID} in the config`));
    assert.equal(shown.split("next step:").length - 1, 1, shown);
    assert.deepEqual(mutatingSince(t.cluster.root, NODE, since), []);
  });
});
