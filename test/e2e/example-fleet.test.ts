/**
 * The example fleet (examples/sim-fleet: 10 containers on two nodes, a 3-deep clone chain, GPU passthrough, a
 * docker-style feature, a custom AppArmor profile, volumes, bind mounts, an application script, health checks,
 * retention) comes up from nothing on the real engine; a second up reports no changes and makes no mutating pct
 * call on either node.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { phoenixProgram } from "../../components/stack-program";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes, TestNodes } from "../helpers/sshd";
import { mutatingSince, readCommandLog } from "../helpers/sim-node";
import { openStack, REPO_ROOT, TestStack } from "../helpers/pulumi-engine";

let t: TestNodes;
let stack: TestStack;
const NODES = ["pve1", "pve2"];

before(async () => {
  t = await startTestNodes(2, { names: NODES });
  for (const n of NODES) installTemplate(t.cluster.root, n, "busybox");
  const nodes = Object.fromEntries(t.nodes.map((n) => [n.name, { host: n.host, port: n.port, user: n.user, hostKeyFingerprint: n.hostKeyFingerprint }]));
  stack = await openStack({
    program: async () => phoenixProgram({ configFile: "examples/sim-fleet/phoenix_lxc_configs.json", nodes }, REPO_ROOT),
    config: { sshPrivateKey: { value: t.credentials.privateKey!, secret: true } },
  });
});
after(async () => {
  await stack?.stack.destroy().catch(() => undefined);
  await t?.stop();
});

describe("the example fleet on two simulated nodes", () => {
  it("comes up from nothing", async () => {
    const up = await stack.stack.up({ parallel: 16 });
    const containers = up.outputs.containers.value as Record<string, { node: string; status: string; lastSnapshot: string }>;
    assert.equal(Object.keys(containers).length, 10);
    for (const [ctid, c] of Object.entries(containers)) {
      assert.equal(c.status, "running", `CT ${ctid}`);
      assert.ok(NODES.includes(c.node));
    }
    assert.match(containers["950"]!.lastSnapshot, /^phx-\d{8}T\d{6}Z/);
    assert.equal(containers["911"]!.lastSnapshot, "", "final_snapshot: false takes none");
  });

  it("changes nothing on a second up: no changes reported, no mutating pct call on either node", async () => {
    const marks = NODES.map((n) => readCommandLog(t.cluster.root, n).length);
    const up = await stack.stack.up({ parallel: 16 });
    assert.deepEqual(Object.keys(up.summary.resourceChanges ?? {}), ["same"]);
    NODES.forEach((n, i) => assert.deepEqual(mutatingSince(t.cluster.root, n, marks[i]!), [], n));
  });

  it("placed each clone chain on its own node, every clone made from its source's template snapshot", () => {
    const clones = NODES.flatMap((n) => readCommandLog(t.cluster.root, n).filter((c) => c.argv[1] === "clone").map((c) => `${n}:${c.argv[2]}→${c.argv[3]}@${c.argv[c.argv.indexOf("--snapname") + 1]}`));
    assert.deepEqual(clones.sort(), ["pve1:900→901@final-form", "pve1:901→920@final-form", "pve1:920→950@final-form", "pve2:910→911@final-form", "pve2:910→912@final-form"]);
    assert.equal(path.basename(REPO_ROOT).length > 0, true);
  });
});
