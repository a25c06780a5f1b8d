/**
 * The sshd launcher: simulated nodes answer as themselves over real SSH, record what a stack needs, and leave no
 * process behind when stopped — also when started detached by the CLI.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { SshPool } from "../../host/ssh-pool";
import { checkAlive, listDescendants } from "../../testbed/launcher/processes";
import { findRepoRoot, startSimCluster, type SimCluster, type SimNode } from "../../testbed/launcher/sim-cluster";
import { toNodeTarget } from "../helpers/sshd";

const execFileP = promisify(execFile);
const CLI = join(__dirname, "..", "..", "testbed", "launcher", "cli.js");

describe("startSimCluster", () => {
  let cluster: SimCluster;
  let pool: SshPool;
  before(async () => {
    cluster = await startSimCluster({ nodes: ["pve1", "pve2"], latency: "realistic" });
    pool = new SshPool({ credentials: { privateKey: cluster.privateKey } });
  });
  after(async () => {
    await pool?.close();
    await cluster?.stop();
    if (cluster) await rm(cluster.root, { recursive: true, force: true });
  });

  it("runs each node's commands as that node", async () => {
    const names = await Promise.all(cluster.nodes.map((n) => pool.exec(toNodeTarget(n), ["bash", "-c", "echo $PHOENIX_SIM_NODE"])));
    assert.deepEqual(names.map((r) => r.stdout), ["pve1\n", "pve2\n"]);
  });

  it("gives every node its own loopback address", () => {
    assert.deepEqual(cluster.nodes.map((n) => n.host), ["127.0.0.2", "127.0.0.3"]);
  });

  it("puts the simulated pct tools first on the remote PATH and exports the simulation root", async () => {
    const r = await pool.exec(toNodeTarget(cluster.nodes[0]!), ["bash", "-c", 'echo "$PATH"; echo "$PHOENIX_SIM_ROOT"']);
    const [path, root] = r.stdout.split("\n");
    assert.equal(path!.split(":")[0], join(findRepoRoot(), "testbed", "bin"));
    assert.equal(root, cluster.root);
  });

  it("hides the ForceCommand plumbing from the command, as on a real node", async () => {
    const r = await pool.exec(toNodeTarget(cluster.nodes[0]!), ["bash", "-c", 'echo "${SSH_ORIGINAL_COMMAND-unset}"']);
    assert.equal(r.stdout, "unset\n");
  });

  it("writes nodes.json with the connection settings of every node", async () => {
    const written = JSON.parse(await readFile(join(cluster.root, "nodes.json"), "utf8"));
    assert.deepEqual(written, { root: cluster.root, privateKeyPath: cluster.privateKeyPath, nodes: cluster.nodes });
  });

  it("writes the realistic latency table for the simulator", async () => {
    const latency = JSON.parse(await readFile(join(cluster.root, "nodes", "pve2", "latency.json"), "utf8"));
    assert.deepEqual([latency.create, latency.set, latency.default], [3000, 30, 0]);
  });
});

describe("stopping a cluster", () => {
  it("leaves no sshd, per-connection child or remote command running", async () => {
    const cluster = await startSimCluster({ nodes: ["pve1", "pve2"] });
    const pool = new SshPool({ credentials: { privateKey: cluster.privateKey } });
    try {
      let sawStart = (): void => undefined;
      const started = new Promise<void>((r) => (sawStart = r));
      const sleeping = pool.exec(toNodeTarget(cluster.nodes[0]!), ["bash", "-c", "echo up; exec sleep 30"], { onStdout: (c) => c.includes("up") && sawStart() }).catch(() => undefined);
      await started;
      const pids = cluster.nodes.flatMap((n) => [n.pid, ...listDescendants(n.pid)]);
      assert.ok(pids.length > 2, "the running command should have children under the listener");
      await cluster.stop();
      assert.deepEqual(pids.filter(checkAlive), []);
      await sleeping;
    } finally {
      await pool.close();
      await cluster.stop();
      await rm(cluster.root, { recursive: true, force: true });
    }
  });
});

describe("launcher CLI", () => {
  let root: string;
  before(async () => {
    root = join(await mkdtemp(join(tmpdir(), "phoenix-cli-")), "sim");
  });
  after(async () => {
    await execFileP(process.execPath, [CLI, "stop", "--root", root]).catch(() => undefined);
    await rm(join(root, ".."), { recursive: true, force: true });
  });

  it("starts sshds that outlive the CLI process and stops them by their recorded pids", async () => {
    const started = await execFileP(process.execPath, [CLI, "start", "--nodes", "pve1,pve2", "--root", root]);
    assert.equal(started.stdout.trim(), join(root, "nodes.json"));
    const { nodes, privateKeyPath } = JSON.parse(await readFile(join(root, "nodes.json"), "utf8")) as { nodes: SimNode[]; privateKeyPath: string };
    const pool = new SshPool({ credentials: { privateKey: await readFile(privateKeyPath, "utf8") } });
    const r = await pool.exec(toNodeTarget(nodes[1]!), ["bash", "-c", "echo $PHOENIX_SIM_NODE"]).finally(() => pool.close());
    assert.equal(r.stdout, "pve2\n");
    const stopped = await execFileP(process.execPath, [CLI, "stop", "--root", root]);
    assert.equal(stopped.stdout.trim(), "stopped pve1, pve2");
    assert.deepEqual(nodes.map((n) => n.pid).filter(checkAlive), []);
  });

  it("refuses an unknown flag instead of starting a default cluster", async () => {
    await assert.rejects(execFileP(process.execPath, [CLI, "start", "--node", "pve1", "--root", root]), /unknown argument '--node'/);
  });
});
