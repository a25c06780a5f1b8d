/**
 * Stress test of the simulated node itself. On freshly started nodes (the moment a lazily written default once
 * raced with its first readers), every kind of pct/pvesh/pvesm invocation runs many at a time over real SSH, on two
 * nodes at once, in phases that collide on purpose: duplicate creates, concurrent sets, double starts, snapshots
 * against snapshots, deletes and rollbacks against sets, resizes against a clone, stop against shutdown, destroy
 * against reads. Repeated on new clusters. Every failure must be one of the PVE errors the op was written to hit,
 * every end state one real PVE could reach, and the node's command log must account for every invocation.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { SshPool } from "../../host/ssh-pool";
import type { NodeTarget } from "../../host/transport";
import { installTemplate } from "../../testbed/templates";
import { START_FAILURE_LOG } from "../../testbed/runtime";
import { readCommandLog } from "../helpers/sim-node";
import { startTestNodes } from "../helpers/sshd";
import { StressOp, StressRunner, mayFail, pct } from "../helpers/sim-stress";

const ROUNDS = 3;
const CTS_PER_NODE = 2;
const LOCKED = (...locks: string[]) => new RegExp(`^CT is locked \\((${locks.join("|")})\\)\\n$`);
const GONE = /^Configuration file 'nodes\/pve\d\/lxc\/\d+\.conf' does not exist\n$/;

/** One node's schedule: phases of concurrent ops, each phase starting when the previous one has answered. */
async function stressNode(run: StressRunner, node: NodeTarget, root: string, base: number): Promise<void> {
  const template = installTemplate(root, node.name, "busybox");
  const ids = Array.from({ length: CTS_PER_NODE }, (_, i) => base + i);
  const each = (fn: (id: number) => StressOp[]): StressOp[] => ids.flatMap(fn);
  const create = (id: number): StressOp => pct("create", String(id), template, "--rootfs", "local-lvm:1", "--ostype", "unmanaged", "--hostname", `stress${id}`, "--nameserver", "8.8.8.8");
  const reads: StressOp[] = [{ argv: ["pvesm", "status"] }, pct("list"), { argv: ["pvesh", "get", `/nodes/${node.name}/lxc`, "--output-format", "json"] },
    { argv: ["pvesh", "get", "/nodes", "--output-format", "json"] }, { argv: ["pvesh", "get", `/nodes/${node.name}/tasks`, "--source", "active", "--output-format", "json"] }];

  // 1. The node's first commands: creates (one of them twice), against every kind of read.
  const dup = mayFail(create(ids[0]!), new RegExp(`^CT ${ids[0]} already exists on node '${node.name}'\\n$`));
  const first = await run.all(node, [dup, ...ids.map(create).map((op, i) => (i === 0 ? dup : op)), ...reads, ...reads]);
  if (first.filter((r) => r.argv[1] === "create" && r.argv[2] === String(ids[0]) && r.ok).length !== 1) run.fail(`${node.name}: not exactly one of two creates of ${ids[0]} succeeded`);
  for (const r of first.filter((x) => x.argv[0] === "pvesm")) if (!/^local-lvm +lvmthin +active/m.test(r.stdout)) run.fail(`${node.name}: pvesm status without the default storages: ${r.stdout}`);

  // 2. Config churn: concurrent sets of one key, a set against a delete of the same key, reads.
  await run.all(node, each((id) => [pct("set", String(id), "--memory", "256"), pct("set", String(id), "--memory", "384"), pct("set", String(id), "--memory", "512"),
    pct("set", String(id), "--cores", "2", "--description", "stress"), pct("set", String(id), "--searchdomain", "example.org"),
    { ...pct("set", String(id), "--delete", "searchdomain"), mayWarn: [/^cannot delete 'searchdomain' - not set in current configuration!\n$/] },
    pct("config", String(id)), pct("pending", String(id)), pct("status", String(id), "--verbose", "1"),
    mayFail(pct("unlock", String(id)), /^no lock found trying to remove any lock\n$/)]));
  for (const id of ids) {
    const conf = (await run.run(node, pct("config", String(id), "--current"))).stdout;
    if (!/^memory: (256|384|512)$/m.test(conf) || !/^cores: 2$/m.test(conf)) run.fail(`${node.name}: ${id} lost a set: ${conf}`);
  }

  // 3. Double start; 4. what a running container takes: exec, push, hot-plug and pending sets, task list.
  // Two starts race; one that passed the "already running" check still succeeds (PVE starts an active systemd unit).
  const twice = (id: number) => mayFail(pct("start", String(id)), new RegExp(`^CT ${id} already running\\n$`));
  const started = await run.all(node, each((id) => [twice(id), twice(id), pct("status", String(id))]));
  for (const id of ids) if (!started.some((r) => r.argv[1] === "start" && r.argv[2] === String(id) && r.ok)) run.fail(`${node.name}: no start of ${id} succeeded`);
  const pushed = path.join(root, `push-${node.name}.txt`);
  fs.writeFileSync(pushed, "pushed\n");
  const running = await run.all(node, each((id) => [pct("exec", String(id), "--", "echo", "hi"), pct("exec", String(id), "--", "echo", "hi"), pct("push", String(id), pushed, "/tmp/pushed"),
    pct("set", String(id), "--features", "nesting=1"), pct("set", String(id), "--features", "nesting=1"), pct("set", String(id), "--memory", "300", "--swap", "256"),
    pct("config", String(id), "--current"), pct("listsnapshot", String(id)), ...reads.slice(2)]));
  for (const r of running.filter((x) => x.argv[1] === "exec")) if (r.ok && r.stdout !== "hi\n") run.fail(`${node.name}: exec printed ${JSON.stringify(r.stdout)}`);
  for (const id of ids) {
    const pending = (await run.run(node, pct("pending", String(id)))).stdout;
    if ((pending.match(/^new features: nesting=1$/gm) ?? []).length !== 1 || /^new memory/m.test(pending)) run.fail(`${node.name}: ${id} pending is not PVE's: ${pending}`);
  }

  // 5. Snapshots against snapshots; 6. a delete against a set and a new snapshot.
  const snaps = await run.all(node, each((id) => [mayFail(pct("snapshot", String(id), "s1"), LOCKED("snapshot")), mayFail(pct("snapshot", String(id), "s2"), LOCKED("snapshot")), pct("listsnapshot", String(id))]));
  const madeOf = (id: number, results: typeof snaps) => results.filter((r) => r.argv[1] === "snapshot" && r.argv[2] === String(id) && r.ok).map((r) => r.argv[3]!);
  for (const id of ids) if (madeOf(id, snaps).length === 0) run.fail(`${node.name}: no snapshot of ${id} succeeded`);
  const busy = LOCKED("snapshot", "snapshot-delete");
  const deleted = await run.all(node, each((id) => [mayFail(pct("delsnapshot", String(id), madeOf(id, snaps)[0] ?? "s1"), busy), mayFail(pct("set", String(id), "--cores", "1"), busy),
    mayFail(pct("snapshot", String(id), "s3"), busy), pct("listsnapshot", String(id))]));

  // 7. Rollback against a set and reads (the container stops); 8. two resizes against a full clone from a snapshot.
  const left = (id: number) => [...madeOf(id, snaps), ...madeOf(id, deleted)].filter((s) => !deleted.some((r) => r.ok && r.argv[1] === "delsnapshot" && r.argv[2] === String(id) && r.argv[3] === s));
  for (const id of ids) if (left(id).length === 0) await run.run(node, pct("snapshot", String(id), "s4"));
  const snapOf = (id: number) => left(id)[0] ?? "s4";
  await run.all(node, each((id) => [pct("rollback", String(id), snapOf(id)), mayFail(pct("set", String(id), "--cores", "2"), LOCKED("rollback")), pct("status", String(id)), pct("config", String(id))]));
  const grown = await run.all(node, each((id) => [mayFail(pct("resize", String(id), "rootfs", "+1G"), LOCKED("disk")), mayFail(pct("resize", String(id), "rootfs", "+1G"), LOCKED("disk")),
    pct("clone", String(id), String(id + 50), "--snapname", snapOf(id), "--hostname", `clone${id}`), pct("status", String(id))]));
  for (const id of ids) {
    const sizeG = 1 + grown.filter((r) => r.argv[1] === "resize" && r.argv[2] === String(id) && r.ok).length;
    const conf = (await run.run(node, pct("config", String(id)))).stdout;
    if (!new RegExp(`^rootfs: local-lvm:vm-${id}-disk-0,size=${sizeG}G$`, "m").test(conf)) run.fail(`${node.name}: ${id} after resizes is not ${sizeG}G: ${conf}`);
  }

  // 9. Start, then stop against shutdown; 10. destroys (one twice) against reads.
  await run.all(node, each((id) => [pct("start", String(id)), pct("start", String(id + 50))]));
  const down = new RegExp(`^CT \\d+ not running\\n$`);
  await run.all(node, each((id) => [mayFail(pct("stop", String(id)), down), mayFail(pct("shutdown", String(id)), down), mayFail(pct("stop", String(id + 50)), down), mayFail(pct("reboot", String(id + 50)), /^VM \d+ not running\n$/, LOCKED("disk"))]));
  await run.all(node, each((id) => [mayFail(pct("destroy", String(id), "--force", "1", "--purge", "1"), GONE, LOCKED("destroyed")), mayFail(pct("destroy", String(id), "--force", "1"), GONE, LOCKED("destroyed")),
    pct("destroy", String(id + 50), "--force", "1"), mayFail(pct("status", String(id)), GONE), pct("list"), ...reads.slice(2)]));
  const list = await run.run(node, pct("list"));
  if (list.stdout !== "") run.fail(`${node.name}: containers left after the destroys: ${list.stdout}`);
}

