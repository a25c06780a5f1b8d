/**
 * `phoenix sim start` / `phoenix sim stop` ten times in a row, as a script would run them: every start gives
 * working nodes on fresh nodes, and every stop returns only when the nodes are gone — their ports refuse
 * connections and no process of the simulation root is alive, even with a session still running on each node.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { SshPool } from "../../host/ssh-pool";
import type { NodeTarget } from "../../host/transport";
import { liveSimProcesses, probePort } from "../helpers/sim-processes";
import { CliProject, makeCliProject } from "./cli-project";

const ROUNDS = 10;
let project: CliProject;

before(() => {
  project = makeCliProject(JSON.stringify({ lxc_configs: {} }));
});
after(async () => {
  await project?.dispose();
});

/** The nodes `sim start` printed: `pve1  127.0.0.2:40123  SHA256:…`. */
function parseNodes(stdout: string): NodeTarget[] {
  return [...stdout.matchAll(/^(\S+) {2}([\d.]+):(\d+) {2}(SHA256:\S+)$/gm)].map((m) => ({ name: m[1]!, host: m[2]!, port: Number(m[3]), user: "root", hostKeyFingerprint: m[4]! }));
}

describe("phoenix sim start and stop in a loop", () => {
  it(`${ROUNDS} rounds: each start serves both nodes, each stop leaves nothing running`, async () => {
    const root = path.join(project.dir, ".phoenix", "sim");
    for (let round = 1; round <= ROUNDS; round++) {
      const started = await project.phoenix("sim", "start");
      assert.equal(started.code, 0, `round ${round}: ${started.stderr}`);
      const nodes = parseNodes(started.stdout);
      assert.deepEqual(nodes.map((n) => n.name), ["pve1", "pve2"], started.stdout);
      const pool = new SshPool({ credentials: { privateKey: fs.readFileSync(path.join(root, "ssh", "id_ed25519"), "utf8") } });
      const sessions: Promise<unknown>[] = [];
      try {
        for (const node of nodes) {
          const r = await pool.exec(node, ["pvesm", "status"]);
          assert.equal(r.exitCode, 0, `round ${round} ${node.name}: ${r.stderr}`);
          assert.match(r.stdout, /^local-lvm +lvmthin +active/m);
          // A session still running when the nodes stop.
          let sawStart = (): void => undefined;
          const running = new Promise<void>((r2) => (sawStart = r2));
          sessions.push(pool.exec(node, ["bash", "-c", "echo up; exec sleep 600"], { onStdout: (c) => c.includes("up") && sawStart() }).catch(() => undefined));
          await running;
        }
        const stopped = await project.phoenix("sim", "stop");
        assert.equal(stopped.code, 0, `round ${round}: ${stopped.stderr}`);
        assert.equal(stopped.stdout, "stopped pve1, pve2\n");
        for (const node of nodes) assert.equal(await probePort(node.host, node.port), "ECONNREFUSED", `round ${round}: ${node.name} still listens`);
        assert.deepEqual(liveSimProcesses(root), [], `round ${round}: processes left`);
        await Promise.all(sessions);
      } finally {
        await pool.close();
      }
    }
  });
});
