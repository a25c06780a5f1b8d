/**
 * What the preview promises, the up does — on the real engine against a simulated node:
 * - a restart-class change under restart_policy never is made once, then reported as pending and no longer a
 *   change: a second up makes no pct call and takes no snapshot;
 * - a disk shrink (PVE cannot shrink) is refused by the preview with the fix, before anything runs;
 * - a change taken back while it is still pending (a field, a mount point) is dropped with `pct set --revert`;
 * - property: over random single-field edits of every class, the preview's list of steps equals the steps the
 *   up ran (engine events), and the preview after the up is empty.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { phoenixProgram } from "../../components/stack-program";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes, TestNodes } from "../helpers/sshd";
import { mutatingSince, onNode, readCommandLog } from "../helpers/sim-node";
import { SshPool } from "../../host/ssh-pool";
import { openStack, REPO_ROOT, TestStack } from "../helpers/pulumi-engine";
import { OpsRecorder } from "../helpers/engine-ops";

const NODE = "pve1";
const TEMPLATE = "local:vztmpl/busybox-tiny_1.36_amd64.tar.gz";
const OTHER_TEMPLATE = "local:vztmpl/busybox-other_1.36_amd64.tar.gz";
type Ct = Record<string, unknown> & { health_check: { command: string; retries: number; interval: number } };
let t: TestNodes;
let pool: SshPool;
let stack: TestStack;
let dir: string;
let config: { snapshot_retention: { keep_last: number }; lxc_configs: Record<string, Ct> };
const ct = () => config.lxc_configs["500"]!;
const write = () => fs.writeFileSync(path.join(dir, "phoenix_lxc_configs.json"), JSON.stringify(config, null, 2));
const mark = () => readCommandLog(t.cluster.root, NODE).length;

/** Preview, up, preview; returns what each saw. */
async function cycle(): Promise<{ preview: OpsRecorder; up: OpsRecorder; after: OpsRecorder; since: number }> {
  write();
  const preview = new OpsRecorder();
  await stack.stack.preview({ onEvent: preview.onEvent });
  const since = mark();
  const up = new OpsRecorder();
  await stack.stack.up({ onEvent: up.onEvent });
  const after = new OpsRecorder();
  await stack.stack.preview({ onEvent: after.onEvent });
  return { preview, up, after, since };
}

before(async () => {
  t = await startTestNodes(1);
  pool = new SshPool({ credentials: t.credentials });
  const template = installTemplate(t.cluster.root, NODE, "busybox");
  const cache = path.join(t.cluster.root, "nodes", NODE, "template", "cache");
  fs.copyFileSync(path.join(cache, path.basename(template)), path.join(cache, path.basename(OTHER_TEMPLATE)));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-truth-"));
  fs.cpSync(path.join(REPO_ROOT, "test/fixtures/workflow"), dir, { recursive: true });
  config = JSON.parse(fs.readFileSync(path.join(dir, "phoenix_lxc_configs.json"), "utf8"));
  const n = t.nodes[0]!;
  const nodes = { [NODE]: { host: n.host, port: n.port, user: n.user, hostKeyFingerprint: n.hostKeyFingerprint } };
  stack = await openStack({
    program: async () => phoenixProgram({ configFile: "phoenix_lxc_configs.json", nodes }, dir),
    config: { sshPrivateKey: { value: t.credentials.privateKey!, secret: true } },
  });
  ct().restart_policy = "never";
  write();
  await stack.stack.up();
});
after(async () => {
  await stack?.stack.destroy().catch(() => undefined);
  await pool?.close();
  await t?.stop();
});

