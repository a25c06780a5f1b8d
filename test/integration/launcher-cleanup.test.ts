/**
 * Stopping a simulated cluster leaves nothing behind: not the sshds, and not the container runtimes that
 * `pct start` detached from them (their init processes and whatever runs inside the containers).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { SshPool } from "../../host/ssh-pool";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes } from "../helpers/sshd";
import { onNode } from "../helpers/sim-node";

/** Pids whose command line, root or working directory lies under `root`. */
function processesUnder(root: string): number[] {
  const prefix = `${root}/`;
  return readdirSync("/proc").map(Number).filter((pid) => {
    if (!Number.isInteger(pid) || pid === process.pid) return false;
    try {
      if (readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ")) return false;
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      return args.some((a) => a.startsWith(prefix)) || `${readlinkSync(`/proc/${pid}/root`)}/`.startsWith(prefix);
    } catch {
      return false;
    }
  });
}

describe("stopping a simulated cluster", () => {
  it("ends the containers' processes too", async () => {
    const t = await startTestNodes(1, { keepRoot: true });
    const pool = new SshPool({ credentials: t.credentials });
    try {
      const template = installTemplate(t.cluster.root, "pve1", "busybox");
      await onNode(pool, t.nodes[0]!, ["pct", "create", "120", template, "--ostype", "unmanaged", "--rootfs", "local-lvm:1", "--start", "1"]);
      await onNode(pool, t.nodes[0]!, ["pct", "exec", "120", "--", "sh", "-c", "sleep 600 >/dev/null 2>&1 &"]);
      assert.ok(processesUnder(t.cluster.root).length > 0, "the container runs processes");
    } finally {
      await pool.close();
      await t.cluster.stop();
    }
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(processesUnder(t.cluster.root), []);
    await t.stop();
  });
});
