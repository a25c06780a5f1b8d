/**
 * The guard batcher over a fake node: a container's concurrent guards go out as one `pct exec`, each caller gets
 * its own result, pct's refusal reaches every caller, and a batch the container cannot run falls back to single
 * runs.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PctError } from "../../core/errors";
import { buildScriptArgv, ScriptRun } from "../../host/container-exec";
import { ContainerScriptBatcher } from "../../host/guard-batcher";
import { PctClient } from "../../host/pct-client";
import type { CommandTransport, ExecOptions, ExecResult, NodeTarget } from "../../host/transport";

const NODE: NodeTarget = { name: "pve1", host: "127.0.0.1", port: 22, user: "root" };
const NONCE = "0123456789abcdef0123456789abcdef";
const KIB64 = 64 * 1024;

/**
 * A node that answers `pct exec <vmid> -- …` from canned results keyed by the script's $0 (`phoenix-<name>`). A
 * batch is answered by framing the canned result of each script it runs, as the wrapper would print them.
 */
class FakeNode implements CommandTransport {
  readonly calls: { argv: readonly string[]; options?: ExecOptions }[] = [];
  constructor(
    private readonly replies: Record<string, ExecResult>,
    private readonly behaviour: { notRunning?: number[]; noMktemp?: boolean } = {},
  ) {}

  async exec(_node: NodeTarget, argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    this.calls.push({ argv, options });
    await new Promise((r) => setImmediate(r));
    const vmid = Number(argv[2]);
    if (this.behaviour.notRunning?.includes(vmid)) return { stdout: "", stderr: `container '${vmid}' not running!\n`, exitCode: 255 };
    const command = argv.slice(4);
    if (command[0] === "sh" && command[2]?.includes("mktemp -d")) {
      if (this.behaviour.noMktemp) return { stdout: "", stderr: "sh: mktemp: not found\n", exitCode: 125 };
      const names = [...command[2].matchAll(/ (phoenix-[A-Za-z0-9_.-]+) <\/dev\/null/g)].map((m) => m[1]!);
      const stdout = names
        .map((name, i) => {
          const r = this.reply(name);
          return `${NONCE}:${i}:out\n${r.stdout}\n${NONCE}:${i}:err\n${r.stderr}\n${NONCE}:${i}:exit:${r.exitCode}\n`;
        })
        .join("");
      return { stdout, stderr: "", exitCode: 0 };
    }
    return this.reply(command[command.length - 1]!);
  }

  private reply(name: string): ExecResult {
    const r = this.replies[name];
    if (!r) throw new Error(`no canned reply for ${name}`);
    return r;
  }
}

const REPLIES: Record<string, ExecResult> = {
  "phoenix-docker-guard": { stdout: "", stderr: "", exitCode: 0 },
  "phoenix-nvidia-guard": { stdout: "nvidia-smi not found\n", stderr: "", exitCode: 1 },
  "phoenix-ollama-guard": { stdout: "", stderr: "warning: noise\n", exitCode: 0 },
};

const guard = (feature: string, timeoutMs = 60_000): ScriptRun => ({ name: `${feature}-guard`, script: `echo checking ${feature}; test -e /x`, env: { PHX_F: feature }, timeoutMs, idempotent: true });

function setup(behaviour: { notRunning?: number[]; noMktemp?: boolean } = {}) {
  const node = new FakeNode(REPLIES, behaviour);
  const client = new PctClient(node, NODE);
  const batcher = new ContainerScriptBatcher({ nonce: () => NONCE });
  return { node, client, batcher };
}

