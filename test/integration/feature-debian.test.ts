/**
 * Features on a real Debian root filesystem (debootstrap from Debian's packages, cached): base_setup installs
 * real packages with apt; a second run executes only the guard (checked in the node's command log); a package
 * removed by hand is drift on read and is reinstalled; a failing verify fails with the output's tail.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as container from "../../providers/impl/container";
import * as feature from "../../providers/impl/feature";
import { configureRuntime, setTransportForTesting } from "../../providers/impl/runtime";
import { readCatalog, readFeatureScripts, BUILTIN_FEATURES_DIR } from "../../host/feature-files";
import { buildFeatureEnv, hashFeatureInputs } from "../../core/features/feature-env";
import { SshPool } from "../../host/ssh-pool";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes, TestNodes } from "../helpers/sshd";
import { onNode, readCommandLog } from "../helpers/sim-node";

const NODE = "pve1";
let t: TestNodes;
let pool: SshPool;
let target: { vmid: number; node: string; connection: { host: string; port: number; user: string; hostKeyFingerprint?: string } };
let inputs: feature.FeatureInputs;

/**
 * Script names run in the container since a log mark (each run is `… sh -c <script> phoenix-<feature>-<role>`;
 * an up's guard → install → verify is one run, `phoenix-<feature>-converge`).
 */
function scriptsRunSince(since: number): string[] {
  return readCommandLog(t.cluster.root, NODE).slice(since)
    .filter((c) => c.argv[1] === "exec")
    .map((c) => c.argv.find((a) => a.startsWith("phoenix-")) ?? "")
    .filter(Boolean);
}

before(async () => {
  t = await startTestNodes(1);
  pool = new SshPool({ credentials: t.credentials });
  configureRuntime({ get: (k) => (k === "sshPrivateKey" ? t.credentials.privateKey : undefined) });
  setTransportForTesting(undefined);
  const template = installTemplate(t.cluster.root, NODE, "debian");
  const n = t.nodes[0]!;
  target = { vmid: 600, node: NODE, connection: { host: n.host, port: n.port, user: n.user, hostKeyFingerprint: n.hostKeyFingerprint } };
  await container.create({
    ...target, owner: "phoenix-lxc/test", source: { kind: "template", ostemplate: template }, storage: "local-lvm", rootfsGiB: 2,
    unprivileged: true, hostname: "deb600", memoryMiB: 512, swapMiB: 256, cores: 1, net: { name: "eth0", bridge: "vmbr0", ip: "dhcp" },
    nameservers: [], onboot: false, features: [], tags: [], volumes: [], bindMounts: [], lxcOptions: [], apparmorManagesNesting: false,
    gpus: [], running: true, restartPolicy: "restart", adopt: false,
  });
  const catalog = readCatalog();
  const scripts = readFeatureScripts("base_setup", catalog, undefined, { configDir: BUILTIN_FEATURES_DIR, roots: [BUILTIN_FEATURES_DIR] });
  const env = buildFeatureEnv("base_setup", catalog.base_setup!, { config: { lxc_configs: {} } as never, spec: { ctid: 600, gpus: [] } as never, inheritedFeatures: [] });
  inputs = { ...target, feature: "base_setup", scripts, env, contentHash: hashFeatureInputs({ ...scripts }, env), trigger: 1 };
});
after(async () => {
  await pool?.close();
  await t?.stop();
});

describe("base_setup on a Debian container", () => {
  let outs: feature.FeatureOutputs;

  it("installs real packages with apt and verifies them", async () => {
    const since = readCommandLog(t.cluster.root, NODE).length;
    outs = (await feature.create(inputs)).outs;
    assert.equal(outs.lastAction, "installed");
    assert.deepEqual(scriptsRunSince(since), ["phoenix-base_setup-converge"]);
    const status = await onNode(pool, t.nodes[0]!, ["pct", "exec", "600", "--", "dpkg-query", "-W", "-f=${Status}", "jq"]);
    assert.equal(status, "install ok installed");
  });

  it("runs only the guard the second time", async () => {
    const since = readCommandLog(t.cluster.root, NODE).length;
    outs = (await feature.update("600/base_setup", outs, { ...inputs, trigger: 2 })).outs;
    assert.equal(outs.lastAction, "guard-passed", "the guard passed, so the converge stopped there");
    assert.deepEqual(scriptsRunSince(since), ["phoenix-base_setup-converge"]);
  });

  it("reports a package removed by hand as drift on read, and the next run reinstalls it", async () => {
    await onNode(pool, t.nodes[0]!, ["pct", "exec", "600", "--", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "remove", "-y", "-q", "jq"]);
    const refreshed = (await feature.read("600/base_setup", outs)).props!;
    assert.equal(refreshed.installed, false);
    assert.match(refreshed.guardOutput, /jq/);
    assert.equal((await feature.diff("600/base_setup", refreshed, { ...inputs, trigger: 2 })).changes, true);
    const since = readCommandLog(t.cluster.root, NODE).length;
    outs = (await feature.update("600/base_setup", refreshed, { ...inputs, trigger: 2 })).outs;
    assert.deepEqual(scriptsRunSince(since), ["phoenix-base_setup-converge"]);
    assert.equal(outs.lastAction, "installed");
    assert.equal(outs.installed, true);
  });

  it("fails with the feature, the container and the output's tail when verify fails", async () => {
    const broken = { ...inputs, feature: "broken", scripts: { guard: "exit 1", install: "echo installed", verify: "echo 'service did not answer on :8080'; exit 3" } };
    await assert.rejects(feature.create(broken), (e: Error) =>
      /verifying feature 'broken' after install failed for CT 600 on node 'pve1'/.test(e.message) && /exit code: 3/.test(e.message) && /service did not answer on :8080/.test(e.message));
  });

  it("keeps the cached Debian template for later runs", () => {
    const cache = path.join(process.env.PHOENIX_CACHE_DIR ?? path.join(process.env.HOME ?? "/root", ".cache", "phoenix-lxc"), "templates");
    assert.ok(fs.readdirSync(cache).some((f) => f.startsWith("debian-12-standard")));
  });
});
