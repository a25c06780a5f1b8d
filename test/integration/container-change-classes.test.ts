/**
 * Every field's change class, verified on a simulated node over SSH, on a running and on a stopped container:
 * live fields are applied without a restart, restart fields trigger one on a running container (and none on a
 * stopped one), and the node's config ends up as desired either way.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as impl from "../../providers/impl/container";
import { configureRuntime, setTransportForTesting } from "../../providers/impl/runtime";
import { ContainerInputs } from "../../core/container/inputs";
import { CONTAINER_CHANGE_POLICY } from "../../core/container/change-policy";
import { SshPool } from "../../host/ssh-pool";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes, TestNodes } from "../helpers/sshd";
import { mutatingSince, onNode, readCommandLog } from "../helpers/sim-node";

const NODE = "pve1";
let t: TestNodes;
let pool: SshPool;
let template: string;

function base(vmid: number, running: boolean): ContainerInputs {
  const n = t.nodes[0]!;
  return {
    vmid, node: NODE, connection: { host: n.host, port: n.port, user: n.user, hostKeyFingerprint: n.hostKeyFingerprint }, owner: "phoenix-lxc/test",
    source: { kind: "template", ostemplate: template }, ostype: "unmanaged", storage: "local-lvm", rootfsGiB: 1, unprivileged: true,
    hostname: `cls${vmid}`, memoryMiB: 256, swapMiB: 128, cores: 1, net: { name: "eth0", bridge: "vmbr0", ip: "dhcp" }, nameservers: ["1.1.1.1"],
    onboot: false, startup: { order: 1 }, features: [], tags: ["a"], volumes: [], bindMounts: [], lxcOptions: [], apparmorManagesNesting: false,
    gpus: [], running, restartPolicy: "restart", adopt: false,
  };
}

/** field → a change of it, and how to see it applied in `pct config --current`. */
const CHANGES: [keyof ContainerInputs, Partial<ContainerInputs>, (cfg: string) => boolean][] = [
  ["memoryMiB", { memoryMiB: 300 }, (c) => /^memory: 300$/m.test(c)],
  ["swapMiB", { swapMiB: 64 }, (c) => /^swap: 64$/m.test(c)],
  ["cores", { cores: 2 }, (c) => /^cores: 2$/m.test(c)],
  ["hostname", { hostname: "renamed" }, (c) => /^hostname: renamed$/m.test(c)],
  ["net", { net: { name: "eth0", bridge: "vmbr1", ip: "10.99.0.5/24", gw: "10.99.0.1" } }, (c) => /^net0: .*bridge=vmbr1.*ip=10\.99\.0\.5\/24/m.test(c)],
  ["onboot", { onboot: true }, (c) => /^onboot: 1$/m.test(c)],
  ["startup", { startup: { order: 5, up: 10 } }, (c) => /^startup: order=5,up=10$/m.test(c)],
  ["tags", { tags: ["a", "web"] }, (c) => /^tags: a;web$/m.test(c)],
  ["rootfsGiB", { rootfsGiB: 2 }, (c) => /^rootfs: .*size=2G/m.test(c)],
  ["volumes", { volumes: [{ mountPoint: "/data", storage: "local-lvm", sizeGiB: 1 }] }, (c) => /^mp0: local-lvm:.*mp=\/data/m.test(c)],
  ["bindMounts", { bindMounts: [{ hostPath: "/srv", mountPoint: "/mnt/srv", readOnly: true }] }, (c) => /^mp\d+: \/srv,mp=\/mnt\/srv,ro=1$/m.test(c)],
  ["nameservers", { nameservers: ["9.9.9.9"] }, (c) => /^nameserver: 9\.9\.9\.9$/m.test(c)],
  ["features", { features: ["nesting=1"] }, (c) => /^features: nesting=1$/m.test(c)],
  ["lxcOptions", { lxcOptions: ["lxc.mount.auto = proc:rw sys:rw"] }, (c) => /^lxc\.mount\.auto: proc:rw sys:rw$/m.test(c)],
  ["gpus", { gpus: [0] }, (c) => /^lxc\.mount\.entry: \/dev\/nvidia0 /m.test(c)],
  ["apparmor", { apparmor: "unconfined" }, (c) => /^lxc\.apparmor\.profile: unconfined$/m.test(c)],
];

before(async () => {
  t = await startTestNodes(1);
  pool = new SshPool({ credentials: t.credentials });
  configureRuntime({ get: (k) => (k === "sshPrivateKey" ? t.credentials.privateKey : undefined) });
  setTransportForTesting(undefined);
  template = installTemplate(t.cluster.root, NODE, "busybox");
});
after(async () => {
  await pool?.close();
  await t?.stop();
});

for (const running of [true, false]) {
  describe(`change classes on a ${running ? "running" : "stopped"} container`, () => {
    // One container per state; each case changes one more field on top of the previous ones.
    const vmid = running ? 800 : 840;
    let desired: ContainerInputs;
    let outs: impl.ContainerOutputs;

    before(async () => {
      outs = (await impl.create(base(vmid, true))).outs;
      if (!running) {
        await onNode(pool, t.nodes[0]!, ["pct", "stop", String(vmid)]);
        outs = (await impl.read(String(vmid), outs)).props!;
      }
      desired = base(vmid, running);
    });

    for (const [field, change, applied] of CHANGES) {
      const cls = CONTAINER_CHANGE_POLICY[field];
      const restarts = running && cls === "restart";
      it(`${field} (${cls}): ${restarts ? "restarts the container" : "applies without a restart"}`, async () => {
        const since = readCommandLog(t.cluster.root, NODE).length;
        desired = { ...desired, ...change };
        const result = await impl.update(String(vmid), outs, desired);
        outs = result.outs;
        const calls = mutatingSince(t.cluster.root, NODE, since).map((c) => c.argv[1]);
        assert.equal(calls.includes("reboot"), restarts, calls.join(", "));
        assert.ok(!calls.includes("start") || !running, "no stray start on a running container");
        assert.equal(result.outs.status, running ? "running" : "stopped");
        assert.ok(applied(await onNode(pool, t.nodes[0]!, ["pct", "config", String(vmid), "--current", "1"])), `${field} not applied`);
      });
    }
  });
}