describe("guard batcher", () => {
  it("runs three guards of one container as one pct exec and maps the results back in order", async () => {
    const { node, client, batcher } = setup();
    const results = await Promise.all([
      batcher.run(client, 100, guard("docker", 60_000)),
      batcher.run(client, 100, guard("nvidia", 5_000)),
      batcher.run(client, 100, guard("ollama", 90_000)),
    ]);
    assert.equal(node.calls.length, 1);
    const { argv, options } = node.calls[0]!;
    assert.deepEqual(argv.slice(0, 6), ["pct", "exec", "100", "--", "sh", "-c"]);
    assert.equal(argv.length, 7);
    assert.match(argv[6]!, /PHX_F=docker.*\n.*PHX_F=nvidia.*\n.*PHX_F=ollama/);
    assert.deepEqual(options, { idempotent: true, timeoutMs: 90_000, maxOutputBytes: 3 * KIB64 });
    assert.deepEqual(results, [
      { exitCode: 0, output: "" },
      { exitCode: 1, output: "nvidia-smi not found\n" },
      { exitCode: 0, output: "\nwarning: noise\n" },
    ]);
  });

  it("sends the guards of different containers as separate execs", async () => {
    const { node, client, batcher } = setup();
    await Promise.all([batcher.run(client, 100, guard("docker")), batcher.run(client, 101, guard("nvidia")), batcher.run(client, 100, guard("ollama"))]);
    assert.deepEqual(node.calls.map((c) => c.argv.slice(0, 5).join(" ")).sort(), ["pct exec 100 -- sh", "pct exec 101 -- env"]);
  });

  it("runs a lone guard exactly as a single run, without a wrapper", async () => {
    const { node, client, batcher } = setup();
    const result = await batcher.run(client, 100, guard("nvidia"));
    assert.deepEqual(result, { exitCode: 1, output: "nvidia-smi not found\n" });
    assert.equal(node.calls.length, 1);
    assert.deepEqual(node.calls[0]!.argv, ["pct", "exec", "100", "--", ...buildScriptArgv(guard("nvidia"))]);
    const { timeoutMs, maxOutputBytes, idempotent } = node.calls[0]!.options!;
    assert.deepEqual({ timeoutMs, maxOutputBytes, idempotent }, { timeoutMs: 60_000, maxOutputBytes: KIB64, idempotent: true });
  });

  it("runs a script that is not idempotent alone at once", async () => {
    const { node, client, batcher } = setup();
    await Promise.all([batcher.run(client, 100, { ...guard("docker"), idempotent: false }), batcher.run(client, 100, guard("nvidia"))]);
    assert.deepEqual(node.calls.map((c) => c.argv[4]), ["env", "env"]);
  });

  it("rejects every guard with pct-not-running when the container is stopped", async () => {
    const { node, client, batcher } = setup({ notRunning: [100] });
    const runs = ["docker", "nvidia", "ollama"].map((f) => batcher.run(client, 100, guard(f)));
    for (const run of runs) await assert.rejects(run, (e: unknown) => e instanceof PctError && e.code === "pct-not-running" && e.context.vmid === 100);
    assert.equal(node.calls.length, 1);
  });

  it("falls back to single runs when the container cannot run the batch wrapper", async () => {
    const { node, client, batcher } = setup({ noMktemp: true });
    const results = await Promise.all(["docker", "nvidia", "ollama"].map((f) => batcher.run(client, 100, guard(f))));
    assert.deepEqual(results.map((r) => r.exitCode), [0, 1, 0]);
    assert.equal(results[1]!.output, "nvidia-smi not found\n");
    assert.equal(node.calls.length, 4);
    assert.deepEqual(node.calls.slice(1).map((c) => c.argv.at(-1)).sort(), ["phoenix-docker-guard", "phoenix-nvidia-guard", "phoenix-ollama-guard"]);
  });

  it("sends a full batch at once and starts the next", async () => {
    const node = new FakeNode(REPLIES);
    const client = new PctClient(node, NODE);
    const batcher = new ContainerScriptBatcher({ nonce: () => NONCE, maxBatch: 2 });
    const results = await Promise.all(["docker", "nvidia", "ollama"].map((f) => batcher.run(client, 100, guard(f))));
    assert.deepEqual(results.map((r) => r.exitCode), [0, 1, 0]);
    assert.deepEqual(node.calls.map((c) => c.argv[4]), ["sh", "env"]);
  });

  it("waits for every guard of a named group however far apart they arrive, then sends them at once", async (t) => {
    // The batcher's timers are mocked: "far apart" is a tick of the clock, not a sleep that load could stretch.
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { node, client, batcher } = setup();
    const group = ["docker-guard", "nvidia-guard"];
    const first = batcher.run(client, 100, guard("docker"), group);
    t.mock.timers.tick(999); // far beyond the 10 ms window, just short of the 1 s group wait
    assert.equal(node.calls.length, 0, "the first guard waits for its sibling");
    const second = batcher.run(client, 100, guard("nvidia"), group);
    const results = await Promise.all([first, second]);
    assert.deepEqual(results.map((r) => r.exitCode), [0, 1]);
    assert.deepEqual(node.calls.map((c) => c.argv[4]), ["sh"]);
  });

  it("sends a group of one at once, and a group whose members never come after groupWaitMs", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const node = new FakeNode(REPLIES);
    const client = new PctClient(node, NODE);
    const batcher = new ContainerScriptBatcher({ nonce: () => NONCE, groupWaitMs: 30 });
    await batcher.run(client, 100, guard("docker"), ["docker-guard"]);
    assert.equal(node.calls.length, 1, "a complete group does not wait");
    const incomplete = batcher.run(client, 101, guard("nvidia"), ["nvidia-guard", "ollama-guard"]);
    t.mock.timers.tick(29);
    await new Promise((r) => setImmediate(r));
    assert.equal(node.calls.length, 1, "an incomplete group waits for the rest");
    t.mock.timers.tick(1);
    assert.equal((await incomplete).exitCode, 1);
    assert.deepEqual(node.calls.map((c) => c.argv[4]), ["env", "env"]);
  });
});
