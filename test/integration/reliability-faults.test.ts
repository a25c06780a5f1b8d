/**
 * Faults injected on a simulated node (faults.json) while the container resource creates, clones and updates:
 * each operation ends with an error naming the node, the container and the command; the container is recorded
 * (partial-failure properties) when it exists; the next attempt converges without manual cleanup, or the error
 * prints the exact command that fixes it. No container is left that the test does not know.
 */
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import * as impl from "../../providers/impl/container";
import { configureRuntime, setTransportForTesting } from "../../providers/impl/runtime";
import { ContainerInputs, NodeConnection } from "../../core/container/inputs";
import { PhoenixError } from "../../core/errors";
import { SshPool } from "../../host/ssh-pool";
import { NodeTarget } from "../../host/transport";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes, TestNodes, toNodeTarget } from "../helpers/sshd";
import { onNode, readCommandLog } from "../helpers/sim-node";
import { clearFaults, injectOnce, listContainers, waitNoActiveTask } from "../helpers/fault-node";

const NODE = "pve1";
const EXEC_TIMEOUT_MS = 3000;
let t: TestNodes;
let pool: SshPool;
let target: NodeTarget;
let template: string;
/** Every container the test created or meant to create: anything else on the node is an orphan. */
const known = new Set<number>();

const connection = (): NodeConnection => ({ host: target.host, port: target.port, user: target.user, hostKeyFingerprint: target.hostKeyFingerprint });

function inputs(vmid: number, over: Partial<ContainerInputs> = {}): ContainerInputs {
  known.add(vmid);
  return {
    vmid, node: NODE, connection: connection(), owner: "phoenix-lxc/reliability",
    source: { kind: "template", ostemplate: template }, ostype: "unmanaged", storage: "local-lvm", rootfsGiB: 1, unprivileged: true,
    hostname: `ct${vmid}`, memoryMiB: 256, swapMiB: 128, cores: 1, net: { name: "eth0", bridge: "vmbr0", ip: "dhcp" },
    nameservers: [], onboot: false, features: [], tags: [], volumes: [], bindMounts: [], lxcOptions: [],
    apparmorManagesNesting: false, gpus: [], running: true, restartPolicy: "restart", adopt: false, ...over,
  };
}

/** What the engine stores from a partial failure (the provider's ErrorResourceInitFailed properties). */
function recorded(error: unknown): impl.ContainerOutputs {
  const props = (error as { properties?: impl.ContainerOutputs }).properties;
  assert.ok(props, `expected a partial failure that records the container, got: ${String(error)}`);
  return props;
}

/** Every error text the faults produced (message, hint, stack, causes), for the secrets check. */
const errorTexts: string[] = [];

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    for (let e: unknown = error; e instanceof Error; e = e.cause) errorTexts.push(`${e.message}\n${(e as PhoenixError).hint ?? ""}\n${e.stack}\n${JSON.stringify(e)}`);
    return error as Error;
  }
  assert.fail("the operation succeeded despite the injected fault");
}

async function assertNoOrphanNorLock(): Promise<void> {
  const list = await listContainers(pool, target);
  assert.deepEqual(list.filter((c) => !known.has(c.vmid)).map((c) => c.vmid), [], "orphan containers");
  assert.deepEqual(list.filter((c) => c.lock).map((c) => `${c.vmid}:${c.lock}`), [], "locks left");
}

before(async () => {
  process.env.PHOENIX_EXEC_TIMEOUT_MS = String(EXEC_TIMEOUT_MS);
  t = await startTestNodes(1);
  target = t.nodes[0]!;
  configureRuntime({ get: (k) => (k === "sshPrivateKey" ? t.credentials.privateKey : undefined) });
  setTransportForTesting(undefined);
  pool = new SshPool({ credentials: t.credentials });
  template = installTemplate(t.cluster.root, NODE, "busybox");
});
afterEach(() => clearFaults(t.cluster.root, NODE));
after(async () => {
  delete process.env.PHOENIX_EXEC_TIMEOUT_MS;
  setTransportForTesting(undefined);
  await pool?.close();
  await t?.stop();
});

