/**
 * The real Pulumi engine (Automation API, local file backend) converging a container on a simulated node over
 * real SSH: preview, up, a no-op up, live and restart changes, drift, replacement, destroy — and the same state
 * refreshed and destroyed from a checkout at a different path, as a GitOps runner's fresh workspace would.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { Container } from "../../providers/container";
import { ContainerInputs } from "../../core/container/inputs";
import { SshPool } from "../../host/ssh-pool";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes, TestNodes } from "../helpers/sshd";
import { mutatingSince, onNode, readCommandLog } from "../helpers/sim-node";
import { openStack, REPO_ROOT, TestStack } from "../helpers/pulumi-engine";

let t: TestNodes;
let pool: SshPool;
let stack: TestStack;
let desired: ContainerInputs;
const NODE = "pve1";
const diagnostics: string[] = [];
const onEvent = (e: EngineEvent) => { if (e.diagnosticEvent) diagnostics.push(e.diagnosticEvent.message); };
const mark = () => readCommandLog(t.cluster.root, NODE).length;
const mutating = (since: number) => mutatingSince(t.cluster.root, NODE, since).map((c) => c.argv[1]);

function program() {
  return async () => {
    const ct = new Container("ct-300", desired);
    return { status: ct.status, memory: ct.observed.apply((o) => o.options.memory) };
  };
}

before(async () => {
  t = await startTestNodes(1);
  pool = new SshPool({ credentials: t.credentials });
  const template = installTemplate(t.cluster.root, NODE, "busybox");
  // A second template with another name, for the replacement test.
  const cache = path.join(t.cluster.root, "nodes", NODE, "template", "cache");
  fs.copyFileSync(path.join(cache, path.basename(template.split("/").pop()!)), path.join(cache, "busybox-other_1.36_amd64.tar.gz"));
  const n = t.nodes[0]!;
  desired = {
    vmid: 300, node: NODE, connection: { host: n.host, port: n.port, user: n.user, hostKeyFingerprint: n.hostKeyFingerprint }, owner: "phoenix-lxc/test",
    source: { kind: "template", ostemplate: template }, ostype: "unmanaged", storage: "local-lvm", rootfsGiB: 1, unprivileged: true,
    hostname: "e2e", memoryMiB: 256, swapMiB: 128, cores: 1, net: { name: "eth0", bridge: "vmbr0", ip: "dhcp" }, nameservers: [], onboot: false,
    features: [], tags: [], volumes: [], bindMounts: [], lxcOptions: [], apparmorManagesNesting: false, gpus: [], running: true,
    restartPolicy: "restart", adopt: false,
  };
  stack = await openStack({ program: program(), config: { sshPrivateKey: { value: t.credentials.privateKey!, secret: true } } });
});
after(async () => {
  await pool?.close();
  await t?.stop();
});

describe("the real Pulumi engine converging a container over SSH", () => {
  it("previews the creation without touching the node", async () => {
    const since = mark();
    const preview = await stack.stack.preview({ onEvent });
    assert.equal(preview.changeSummary.create, 2); // the stack and the container
    assert.deepEqual(mutating(since), []);
  });

  it("creates the container on up", async () => {
    const up = await stack.stack.up({ onEvent });
    assert.equal(up.summary.resourceChanges?.create, 2);
    assert.equal(up.outputs.status.value, "running");
  });

  it("reports no changes on a second up and makes no mutating pct call", async () => {
    const since = mark();
    const up = await stack.stack.up({ onEvent });
    assert.deepEqual(up.summary.resourceChanges, { same: 2 });
    assert.deepEqual(mutating(since), []);
  });

  it("changes memory live: an update without a restart, classified live in the preview", async () => {
    desired = { ...desired, memoryMiB: 384 };
    diagnostics.length = 0;
    const preview = await stack.stack.preview({ onEvent });
    assert.equal(preview.changeSummary.update, 1);
    assert.ok(diagnostics.some((d) => /CT 300: memory_mb \d+ → 384 \(live\)/.test(d)), diagnostics.join("\n"));
    const since = mark();
    const up = await stack.stack.up({ onEvent });
    assert.equal(up.outputs.memory.value, "384");
    assert.deepEqual(mutating(since), ["set"]);
  });

  it("changes pct_options with a restart, classified restart in the preview", async () => {
    desired = { ...desired, features: ["nesting=1"] };
    diagnostics.length = 0;
    await stack.stack.preview({ onEvent });
    assert.ok(diagnostics.some((d) => /CT 300: pct_options \(none\) → nesting=1 \(restart: the container will be restarted\)/.test(d)), diagnostics.join("\n"));
    const since = mark();
    await stack.stack.up({ onEvent });
    assert.deepEqual(mutating(since), ["set", "reboot"]);
  });

  it("shows out-of-band drift on refresh and repairs it on the next up", async () => {
    await onNode(pool, t.nodes[0]!, ["pct", "set", "300", "--memory", "999"]);
    const refresh = await stack.stack.refresh({ onEvent });
    assert.equal(refresh.summary.resourceChanges?.update, 1);
    const since = mark();
    const up = await stack.stack.up({ onEvent });
    assert.equal(up.outputs.memory.value, "384");
    assert.deepEqual(mutating(since), ["set"]);
  });

  it("replaces the container when its template changes", async () => {
    desired = { ...desired, source: { kind: "template", ostemplate: "local:vztmpl/busybox-other_1.36_amd64.tar.gz" } };
    const preview = await stack.stack.preview({ onEvent });
    assert.equal(preview.changeSummary.replace, 1);
    const since = mark();
    await stack.stack.up({ onEvent });
    assert.deepEqual(mutating(since).slice(0, 3), ["stop", "destroy", "create"]);
  });

  it("keeps the SSH private key out of every state file", () => {
    const state = stack.readAllState();
    const keyLine = t.credentials.privateKey!.split("\n")[1]!;
    assert.ok(keyLine.length > 20);
    assert.ok(!state.includes(keyLine));
  });

  it("refreshes and destroys the same state from a checkout at another path", async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-checkout-"));
    try {
      for (const entry of ["package.json", "dist", "node_modules"]) execFileSync("cp", ["-a", path.join(REPO_ROOT, entry), copy]);
      // Prove that the copy's code is what runs: its implementation leaves a mark when loaded.
      const impl = path.join(copy, "dist", "providers", "impl", "container.js");
      fs.appendFileSync(impl, `\nrequire("fs").writeFileSync(${JSON.stringify(path.join(copy, "loaded"))}, __filename);\n`);
      const other = await openStack({ program: program(), backendDir: stack.backendDir, checkout: copy });
      const refresh = await other.stack.refresh({ onEvent });
      assert.deepEqual(refresh.summary.resourceChanges, { same: 2 });
      assert.equal(fs.readFileSync(path.join(copy, "loaded"), "utf8"), impl);
      const since = mark();
      await other.stack.destroy({ onEvent });
      assert.deepEqual(mutating(since), ["stop", "destroy"]);
      assert.equal((await pool.exec(t.nodes[0]!, ["pct", "status", "300"])).exitCode, 255);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
