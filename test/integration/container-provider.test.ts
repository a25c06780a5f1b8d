/**
 * The container resource's implementation against a simulated node over real SSH: create, idempotency (counted
 * in the node's command log), change classes, raw lines, AppArmor, GPU, drift, adoption, clones, delete.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as impl from "../../providers/impl/container";
import { configureRuntime, setTransportForTesting } from "../../providers/impl/runtime";
import { ContainerInputs } from "../../core/container/inputs";
import { SshPool } from "../../host/ssh-pool";
import { writeRawLines } from "../../host/container-io";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes, TestNodes } from "../helpers/sshd";
import { mutatingSince, onNode, readCommandLog } from "../helpers/sim-node";

let t: TestNodes;
let pool: SshPool;
let template: string;
const NODE = "pve1";

function inputs(vmid: number, over: Partial<ContainerInputs> = {}): ContainerInputs {
  const n = t.nodes[0]!;
  return {
    vmid, node: NODE, connection: { host: n.host, port: n.port, user: n.user, hostKeyFingerprint: n.hostKeyFingerprint }, owner: "phoenix-lxc/test",
    source: { kind: "template", ostemplate: template }, ostype: "unmanaged", storage: "local-lvm", rootfsGiB: 1, unprivileged: true,
    hostname: `ct${vmid}`, memoryMiB: 256, swapMiB: 128, cores: 1, net: { name: "eth0", bridge: "vmbr0", ip: "dhcp" },
    nameservers: [], onboot: false, features: [], tags: ["phoenix"], volumes: [], bindMounts: [], lxcOptions: [],
    apparmorManagesNesting: false, gpus: [], running: true, restartPolicy: "restart", adopt: false, ...over,
  };
}

const mark = () => readCommandLog(t.cluster.root, NODE).length;
/** Every pct/pvesh sub-command run since the mark (reads included): what a step cost the node in pct starts. */
const pctCalls = (since: number) => readCommandLog(t.cluster.root, NODE).slice(since).filter((c) => c.argv[0] === "pct" || c.argv[0] === "pvesh").map((c) => c.argv[1]);
const mutating = (since: number) => mutatingSince(t.cluster.root, NODE, since).map((c) => c.argv.slice(1).join(" "));
const confText = (vmid: number) => onNode(pool, t.nodes[0]!, ["cat", `/etc/pve/lxc/${vmid}.conf`]);

before(async () => {
  t = await startTestNodes(1);
  configureRuntime({ get: (k) => (k === "sshPrivateKey" ? t.credentials.privateKey : undefined) });
  setTransportForTesting(undefined);
  pool = new SshPool({ credentials: t.credentials });
  template = installTemplate(t.cluster.root, NODE, "busybox");
});
after(async () => {
  await pool?.close();
  await t?.stop();
});