describe("faults during create, clone and update", () => {
  let ct310: impl.ContainerOutputs;

  it("a connection dropped during pct create fails naming node, CT and command, and records the half-made CT", async () => {
    injectOnce(t.cluster.root, NODE, { cmd: "create", vmid: 310, action: "drop" });
    const error = await rejection(impl.create(inputs(310)));
    assert.match(error.message, /dropped while a command was running/);
    assert.match(error.message, /on node 'pve1'/);
    assert.match(error.message, /command: +pct create 310 /);
    ct310 = recorded(error);
    assert.equal(ct310.observed.lock, "create");
    await waitNoActiveTask(pool, target, 310);
  });

  it("the next up (an update of the recorded CT) discards the half-made CT and creates it again", async () => {
    const r = await impl.update("310", ct310, inputs(310));
    assert.equal(r.outs.status, "running");
    assert.equal(r.outs.observed.lock, undefined);
    ct310 = r.outs;
    await assertNoOrphanNorLock();
  });

  it("a fresh create (no state) also recognises its own half-made CT by the ownership marker", async () => {
    injectOnce(t.cluster.root, NODE, { cmd: "create", vmid: 311, action: "drop" });
    await rejection(impl.create(inputs(311)));
    await waitNoActiveTask(pool, target, 311);
    const r = await impl.create(inputs(311));
    assert.equal(r.outs.status, "running");
    await assertNoOrphanNorLock();
  });

  it("a connection dropped during pct clone leaves no lock behind once the next up has run", async () => {
    await onNode(pool, target, ["pct", "snapshot", "310", "tpl"]);
    const clone = inputs(312, { source: { kind: "clone", fromVmid: 310, snapname: "tpl" } });
    // The simulator counts a clone under its source VMID.
    injectOnce(t.cluster.root, NODE, { cmd: "clone", vmid: 310, action: "drop" });
    const error = await rejection(impl.create(clone));
    assert.match(error.message, /on node 'pve1'/);
    assert.match(error.message, /command: +pct clone 310 312 /);
    const props = recorded(error);
    clearFaults(t.cluster.root, NODE);
    await waitNoActiveTask(pool, target, 312);
    await waitNoActiveTask(pool, target, 310);
    const r = await impl.update("312", props, clone);
    assert.equal(r.outs.status, "running");
    assert.equal(r.outs.observed.options.hostname, "ct312");
    await assertNoOrphanNorLock();
  });

  it("a connection dropped during pct set fails naming the command, and the next up converges", async () => {
    injectOnce(t.cluster.root, NODE, { cmd: "set", vmid: 310, action: "drop" });
    const error = await rejection(impl.update("310", ct310, inputs(310, { memoryMiB: 300 })));
    assert.match(error.message, /on node 'pve1'/);
    assert.match(error.message, /command: +pct set 310 --memory 300/);
    await waitNoActiveTask(pool, target, 310);
    const r = await impl.update("310", recorded(error), inputs(310, { memoryMiB: 300 }));
    assert.equal(r.outs.observed.options.memory, "300");
    ct310 = r.outs;
    await assertNoOrphanNorLock();
  });

  it("pct exiting non-zero fails with the node, CT, command, exit code and stderr, and the next up converges", async () => {
    injectOnce(t.cluster.root, NODE, { cmd: "set", vmid: 310, action: "fail", message: "unable to write config: injected" });
    const error = await rejection(impl.update("310", ct310, inputs(310, { memoryMiB: 320 })));
    assert.match(error.message, /for CT 310 on node 'pve1'/);
    assert.match(error.message, /command: +pct set 310 --memory 320/);
    assert.match(error.message, /exit code: 255/);
    assert.match(error.message, /unable to write config: injected/);
    ct310 = (await impl.update("310", recorded(error), inputs(310, { memoryMiB: 320 }))).outs;
    assert.equal(ct310.observed.options.memory, "320");
  });

  it("a hung pct command times out with the command and the time limit, and the next up converges", async () => {
    injectOnce(t.cluster.root, NODE, { cmd: "set", vmid: 310, action: "hang" });
    const started = Date.now();
    const error = await rejection(impl.update("310", ct310, inputs(310, { memoryMiB: 330 })));
    assert.ok(Date.now() - started < EXEC_TIMEOUT_MS + 10_000, "the timeout did not cut the hang short");
    assert.equal(((error as { cause?: PhoenixError }).cause ?? error as PhoenixError).code, "exec-timeout");
    assert.match(error.message, new RegExp(`did not finish within ${EXEC_TIMEOUT_MS} ms`));
    assert.match(error.message, /on node 'pve1'[\s\S]*command: +pct set 310 --memory 330/);
    ct310 = (await impl.update("310", recorded(error), inputs(310, { memoryMiB: 330 }))).outs;
    assert.equal(ct310.observed.options.memory, "330");
    await assertNoOrphanNorLock();
  });

  it("a stuck lock is reported at once with the lock and the exact command that clears it, which works", async () => {
    injectOnce(t.cluster.root, NODE, { cmd: "set", vmid: 310, action: "stuck-lock", lock: "backup" });
    await rejection(impl.update("310", ct310, inputs(310, { memoryMiB: 340 })));
    clearFaults(t.cluster.root, NODE);
    const started = Date.now();
    const error = await rejection(impl.update("310", ct310, inputs(310, { memoryMiB: 350 })));
    assert.ok(Date.now() - started < 8000, "a stuck lock was waited for as if transient");
    assert.match(error.message, /CT 310 is locked \(backup\) and no running task holds the lock/);
    assert.match(error.message, /on node 'pve1'/);
    const fix = /on the node run: (pct unlock 310)$/m.exec(error.message);
    assert.ok(fix, error.message);
    await onNode(pool, target, fix[1]!.split(" "));
    ct310 = (await impl.update("310", recorded(error), inputs(310, { memoryMiB: 350 }))).outs;
    assert.equal(ct310.observed.options.memory, "350");
    await assertNoOrphanNorLock();
  });

  it("an unreachable node fails naming the node, address and a check, before any command ran", async () => {
    const closedPort = await findClosedPort();
    const since = readCommandLog(t.cluster.root, NODE).length;
    const down = { ...inputs(390), node: "pve-down", connection: { ...connection(), port: closedPort } };
    known.delete(390);
    const error = await rejection(impl.create(down));
    assert.equal((error as PhoenixError).code, "ssh-unreachable");
    assert.match(error.message, new RegExp(`cannot connect to root@${escape(target.host)}:${closedPort} \\(ECONNREFUSED\\) on node 'pve-down'`));
    assert.match(error.message, /next step: check that node pve-down is up/);
    assert.equal(readCommandLog(t.cluster.root, NODE).length, since);
  });

  it("a changed host key fails with both fingerprints and how to re-pin; the re-pinned next up converges", async () => {
    const old = target.hostKeyFingerprint!;
    const restarted = toNodeTarget(await t.cluster.restartNode(NODE, { newHostKey: true }));
    const error = await rejection(impl.update("310", ct310, inputs(310, { memoryMiB: 360 })));
    assert.equal((error as { cause?: PhoenixError }).cause?.code ?? (error as PhoenixError).code, "ssh-host-key");
    assert.match(error.message, new RegExp(`expected ${escape(old)}, presented ${escape(restarted.hostKeyFingerprint!)}`));
    assert.match(error.message, /on node 'pve1'/);
    assert.match(error.message, new RegExp(`next step: .*pulumi config set --path 'nodes.pve1.hostKeyFingerprint' '${escape(restarted.hostKeyFingerprint!)}'`));
    target = restarted;
    await pool.close();
    pool = new SshPool({ credentials: t.credentials });
    ct310 = (await impl.update("310", recorded(error), inputs(310, { memoryMiB: 360 }))).outs;
    assert.equal(ct310.observed.options.memory, "360");
    await assertNoOrphanNorLock();
  });

  it("puts no line of the SSH private key in any of the errors above", () => {
    assert.ok(errorTexts.length >= 10);
    const keyLines = t.credentials.privateKey!.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"));
    for (const line of keyLines) assert.ok(!errorTexts.some((e) => e.includes(line)), "a key line appears in an error");
  });
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

async function findClosedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