/** Every invocation answered is in the node's command log with the same exit code, and no temp file is left. */
function checkNodeRecords(run: StressRunner, root: string, node: string): void {
  const key = (argv: string[], exit: number | null) => `${exit} ${argv.join(" ")}`;
  const logged = readCommandLog(root, node).map((c) => key(c.argv, c.exit)).sort();
  const answered = run.results.filter((r) => r.node === node).map((r) => key(r.argv, r.exitCode)).sort();
  if (JSON.stringify(logged) !== JSON.stringify(answered)) run.fail(`${node}: the command log (${logged.length} lines) does not match the ${answered.length} answers`);
  const files = fs.readdirSync(root, { recursive: true }).map(String);
  const torn = files.filter((f) => /\.tmp(\.\d+)?$/.test(f));
  if (torn.length) run.fail(`temp files left: ${torn.join(", ")}`);
  // No op was written to make a start fail: any recorded cause is a failure, and its text says why.
  for (const f of files.filter((x) => x.startsWith(path.join("nodes", node)) && path.basename(x) === START_FAILURE_LOG)) {
    run.fail(`${node}: ${f}: ${fs.readFileSync(path.join(root, f), "utf8")}`);
  }
}

describe("the simulated node under concurrent load", () => {
  it(`${ROUNDS} fresh clusters of two nodes: every failure is one the op was meant to hit`, async (ctx) => {
    for (let round = 1; round <= ROUNDS; round++) {
      const t = await startTestNodes(2);
      const pool = new SshPool({ credentials: t.credentials });
      const run = new StressRunner(pool);
      try {
        await Promise.all(t.nodes.map((node, i) => stressNode(run, node, t.cluster.root, 200 + 100 * i)));
        for (const node of t.nodes) checkNodeRecords(run, t.cluster.root, node.name);
      } finally {
        await pool.close();
        await t.stop();
      }
      ctx.diagnostic(`round ${round}: ${run.results.length} invocations, ${run.results.filter((r) => !r.ok).length} collided as allowed`);
      assert.deepEqual(run.unexpected, [], `round ${round}: ${run.results.length} invocations`);
      assert.ok(run.results.filter((r) => !r.ok).length > 0, `round ${round}: no op collided; the schedule stresses nothing`);
    }
  });
});
