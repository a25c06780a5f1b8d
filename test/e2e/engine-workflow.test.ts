/**
 * The mission's own validation on the real engine: a container with keep_last 3 goes through the whole
 * workflow (container, a feature, an application script, a health check, final snapshot, retention) five times
 * with a config change each time. Five snapshots are taken, never more than three kept, the manual snapshot is
 * untouched, every preview lists exactly the snapshots its up deletes, and a sixth run with no change creates
 * and deletes nothing.
 */
import { parseDeletionNotice } from "../../core/retention/deletion-notice";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { phoenixProgram } from "../../components/stack-program";
import { SshPool } from "../../host/ssh-pool";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes, TestNodes } from "../helpers/sshd";
import { mutatingSince, onNode, readCommandLog } from "../helpers/sim-node";
import { openStack, REPO_ROOT, TestStack } from "../helpers/pulumi-engine";

const NODE = "pve1";
let t: TestNodes;
let pool: SshPool;
let stack: TestStack;
let dir: string;

function writeConfig(memory: number): void {
  const config = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "test/fixtures/workflow/phoenix_lxc_configs.json"), "utf8"));
  config.lxc_configs["500"].memory_mb = memory;
  fs.writeFileSync(path.join(dir, "phoenix_lxc_configs.json"), JSON.stringify(config, null, 2));
}

/** Owned snapshots (phx-…) of CT 500, and all snapshot names. */
async function snapshots(): Promise<{ owned: string[]; all: string[] }> {
  const list = JSON.parse(await onNode(pool, t.nodes[0]!, ["pvesh", "get", `/nodes/${NODE}/lxc/500/snapshot`, "--output-format", "json"])) as { name: string }[];
  const all = list.map((s) => s.name).filter((n) => n !== "current").sort();
  return { owned: all.filter((n) => n.startsWith("phx-")), all };
}

/** The snapshots a preview says the up will delete (the retention step's notice; none printed: none deleted). */
function plannedDeletions(lines: string[]): string[] {
  return lines.filter((l) => l.includes("CT 500 on pve1: ")).flatMap(parseDeletionNotice);
}

before(async () => {
  t = await startTestNodes(1);
  pool = new SshPool({ credentials: t.credentials });
  installTemplate(t.cluster.root, NODE, "busybox");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-wf-"));
  fs.cpSync(path.join(REPO_ROOT, "test/fixtures/workflow"), dir, { recursive: true });
  const n = t.nodes[0]!;
  const nodes = { [NODE]: { host: n.host, port: n.port, user: n.user, hostKeyFingerprint: n.hostKeyFingerprint } };
  stack = await openStack({
    program: async () => phoenixProgram({ configFile: "phoenix_lxc_configs.json", nodes }, dir),
    config: { sshPrivateKey: { value: t.credentials.privateKey!, secret: true } },
  });
});
after(async () => {
  await stack?.stack.destroy().catch(() => undefined);
  await pool?.close();
  await t?.stop();
});

describe("the converge workflow with keep_last 3, five times", () => {
  it("runs every step on the first up and takes one snapshot", async () => {
    writeConfig(256);
    const up = await stack.stack.up();
    assert.equal(up.outputs.containers.value["500"].status, "running");
    assert.equal(await onNode(pool, t.nodes[0]!, ["pct", "exec", "500", "--", "cat", "/etc/marker-installed", "/etc/phoenix-app-ran"]), "");
    assert.equal((await snapshots()).owned.length, 1);
    await onNode(pool, t.nodes[0]!, ["pct", "snapshot", "500", "manual1", "--description", "taken by hand"]);
  });

  for (const [run, memory] of [[2, 288], [3, 320], [4, 352], [5, 384]] as const) {
    it(`run ${run}: the preview lists exactly the snapshots the up deletes, and at most three are kept`, async () => {
      writeConfig(memory);
      const lines: string[] = [];
      await stack.stack.preview({ onEvent: (e: EngineEvent) => { if (e.diagnosticEvent) lines.push(e.diagnosticEvent.message); } });
      const planned = plannedDeletions(lines);
      const since = readCommandLog(t.cluster.root, NODE).length;
      await stack.stack.up();
      const deleted = mutatingSince(t.cluster.root, NODE, since).filter((c) => c.argv[1] === "delsnapshot").map((c) => c.argv[3]);
      assert.deepEqual(deleted, planned);
      const { owned, all } = await snapshots();
      assert.equal(owned.length, Math.min(3, run));
      assert.ok(all.includes("manual1"));
    });
  }

  it("took five snapshots in all and deleted the two oldest", async () => {
    const taken = readCommandLog(t.cluster.root, NODE).filter((c) => c.argv[1] === "snapshot" && c.argv[3]?.startsWith("phx-") && c.exit === 0);
    assert.equal(taken.length, 5);
    const { owned } = await snapshots();
    assert.deepEqual(owned, taken.slice(2).map((c) => c.argv[3]).sort());
  });

  it("creates and deletes nothing on a sixth run with no change", async () => {
    const since = readCommandLog(t.cluster.root, NODE).length;
    const preview = await stack.stack.preview();
    assert.deepEqual(Object.keys(preview.changeSummary).filter((k) => k !== "same"), []);
    await stack.stack.up();
    assert.deepEqual(mutatingSince(t.cluster.root, NODE, since), []);
  });
});