describe("container resource against a simulated node", () => {
  let outs: impl.ContainerOutputs;

  it("creates a container from a template, configured and running, starting pct only to create and to start it", async () => {
    const since = mark();
    const r = await impl.create(inputs(200, { memoryMiB: 300, volumes: [{ mountPoint: "/data", storage: "local-lvm", sizeGiB: 1 }] }));
    outs = r.outs;
    assert.equal(r.id, "200");
    assert.equal(outs.status, "running");
    assert.equal(outs.observed.options.memory, "300");
    assert.match(outs.observed.options.mp0 ?? "", /^local-lvm:vm-200-disk-\d+,mp=\/data/);
    assert.match(await confText(200), /^#phoenix-lxc managed-by=phoenix-lxc\/test$/m);
    assert.deepEqual(pctCalls(since), ["create", "start"]);
  });

  it("makes no mutating pct call when create runs again on the converged container", async () => {
    const since = mark();
    await impl.create(inputs(200, { memoryMiB: 300, volumes: [{ mountPoint: "/data", storage: "local-lvm", sizeGiB: 1 }] }));
    assert.deepEqual(mutating(since), []);
  });

  it("reports no change in diff for unchanged inputs (pure, no SSH)", async () => {
    const since = readCommandLog(t.cluster.root, NODE).length;
    const d = await impl.diff("200", outs, inputs(200, { memoryMiB: 300, volumes: [{ mountPoint: "/data", storage: "local-lvm", sizeGiB: 1 }] }));
    assert.equal(d.changes, false);
    assert.equal(readCommandLog(t.cluster.root, NODE).length, since);
  });

  it("changes memory live, without a restart", async () => {
    const since = mark();
    const r = await impl.update("200", outs, inputs(200, { memoryMiB: 512, volumes: outs.volumes }));
    assert.deepEqual(mutating(since), ["set 200 --memory 512"]);
    assert.equal(r.outs.observed.options.memory, "512");
    outs = r.outs;
  });

  it("restarts the container to apply pct features, and applies them", async () => {
    const since = mark();
    const r = await impl.update("200", outs, inputs(200, { memoryMiB: 512, volumes: outs.volumes, features: ["nesting=1"] }));
    assert.deepEqual(mutating(since).map((c) => c.split(" ")[0]), ["set", "reboot"]);
    assert.equal(r.outs.observed.options.features, "nesting=1");
    assert.deepEqual(r.outs.observed.pending, {});
    outs = r.outs;
  });

  it("leaves a restart-class change pending with restart_policy never, and says so", async () => {
    const since = mark();
    const r = await impl.update("200", outs, inputs(200, { memoryMiB: 512, volumes: outs.volumes, features: ["nesting=1", "keyctl=1"], restartPolicy: "never" }));
    assert.deepEqual(mutating(since).map((c) => c.split(" ")[0]), ["set"]);
    assert.deepEqual(r.outs.pendingRestart, ["features"]);
    assert.equal(r.outs.observed.pending.features, "nesting=1,keyctl=1");
    outs = r.outs;
  });

  it("keeps raw lxc values with spaces whole, manages them as a set, and never edits snapshot sections", async () => {
    await onNode(pool, t.nodes[0]!, ["pct", "snapshot", "200", "before_raw"]);
    const snapshotSection = (text: string) => text.slice(text.indexOf("[before_raw]"));
    const before = snapshotSection(await confText(200));
    const withRaw = inputs(200, { memoryMiB: 512, volumes: outs.volumes, features: ["nesting=1", "keyctl=1"], lxcOptions: ["lxc.mount.auto = proc:rw sys:rw", "lxc.cap.drop ="] });
    outs = (await impl.update("200", outs, withRaw)).outs;
    const text = await confText(200);
    assert.match(text.slice(0, text.indexOf("[")), /^lxc\.mount\.auto: proc:rw sys:rw$/m);
    assert.equal(snapshotSection(text), before);
    outs = (await impl.update("200", outs, { ...withRaw, lxcOptions: ["lxc.mount.auto = proc:rw sys:rw"] })).outs;
    assert.doesNotMatch((await confText(200)).split("[")[0]!, /lxc\.cap\.drop/);
    assert.equal(snapshotSection(await confText(200)), before);
  });

  it("a raw-line edit that lost a race names the container and node once, with the next step", async () => {
    const stale = (await confText(200)).replace(/^memory: .*$/m, "memory: 1");
    const n = t.nodes[0]!;
    const error = await writeRawLines(pool, { name: NODE, host: n.host, port: n.port, user: n.user, hostKeyFingerprint: n.hostKeyFingerprint }, 200, stale, ["lxc.cgroup2.cpu.weight: 50"]).then(() => undefined, (e: Error) => e);
    assert.ok(error instanceof Error, "a stale edit must fail");
    assert.equal(error.message.split("for CT 200 on node 'pve1'").length - 1, 1, error.message);
    assert.match(error.message, /\n {2}command: +<script phoenix-edit-conf>\n/, error.message);
    assert.match(error.message, /next step: another process changed the config at the same time; run the update again/);
  });

  it("detects drift after an out-of-band pct set and repairs it", async () => {
    await onNode(pool, t.nodes[0]!, ["pct", "set", "200", "--memory", "999"]);
    const desired = { ...outs, ...inputs(200, { memoryMiB: 512, volumes: outs.volumes, features: ["nesting=1", "keyctl=1"], lxcOptions: ["lxc.mount.auto = proc:rw sys:rw"] }) };
    const refreshed = (await impl.read("200", outs)).props!;
    assert.equal(refreshed.observed.options.memory, "999");
    assert.equal((await impl.diff("200", refreshed, desired)).changes, true);
    const since = mark();
    outs = (await impl.update("200", refreshed, desired)).outs;
    assert.deepEqual(mutating(since), ["set 200 --memory 512"]);
  });

  it("assigns GPUs with device rules and mount entries, and revokes them", async () => {
    const base = inputs(200, { memoryMiB: 512, volumes: outs.volumes, features: ["nesting=1", "keyctl=1"], lxcOptions: ["lxc.mount.auto = proc:rw sys:rw"], restartPolicy: "never" });
    outs = (await impl.update("200", outs, { ...base, gpus: [0, 1] })).outs;
    const main = (await confText(200)).split("\n[")[0]!;
    assert.match(main, /^lxc\.cgroup2\.devices\.allow: c 195:\* rwm$/m);
    assert.match(main, /^lxc\.mount\.entry: \/dev\/nvidia1 dev\/nvidia1 none bind,optional,create=file$/m);
    outs = (await impl.update("200", outs, base)).outs;
    assert.doesNotMatch((await confText(200)).split("\n[")[0]!, /nvidia/);
  });

  it("pushes a custom AppArmor profile to the node and references it by its profile name", async () => {
    const content = "profile phx-test-profile flags=(attach_disconnected) {\n}\n";
    const base = inputs(200, { memoryMiB: 512, volumes: outs.volumes, features: ["nesting=1", "keyctl=1"], lxcOptions: ["lxc.mount.auto = proc:rw sys:rw"], restartPolicy: "never" });
    outs = (await impl.update("200", outs, { ...base, apparmor: { name: "phx-test-profile", fileName: "lxc-test-file", content }, apparmorManagesNesting: true })).outs;
    assert.equal(await onNode(pool, t.nodes[0]!, ["cat", "/etc/apparmor.d/lxc-test-file"]), content);
    const main = (await confText(200)).split("\n[")[0]!;
    assert.match(main, /^lxc\.apparmor\.profile: phx-test-profile$/m);
    assert.match(main, /^lxc\.include: \/usr\/share\/lxc\/config\/nesting\.conf$/m);
    outs = (await impl.update("200", outs, { ...base, apparmor: "unconfined" })).outs;
    assert.match((await confText(200)).split("\n[")[0]!, /^lxc\.apparmor\.profile: unconfined$/m);
  });

  it("refuses to take over a container it does not own, and explains how to adopt it", async () => {
    await onNode(pool, t.nodes[0]!, ["pct", "create", "201", template, "--ostype", "unmanaged", "--rootfs", "local-lvm:1"]);
    await assert.rejects(impl.create(inputs(201)), (e: Error) => /CT 201 already exists on node 'pve1' and is not managed by phoenix-lxc/.test(e.message) && /"adopt": true/.test((e as { hint?: string }).hint ?? ""));
    const adopted = await impl.create(inputs(201, { adopt: true }));
    assert.equal(adopted.outs.status, "running");
    assert.match(await confText(201), /managed-by=phoenix-lxc\/test/);
  });

  it("clones three deep from template snapshots", async () => {
    await onNode(pool, t.nodes[0]!, ["pct", "snapshot", "201", "tpl"]);
    await impl.create(inputs(202, { source: { kind: "clone", fromVmid: 201, snapname: "tpl" } }));
    await onNode(pool, t.nodes[0]!, ["pct", "snapshot", "202", "tpl"]);
    const since = mark();
    const leaf = await impl.create(inputs(203, { source: { kind: "clone", fromVmid: 202, snapname: "tpl" }, memoryMiB: 200 }));
    assert.deepEqual(pctCalls(since), ["clone", "set", "start"]);
    assert.equal(leaf.outs.status, "running");
    assert.equal(leaf.outs.observed.options.memory, "200");
    assert.equal(leaf.outs.observed.options.hostname, "ct203");
  });

  it("destroys with purge, and a second delete is a no-op", async () => {
    const leaf = (await impl.read("203", { ...inputs(203), observed: outs.observed, status: "running", pendingRestart: [], lastChanges: [], generation: 1 })).props!;
    await impl.delete("203", leaf);
    const since = mark();
    await impl.delete("203", leaf);
    assert.deepEqual(mutating(since), []);
    assert.deepEqual(await impl.read("203", leaf), {});
  });
});
