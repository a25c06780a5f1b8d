/**
 * The guard batcher against a simulated node over real SSH: a container's concurrent guards cost one `pct exec`
 * (counted in the node's command log), each gets its own verdict, a stopped container refuses them all, and a
 * container that cannot run the batch wrapper still gets every guard checked.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as feature from "../../providers/impl/feature";
import { NodeConnection } from "../../core/container/inputs";
import { PctError } from "../../core/errors";
import { ScriptRun } from "../../host/container-exec";
import { ContainerScriptBatcher } from "../../host/guard-batcher";
import { PctClient } from "../../host/pct-client";
import { SshPool } from "../../host/ssh-pool";
import { NodeTarget } from "../../host/transport";
import { TestNodes } from "../helpers/sshd";
import { onNode, readCommandLog, startProviderTestNode } from "../helpers/sim-node";

const NODE = "pve1";
const RUNNING = 360;
const STOPPED = 361;
const NO_TMP = 362;
let t: TestNodes;
let pool: SshPool;
let target: NodeTarget;
let connection: NodeConnection;
let template: string;
let client: PctClient;

/** Three guards: one passes, one fails saying what is missing, one passes with noise on stderr. */
const GUARDS: Record<string, string> = {
  present: 'test -f /root/present-ok && echo "present: $PHX_WHAT"',
  missing: 'test -f /root/missing-ok || { echo "missing-ok not found ($PHX_WHAT)"; exit 3; }',
  noisy: 'echo "deprecated option" >&2; test -d /root',
};
const run = (name: string): ScriptRun => ({ name: `${name}-guard`, script: GUARDS[name]!, env: { PHX_WHAT: name }, timeoutMs: 60_000, idempotent: true });

/** The `pct exec` calls for `vmid` logged after `since` entries. */
const execsSince = (since: number, vmid: number) =>
  readCommandLog(t.cluster.root, NODE)
    .slice(since)
    .filter((c) => c.argv[1] === "exec" && c.argv[2] === String(vmid));
const mark = () => readCommandLog(t.cluster.root, NODE).length;

before(async () => {
  ({ t, target, connection, pool, client, template } = await startProviderTestNode(NODE));
  for (const vmid of [RUNNING, STOPPED, NO_TMP]) {
    await onNode(pool, target, ["pct", "create", String(vmid), template, "--rootfs", "local-lvm:1", "--ostype", "unmanaged"]);
  }
  for (const vmid of [RUNNING, NO_TMP]) await onNode(pool, target, ["pct", "start", String(vmid)]);
  await onNode(pool, target, ["pct", "exec", String(RUNNING), "--", "touch", "/root/present-ok"]);
  // A /tmp that is a file: the batch wrapper's `mktemp -d` fails there (as with a read-only /tmp) and it exits 125.
  await onNode(pool, target, ["pct", "exec", String(NO_TMP), "--", "sh", "-c", "touch /root/present-ok && rm -rf /tmp && touch /tmp"]);
});
after(async () => {
  await pool?.close();
  await t?.stop();
});

describe("guard batcher against a simulated node", () => {
  it("runs a running container's three guards in one pct exec, each with its own result", async () => {
    const since = mark();
    const batcher = new ContainerScriptBatcher();
    const results = await Promise.all(["present", "missing", "noisy"].map((g) => batcher.run(client, RUNNING, run(g))));
    assert.deepEqual(results, [
      { exitCode: 0, output: "present: present\n" },
      { exitCode: 3, output: "missing-ok not found (missing)\n" },
      { exitCode: 0, output: "\ndeprecated option\n" },
    ]);
    const execs = execsSince(since, RUNNING);
    assert.equal(execs.length, 1, JSON.stringify(execs.map((c) => c.argv.slice(0, 6))));
    assert.deepEqual(execs[0]!.argv.slice(0, 6), ["pct", "exec", String(RUNNING), "--", "sh", "-c"]);
  });

  it("refreshes three features of a container with one pct exec and the right verdicts", async () => {
    const outputs = (name: string): feature.FeatureOutputs => ({
      vmid: RUNNING, node: NODE, connection, feature: name, scripts: { guard: GUARDS[name]!, install: "true", verify: "true" }, env: { PHX_WHAT: name },
      contentHash: "h", trigger: 1, installed: true, guardOutput: "", lastAction: "guard-passed", generation: 0, siblings: ["present", "missing", "noisy"],
    });
    const since = mark();
    const read = await Promise.all(["present", "missing", "noisy"].map((f) => feature.read(`${RUNNING}/${f}`, outputs(f))));
    assert.deepEqual(read.map((r) => [r.props!.installed, r.props!.guardOutput]), [[true, ""], [false, "missing-ok not found (missing)\n"], [true, ""]]);
    assert.equal(execsSince(since, RUNNING).length, 1);
  });

  it("rejects every guard of a stopped container with pct-not-running, after one pct exec", async () => {
    const since = mark();
    const batcher = new ContainerScriptBatcher();
    const runs = ["present", "missing", "noisy"].map((g) => batcher.run(client, STOPPED, run(g)));
    for (const r of runs) await assert.rejects(r, (e: unknown) => e instanceof PctError && e.code === "pct-not-running" && e.context.vmid === STOPPED);
    assert.equal(execsSince(since, STOPPED).length, 1);
  });

  it("runs each guard alone when the container cannot run the batch wrapper", async () => {
    const since = mark();
    const batcher = new ContainerScriptBatcher();
    const results = await Promise.all(["present", "missing", "noisy"].map((g) => batcher.run(client, NO_TMP, run(g))));
    assert.deepEqual(results.map((r) => r.exitCode), [0, 3, 0]);
    assert.equal(results[1]!.output, "missing-ok not found (missing)\n");
    const execs = execsSince(since, NO_TMP);
    assert.deepEqual(execs.map((c) => c.argv[4]), ["sh", "env", "env", "env"]);
  });
});
