/**
 * Hostile values on the create/update path, fuzzed with fast-check against a simulated node over real SSH:
 * command substitutions, backticks, `;`, pipes, quotes, newlines and very long strings in descriptions,
 * snapshot names, raw lxc option values and container create inputs are passed inert (the node's command log
 * shows exactly the argv that was meant) or rejected — and never executed (no marker file appears on the node).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as container from "../../providers/impl/container";
import { configureRuntime, setTransportForTesting } from "../../providers/impl/runtime";
import { ContainerInputs } from "../../core/container/inputs";
import { SshPool } from "../../host/ssh-pool";
import { PctClient } from "../../host/pct-client";
import { NodeTarget } from "../../host/transport";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes, TestNodes } from "../helpers/sshd";
import { onNode, readCommandLog } from "../helpers/sim-node";

const NODE = "pve1";
const VMID = 340;
const MARKER = `/tmp/phoenix-pwned-${process.pid}`;
let t: TestNodes;
let pool: SshPool;
let target: NodeTarget;
let client: PctClient;
let template: string;

/** Strings built to run `touch MARKER` if anything on the way passed them through a shell unquoted. */
const hostile = fc.oneof(
  fc.constantFrom(`$(touch ${MARKER})`, `\`touch ${MARKER}\``, `; touch ${MARKER}`, `| touch ${MARKER}`, `&& touch ${MARKER}`, `\ntouch ${MARKER}\n`,
    `'; touch ${MARKER}; '`, `"; touch ${MARKER}; "`, `$'\\x3b' touch ${MARKER}`, `\${IFS}touch\${IFS}${MARKER}`, `>${MARKER}`),
  fc.tuple(fc.string({ maxLength: 30 }), fc.constantFrom("$(", "`", ";", "\n", "|", "'", "\"", "\\", "&", ">"), fc.string({ maxLength: 30 }))
    .map(([a, m, b]) => `${a}${m}touch ${MARKER}${m === "$(" ? ")" : m}${b}`),
  fc.string({ minLength: 4000, maxLength: 9000 }).map((s) => `${s}$(touch ${MARKER})`),
);

async function markerExists(): Promise<boolean> {
  return (await pool.exec(target, ["test", "-e", MARKER])).exitCode === 0;
}

const mark = () => readCommandLog(t.cluster.root, NODE).length;
const loggedSince = (since: number) => readCommandLog(t.cluster.root, NODE).slice(since).map((c) => c.argv);

function inputs(over: Partial<ContainerInputs> = {}): ContainerInputs {
  return {
    vmid: VMID, node: NODE, connection: { host: target.host, port: target.port, user: target.user, hostKeyFingerprint: target.hostKeyFingerprint },
    owner: "phoenix-lxc/fuzz", source: { kind: "template", ostemplate: template }, ostype: "unmanaged", storage: "local-lvm", rootfsGiB: 1,
    unprivileged: true, hostname: "fuzz", memoryMiB: 256, swapMiB: 128, cores: 1, nameservers: [], onboot: false, features: [], tags: [],
    volumes: [], bindMounts: [], lxcOptions: [], apparmorManagesNesting: false, gpus: [], running: false, restartPolicy: "never", adopt: false, ...over,
  };
}

before(async () => {
  t = await startTestNodes(1);
  target = t.nodes[0]!;
  configureRuntime({ get: (k) => (k === "sshPrivateKey" ? t.credentials.privateKey : undefined) });
  setTransportForTesting(undefined);
  pool = new SshPool({ credentials: t.credentials });
  client = new PctClient(pool, target);
  template = installTemplate(t.cluster.root, NODE, "busybox");
  await container.create(inputs());
});
after(async () => {
  await pool?.close();
  await t?.stop();
});

describe("hostile values are passed inert or rejected, never executed", () => {
  it("delivers a hostile description to pct as exactly one argument, and runs nothing else", async () => {
    await fc.assert(fc.asyncProperty(hostile, async (value) => {
      const since = mark();
      await client.set(VMID, { description: value }).catch(() => undefined);
      assert.deepEqual(loggedSince(since), [["pct", "set", String(VMID), "--description", value]]);
      assert.equal(await markerExists(), false);
    }), { numRuns: 30 });
  });

  it("rejects a hostile snapshot name before it reaches the node", async () => {
    await fc.assert(fc.asyncProperty(hostile, async (name) => {
      const since = mark();
      await assert.rejects(async () => client.snapshot(VMID, name), /snapshot name/i);
      assert.deepEqual(loggedSince(since), []);
    }), { numRuns: 30 });
  });

  it("writes a hostile raw lxc option value into the config literally through the provider, executing nothing", async () => {
    let outs = (await container.read(String(VMID), { ...inputs(), observed: { exists: true, running: false, options: {}, pending: {}, rawLines: [] }, status: "stopped", pendingRestart: [], lastChanges: [], generation: 1 })).props!;
    // The description test above replaced the ownership marker: converge once, so the property sees only its own change.
    outs = (await container.update(String(VMID), outs, inputs())).outs;
    const oneLine = hostile.map((s) => s.replace(/[\r\n]/g, " ").slice(0, 2000));
    await fc.assert(fc.asyncProperty(oneLine, async (value) => {
      const line = `lxc.environment = PHX=${value}`.trimEnd();
      const check = await container.check(inputs(), inputs({ lxcOptions: [line] }));
      if (check.failures?.length) return; // rejected before any SSH: fine
      const since = mark();
      outs = (await container.update(String(VMID), outs, inputs({ lxcOptions: [line] }))).outs;
      const unexpected = loggedSince(since).filter((argv) => !(argv[0] === "pct" && ["config", "pending", "status"].includes(argv[1]!) && argv[2] === String(VMID)));
      assert.deepEqual(unexpected, []);
      const conf = await onNode(pool, target, ["cat", `/etc/pve/lxc/${VMID}.conf`]);
      assert.ok(conf.split("\n").includes(`lxc.environment: PHX=${value}`.trimEnd()), "the raw line was not written literally");
      assert.equal(await markerExists(), false);
    }), { numRuns: 6 });
  });

  it("rejects hostile hostnames and raw options in create inputs before any command reaches the node", async () => {
    await fc.assert(fc.asyncProperty(hostile, async (value) => {
      const since = mark();
      const check = await container.check(inputs(), inputs({ vmid: 341, hostname: value, lxcOptions: [`lxc.x = a\n${value}`] }));
      assert.deepEqual(check.failures?.map((f) => f.property).sort(), ["hostname", "lxcOptions.0"]);
      assert.deepEqual(loggedSince(since), []);
    }), { numRuns: 30 });
  });

  it("would see the marker if a value had been executed (the detector works)", async () => {
    await onNode(pool, target, ["sh", "-c", `touch ${MARKER}`]);
    assert.equal(await markerExists(), true);
    await onNode(pool, target, ["rm", "-f", MARKER]);
  });
});