describe("restart_policy never", () => {
  it("makes a restart-class change once, then reports it as pending and changes nothing", async () => {
    ct().network_config = { ...(ct().network_config as object), nameservers: ["9.9.9.9"] };
    const { preview, up, after, since } = await cycle();
    assert.deepEqual(preview.steps(), up.steps());
    assert.ok(preview.diagnostics.some((d) => /CT 500: network_config\.nameservers \(none\) → 9\.9\.9\.9 \(restart: left pending, restart_policy is never\)/.test(d)), preview.diagnostics.join(""));
    const made = mutatingSince(t.cluster.root, NODE, since).map((c) => c.argv[1]);
    assert.ok(made.includes("set") && !made.includes("reboot"), made.join(" "));
    // The next preview: nothing to do, the pending change said once (not as drift).
    assert.deepEqual(after.steps(), []);
    assert.deepEqual(after.diagnostics.filter((d) => /CT 500/.test(d)).map((d) => d.trim()), [
      "[phoenix] CT 500 on pve1: nameserver pending until the container restarts (restart_policy: never; 'phoenix restart 500' applies it)",
    ]);
    const outputs = await stack.stack.outputs();
    assert.deepEqual(outputs.containers!.value["500"].pendingRestart, ["nameserver"]);
  });

  it("a second up makes no pct call and takes no snapshot", async () => {
    const since = mark();
    const up = await stack.stack.up();
    assert.deepEqual(Object.keys(up.summary.resourceChanges ?? {}), ["same"]);
    assert.deepEqual(mutatingSince(t.cluster.root, NODE, since), []);
  });

  it("taking the pending change back drops it with --revert: no restart, nothing pending, and the next preview is empty", async () => {
    const { nameservers: _pending, ...network } = ct().network_config as Record<string, unknown>;
    ct().network_config = network;
    const { preview, up, after, since } = await cycle();
    assert.deepEqual(preview.steps(), up.steps());
    assert.ok(preview.diagnostics.some((d) => /CT 500: network_config\.nameservers 9\.9\.9\.9 → \(none\) \(live\)/.test(d)), preview.diagnostics.join(""));
    const made = mutatingSince(t.cluster.root, NODE, since).map((c) => c.argv.slice(1).join(" "));
    assert.ok(made.includes("set 500 --revert nameserver") && !made.some((c) => c.startsWith("reboot")), made.join("\n"));
    assert.deepEqual(after.steps(), []);
    assert.deepEqual(after.diagnostics.filter((d) => /CT 500/.test(d)), []);
    const outputs = await stack.stack.outputs();
    assert.deepEqual(outputs.containers!.value["500"].pendingRestart, []);
  });
});

describe("a mount point under restart_policy never", () => {
  const volume = (pool: string) => [{ name: "data", pool, size_gb: 1, mount_point: "/data" }];

  it("a moved volume waits for the restart; moved back before it, the pending move is dropped with --revert", async () => {
    ct().volumes = volume("local-lvm");
    const added = await cycle();
    assert.deepEqual(added.preview.steps(), added.up.steps());
    assert.deepEqual(added.after.steps(), []);
    ct().volumes = volume("local-zfs");
    const moved = await cycle();
    assert.deepEqual(moved.preview.steps(), moved.up.steps());
    assert.deepEqual(moved.after.steps(), [], "a pending mount change is settled, not planned again");
    assert.ok(moved.after.diagnostics.some((d) => /CT 500 on pve1: mp0 pending until the container restarts/.test(d)), moved.after.diagnostics.join(""));
    ct().volumes = volume("local-lvm");
    const back = await cycle();
    assert.deepEqual(back.preview.steps(), back.up.steps());
    const made = mutatingSince(t.cluster.root, NODE, back.since).map((c) => c.argv.slice(1).join(" "));
    assert.ok(made.includes("set 500 --revert mp0") && !made.some((c) => c.startsWith("reboot")), made.join("\n"));
    assert.deepEqual(back.after.steps(), []);
    const outputs = await stack.stack.outputs();
    assert.deepEqual(outputs.containers!.value["500"].pendingRestart, []);
  });
});

describe("a disk shrink", () => {
  it("is refused by the preview with the sizes and the fix, and nothing runs", async () => {
    ct().storage_size_gb = 2;
    await cycle();
    ct().storage_size_gb = 1;
    write();
    const since = mark();
    await assert.rejects(stack.stack.preview(), (e: Error) => {
      assert.match(e.message, /CT 500: rootfs is 2 GiB and PVE cannot shrink it to 1 GiB; set storage_size_gb to 2 or more \(a smaller disk needs a new container: phoenix destroy 500, then phoenix up\)/);
      return true;
    });
    await assert.rejects(stack.stack.up(), /PVE cannot shrink it/);
    assert.deepEqual(mutatingSince(t.cluster.root, NODE, since), []);
    ct().storage_size_gb = 2;
  });

  it("grown by hand beyond the config: refresh works, the disk is left as it is with a note, a smaller size is refused", async () => {
    write();
    await onNode(pool, t.nodes[0]!, ["pct", "resize", "500", "rootfs", "3G"]);
    await stack.stack.refresh();
    const preview = new OpsRecorder();
    await stack.stack.preview({ onEvent: preview.onEvent });
    assert.deepEqual(preview.steps(), []);
    assert.ok(preview.diagnostics.some((d) => d.includes("note: CT 500: rootfs is 3 GiB and PVE cannot shrink it to 2 GiB; set storage_size_gb to 3 or more")), preview.diagnostics.join(""));
    const since = mark();
    await stack.stack.up();
    assert.deepEqual(mutatingSince(t.cluster.root, NODE, since), []);
    ct().storage_size_gb = 1;
    write();
    await assert.rejects(stack.stack.preview(), /CT 500: rootfs is 3 GiB and PVE cannot shrink it to 1 GiB/);
    ct().storage_size_gb = 3;
    const { preview: grown, up, after } = await cycle();
    assert.deepEqual(grown.steps(), up.steps());
    assert.deepEqual(after.steps(), []);
  });
});

