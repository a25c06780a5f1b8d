/**
 * What `pulumi up` shows of a failure that is not a command error: the engine prints a dynamic provider's
 * failure by its message alone, so the next step must be in the message. Here: a container that already exists
 * on the node without this stack's marker (an ownership conflict, refused before anything changes it), and a
 * feature whose install fails: its scripts travel as arguments of one `pct exec`, and the message shows that
 * command by name, not the scripts.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { Container } from "../../providers/container";
import { Feature } from "../../providers/steps";
import { ContainerInputs } from "../../core/container/inputs";
import { SshPool } from "../../host/ssh-pool";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes, TestNodes } from "../helpers/sshd";
import { mutatingSince, onNode, readCommandLog } from "../helpers/sim-node";
import { openStack, TestStack } from "../helpers/pulumi-engine";

const NODE = "pve1";
const VMID = 320;
/** A running container of the node's own, for the feature. */
const FEATURE_VMID = 321;
let t: TestNodes;
let pool: SshPool;
let stack: TestStack;
let desired: ContainerInputs;
/** What the next `up` declares. */
let declare: () => void;

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
  await onNode(pool, n, ["pct", "create", String(FEATURE_VMID), template, "--hostname", "feat", "--rootfs", "local-lvm:1", "--ostype", "unmanaged"]);
  await onNode(pool, n, ["pct", "start", String(FEATURE_VMID)]);
  declare = () => new Container(`ct-${VMID}`, desired);
  const program = async () => {
    declare();
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

describe("pulumi up shows a failed feature by its short command", () => {
  it("names the feature, the container, `pct exec <vmid> -- <script …>` and the next step; no script text", async () => {
    const install = ["echo 'fetching tool'", "echo 'E: Unable to locate package frobnicate' >&2", "exit 100"].join("\n");
    const scripts = { guard: "test -e /etc/frobnicate.conf", install, verify: "command -v frobnicate" };
    const n = t.nodes[0]!;
    declare = () =>
      new Feature(`feature-${FEATURE_VMID}`, {
        vmid: FEATURE_VMID, node: NODE, connection: { host: n.host, port: n.port, user: n.user, hostKeyFingerprint: n.hostKeyFingerprint },
        feature: "frobnicate", scripts, env: { PHX_TOKEN: "s3cret-value" }, contentHash: "h1", trigger: "t1",
      });
    const diagnostics: string[] = [];
    const onEvent = (e: EngineEvent) => {
      if (e.diagnosticEvent?.severity === "error") diagnostics.push(e.diagnosticEvent.message);
    };
    await assert.rejects(stack.stack.up({ onEvent }));
    const shown = diagnostics.join("\n");
    assert.match(shown, new RegExp(`installing feature 'frobnicate' failed for CT ${FEATURE_VMID} on node '${NODE}'`));
    assert.match(shown, new RegExp(`\\n  command: +pct exec ${FEATURE_VMID} -- <script phoenix-frobnicate-converge>\\n`), shown);
    assert.match(shown, /exit code: 100\n/);
    assert.match(shown, /E: Unable to locate package frobnicate/);
    assert.match(shown, /\n  next step: fix the cause above and run the up again; the install script is idempotent/);
    assert.equal(shown.split("next step:").length - 1, 1, shown);
    // Neither the guard/verify scripts nor the driver nor the env values are in the message.
    for (const absent of ["echo 'fetching tool'", "test -e /etc/frobnicate.conf", "command -v frobnicate", "mark guard", "s3cret-value"]) assert.ok(!shown.includes(absent), `${absent} in:\n${shown}`);
  });

  it("a container that does not run: pct's refusal shows the same short command, no script and no env value", async () => {
    await onNode(pool, t.nodes[0]!, ["pct", "stop", String(FEATURE_VMID)]);
    const diagnostics: string[] = [];
    const onEvent = (e: EngineEvent) => {
      if (e.diagnosticEvent?.severity === "error") diagnostics.push(e.diagnosticEvent.message);
    };
    await assert.rejects(stack.stack.up({ onEvent }));
    const shown = diagnostics.join("\n");
    assert.match(shown, new RegExp(`'pct exec' failed: container '${FEATURE_VMID}' not running! for CT ${FEATURE_VMID} on node '${NODE}'`), shown);
    assert.match(shown, new RegExp(`\\n  command: +pct exec ${FEATURE_VMID} -- <script phoenix-frobnicate-converge>\\n`), shown);
    assert.equal(shown.split("next step:").length - 1, 1, shown);
    for (const absent of ["echo 'fetching tool'", "mark guard", "s3cret-value"]) assert.ok(!shown.includes(absent), `${absent} in:\n${shown}`);
  });
});
