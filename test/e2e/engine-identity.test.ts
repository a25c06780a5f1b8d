/**
 * Step identity follows the container's identity, on the real engine against two simulated nodes: every
 * replace-class change (template, clone source, storage, unprivileged, ostype, node) makes a new container, and
 * the feature, the application script, the health check, the final snapshot and retention all run again for it,
 * in order. The preview lists exactly the steps the up runs, and the preview after it is empty.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { phoenixProgram } from "../../components/stack-program";
import { SshPool } from "../../host/ssh-pool";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes, TestNodes } from "../helpers/sshd";
import { onNode, readCommandLog, setFaults } from "../helpers/sim-node";
import { waitNoActiveTask } from "../helpers/fault-node";
import { openStack, REPO_ROOT, TestStack } from "../helpers/pulumi-engine";
import { OpsRecorder } from "../helpers/engine-ops";

const TEMPLATE = "local:vztmpl/busybox-tiny_1.36_amd64.tar.gz";
const OTHER_TEMPLATE = "local:vztmpl/busybox-other_1.36_amd64.tar.gz";
let t: TestNodes;
let pool: SshPool;
let stack: TestStack;
let dir: string;
let config: { lxc_configs: Record<string, Record<string, unknown>> };

const source = { memory_mb: 128, cores: 1, template: TEMPLATE, ostype: "unmanaged", storage_pool: "local-lvm", storage_size_gb: 1, network_config: { name: "eth0", bridge: "vmbr0", ip: "dhcp" }, template_snapshot_name: "base", node: "pve1" };

function write(): void {
  fs.writeFileSync(path.join(dir, "phoenix_lxc_configs.json"), JSON.stringify(config, null, 2));
}

const nodeOf = (name: string) => t.nodes[name === "pve1" ? 0 : 1]!;
const logLength = (node: string) => readCommandLog(t.cluster.root, node).length;

/** The steps of CT 500 and what they did, checked on the node (command log) and in the provider's messages. */
async function assertRebuilt(node: string, since: number, up: OpsRecorder): Promise<void> {
  const log = readCommandLog(t.cluster.root, node).slice(since).filter((c) => c.exit === 0 && c.argv[0] === "pct" && c.argv[2] === "500");
  const made = log.findIndex((c) => c.argv[1] === "create" || c.argv[1] === "clone");
  const snap = log.findIndex((c) => c.argv[1] === "snapshot" && c.argv[3]?.startsWith("phx-"));
  assert.ok(made >= 0 || readCommandLog(t.cluster.root, node).slice(since).some((c) => c.argv[1] === "clone" && c.argv[3] === "500" && c.exit === 0), "no create or clone of CT 500");
  assert.ok(snap >= 0 && snap > made, "no final snapshot after the new container was made");
  const said = (re: RegExp) => assert.ok(up.diagnostics.some((d) => re.test(d)), `missing ${re}:\n${up.diagnostics.join("")}`);
  said(new RegExp(`CT 500 on ${node}: installing marker`));
  said(new RegExp(`CT 500 on ${node}: application script app.sh finished`));
  said(new RegExp(`CT 500 on ${node}: health check health_check passed`));
  said(new RegExp(`CT 500 on ${node}: final snapshot 'phx-`));
  // The new root filesystem carries what the feature and the application made.
  assert.equal(await onNode(pool, nodeOf(node), ["pct", "exec", "500", "--", "cat", "/etc/marker-installed", "/etc/phoenix-app-ran"]), "");
}

/** Preview, up, preview: the change replaces CT 500 (or re-creates it) and re-runs every step after it. */
async function replaceAndCheck(change: () => void, node: string, op = /replace/): Promise<void> {
  change();
  write();
  const preview = new OpsRecorder();
  await stack.stack.preview({ onEvent: preview.onEvent });
  const since = logLength(node);
  const up = new OpsRecorder();
  await stack.stack.up({ onEvent: up.onEvent });
  assert.deepEqual(preview.steps(), up.steps());
  const expected = ["container", "feature-marker", "app", "health", "snapshot", "retention"].map((s) => `ct-500-${s}`);
  assert.deepEqual([...up.ops.keys()].filter((n) => n.startsWith("ct-500-")).sort(), [...expected].sort());
  assert.match(up.ops.get("ct-500-container")!.join(), op);
  await assertRebuilt(node, since, up);
  const after = new OpsRecorder();
  const again = await stack.stack.preview({ onEvent: after.onEvent });
  assert.deepEqual(after.steps(), []);
  assert.deepEqual(Object.keys(again.changeSummary).filter((k) => k !== "same"), []);
}

before(async () => {
  t = await startTestNodes(2);
  pool = new SshPool({ credentials: t.credentials });
  for (const node of ["pve1", "pve2"]) {
    const template = installTemplate(t.cluster.root, node, "busybox");
    const cache = path.join(t.cluster.root, "nodes", node, "template", "cache");
    fs.copyFileSync(path.join(cache, path.basename(template)), path.join(cache, path.basename(OTHER_TEMPLATE)));
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-identity-"));
  fs.cpSync(path.join(REPO_ROOT, "test/fixtures/workflow"), dir, { recursive: true });
  config = JSON.parse(fs.readFileSync(path.join(dir, "phoenix_lxc_configs.json"), "utf8"));
  Object.assign(config.lxc_configs["500"]!, { node: "pve1" });
  config.lxc_configs["501"] = { ...source, name: "src501" };
  config.lxc_configs["502"] = { ...source, name: "src502" };
  write();
  const nodes = Object.fromEntries(t.nodes.map((n, i) => [`pve${i + 1}`, { host: n.host, port: n.port, user: n.user, hostKeyFingerprint: n.hostKeyFingerprint }]));
  stack = await openStack({
    program: async () => phoenixProgram({ configFile: "phoenix_lxc_configs.json", nodes }, dir),
    config: { sshPrivateKey: { value: t.credentials.privateKey!, secret: true } },
  });
  await stack.stack.up();
});
after(async () => {
  await stack?.stack.destroy().catch(() => undefined);
  await pool?.close();
  await t?.stop();
});

describe("a replaced container runs every step after it again", () => {
  const ct = () => config.lxc_configs["500"]!;
  it("template", () => replaceAndCheck(() => { ct().template = OTHER_TEMPLATE; }, "pve1"));
  it("storage", () => replaceAndCheck(() => { ct().storage_pool = "local-zfs"; }, "pve1"));
  it("unprivileged", () => replaceAndCheck(() => { ct().unprivileged = false; }, "pve1"));
  it("ostype", () => replaceAndCheck(() => { ct().ostype = "alpine"; }, "pve1"));
  it("node", () => replaceAndCheck(() => { ct().node = "pve2"; }, "pve2"));
  it("template → clone source", () => replaceAndCheck(() => { delete ct().template; ct().node = "pve1"; ct().clone_from_ctid = "501"; }, "pve1"));
  it("clone source", () => replaceAndCheck(() => { ct().clone_from_ctid = "502"; }, "pve1"));

  it("a replacement whose create lost its connection: the next up re-creates it and runs every step", async () => {
    delete ct().clone_from_ctid;
    ct().template = TEMPLATE;
    write();
    setFaults(t.cluster.root, "pve1", [{ cmd: "create", vmid: 500, nth: 1, action: "drop" }]);
    await assert.rejects(stack.stack.up(), /dropped while a command was running/);
    setFaults(t.cluster.root, "pve1", []);
    await waitNoActiveTask(pool, t.nodes[0]!, 500);
    // State holds the half-made container (partially initialised) and the steps of the one it replaced.
    await replaceAndCheck(() => undefined, "pve1", /update/);
  });
});