/** Single-field edits of every class (live, restart, replace, step inputs, retention), relative to the current config. */
const EDITS: Record<string, (c: Ct, r: number) => void> = {
  memory: (c, r) => { c.memory_mb = 128 + 32 * (1 + (r % 6)); },
  cores: (c) => { c.cores = c.cores === 1 ? 2 : 1; },
  swap: (c, r) => { c.swap_mb = 64 * (1 + (r % 4)) + (c.swap_mb === 64 * (1 + (r % 4)) ? 32 : 0); },
  hostname: (c, r) => { c.name = `wf${r}`; },
  tags: (c, r) => { c.tags = [`t${r}`]; },
  onboot: (c) => { c.start_at_boot = !c.start_at_boot; },
  growDisk: (c) => { c.storage_size_gb = Number(c.storage_size_gb) + 1; },
  pctOptions: (c) => { c.pct_options = (c.pct_options as string[] | undefined)?.length ? [] : ["keyctl=1"]; },
  nameservers: (c, r) => { c.network_config = { ...(c.network_config as object), nameservers: [`10.0.${r % 250}.${(Number(c.memory_mb) % 7) + 1}`] }; },
  lxcOptions: (c) => { c.lxc_options = (c.lxc_options as string[] | undefined)?.length ? [] : ["lxc.cap.drop=sys_time"]; },
  restartPolicy: (c) => { c.restart_policy = c.restart_policy === "never" ? "restart" : "never"; },
  unprivileged: (c) => { c.unprivileged = c.unprivileged === false; },
  storage: (c) => { c.storage_pool = c.storage_pool === "local-zfs" ? "local-lvm" : "local-zfs"; },
  ostype: (c) => { c.ostype = c.ostype === "alpine" ? "unmanaged" : "alpine"; },
  template: (c) => { c.template = c.template === TEMPLATE ? OTHER_TEMPLATE : TEMPLATE; },
  healthRetries: (c) => { c.health_check = { ...c.health_check, retries: c.health_check.retries === 2 ? 3 : 2 }; },
  volume: (c) => { c.volumes = (c.volumes as unknown[] | undefined)?.length ? [] : [{ name: "data", pool: "local-lvm", size_gb: 1, mount_point: "/data" }]; },
  volumePool: (c) => {
    const [v] = (c.volumes as { pool: string }[] | undefined) ?? [];
    c.volumes = [{ name: "data", pool: v?.pool === "local-lvm" ? "local-zfs" : "local-lvm", size_gb: 1, mount_point: "/data" }];
  },
  appScript: (_c, r) => { fs.appendFileSync(path.join(dir, "app.sh"), `echo edit ${r}\n`); },
  keepLast: () => { config.snapshot_retention.keep_last = config.snapshot_retention.keep_last === 3 ? 2 : 3; },
  finalSnapshot: (c) => { c.final_snapshot = c.final_snapshot === false; },
  templateSnapshot: (c) => { c.template_snapshot_name = c.template_snapshot_name ? undefined : "golden"; },
};

describe("property: the preview's steps are the up's steps", () => {
  const seed = Number(process.env.PHOENIX_PROPERTY_SEED ?? Date.now() % 1_000_000);
  const runs = fc.sample(fc.tuple(fc.constantFrom(...Object.keys(EDITS)), fc.nat(1000)), { seed, numRuns: 8 });
  for (const [i, [edit, r]] of runs.entries()) {
    it(`run ${i + 1} (seed ${seed}): ${edit}`, async () => {
      EDITS[edit]!(ct(), r);
      const { preview, up, after } = await cycle();
      assert.deepEqual(preview.steps(), up.steps(), `seed ${seed}, edit ${edit}`);
      assert.deepEqual(after.steps(), [], `seed ${seed}, edit ${edit}: the preview after the up is not empty`);
    });
  }
});
