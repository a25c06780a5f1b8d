/**
 * Stopping a simulated cluster leaves nothing behind, and has left nothing behind by the time it returns: not the
 * sshds (their ports refuse connections at once), not a session's command, and not the container runtimes that
 * `pct start` detached from them. A process that will not die is named in the error.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { SshPool } from "../../host/ssh-pool";
import { runStopSimProcesses, SimStopTimeoutError } from "../../testbed/launcher/stop-processes";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes } from "../helpers/sshd";
import { onNode, setFaults } from "../helpers/sim-node";
import { liveSimProcesses, probePort } from "../helpers/sim-processes";

describe("stopping a simulated cluster", () => {
  it("returns only when the sshds, a running session and the containers' processes are gone", async () => {
    const t = await startTestNodes(1, { keepRoot: true });
    const pool = new SshPool({ credentials: t.credentials });
    const node = t.nodes[0]!;
    let session: Promise<unknown> = Promise.resolve();
    try {
      const template = installTemplate(t.cluster.root, "pve1", "busybox");
      await onNode(pool, node, ["pct", "create", "120", template, "--ostype", "unmanaged", "--rootfs", "local-lvm:1", "--start", "1"]);
      await onNode(pool, node, ["pct", "exec", "120", "--", "sh", "-c", "sleep 600 >/dev/null 2>&1 &"]);
      // A detached helper of the node (a transient lock's remover, sleeping 10 minutes): neither under sshd nor in a container.
      setFaults(t.cluster.root, "pve1", [{ cmd: "status", vmid: 120, action: "transient-lock", ms: 600_000 }]);
      await onNode(pool, node, ["pct", "status", "120"]);
      // A session still running on the node when it stops: its processes carry the node's environment.
      let sawStart = (): void => undefined;
      const started = new Promise<void>((r) => (sawStart = r));
      session = pool.exec(node, ["bash", "-c", "echo started; exec sleep 600"], { onStdout: (c) => c.includes("started") && sawStart() }).catch(() => undefined);
      await started;
      assert.ok(liveSimProcesses(t.cluster.root).length > 3, "the container, the helper and the session run processes");
    } finally {
      await t.cluster.stop();
    }
    assert.deepEqual(liveSimProcesses(t.cluster.root), []);
    assert.equal(await probePort(node.host, node.port), "ECONNREFUSED");
    await session;
    await pool.close();
    await t.stop();
  });

  it("names a process that does not die and says how to end it", async () => {
    const root = "/nonexistent/phoenix-stop-test";
    const child = spawn("sleep", ["600"], { env: { ...process.env, PHOENIX_SIM_ROOT: root }, stdio: "ignore" });
    const exited = new Promise((r) => child.once("exit", r));
    try {
      // Injected fault: the signal never reaches this one process, as with one stuck in state D.
      const kill = (pid: number, sig: NodeJS.Signals) => (pid === child.pid ? undefined : process.kill(pid, sig));
      await assert.rejects(runStopSimProcesses({ root, listeners: [], timeoutMs: 300, kill }), (e: unknown) => {
        assert.ok(e instanceof SimStopTimeoutError);
        assert.equal(e.message, `1 process(es) of the simulated nodes under ${root} still run 0.3 s after SIGKILL: ${child.pid} (sleep 600); `
          + `end them with 'kill -9 ${child.pid}' (or find what holds them in state D) before starting the nodes again`);
        return true;
      });
    } finally {
      child.kill("SIGKILL");
      await exited;
    }
  });
});
