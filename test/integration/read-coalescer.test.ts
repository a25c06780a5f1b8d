/**
 * The read coalescer over a transport that runs argv on this machine (real sh, no SSH): concurrent idempotent
 * reads share one round trip and each still gets its own result; everything else passes through.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ReadCoalescer } from "../../host/read-coalescer";
import type { CommandTransport, ExecOptions, ExecResult, NodeTarget } from "../../host/transport";

const NODE: NodeTarget = { name: "local", host: "localhost", port: 22, user: "root" };

/** Runs argv locally and counts the calls (one call = one round trip over a real transport). */
class LocalTransport implements CommandTransport {
  calls: string[][] = [];
  exec(_node: NodeTarget, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push([...argv]);
    return new Promise((resolve) => {
      const child = spawn(argv[0]!, argv.slice(1));
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("close", (code) => resolve({ stdout, stderr, exitCode: code }));
      child.stdin.on("error", () => undefined); // a command that never reads its stdin (true) closes the pipe first
      child.stdin.end(options.stdin ?? "");
    });
  }
}

describe("read coalescer", () => {
  it("sends concurrent idempotent reads of one node as one round trip", async () => {
    const local = new LocalTransport();
    const coalescer = new ReadCoalescer(local);
    await Promise.all(["a", "b", "c"].map((x) => coalescer.exec(NODE, ["echo", x], { idempotent: true })));
    assert.equal(local.calls.length, 1);
  });

  it("gives each read its own stdout, stderr and exit code", async () => {
    const coalescer = new ReadCoalescer(new LocalTransport());
    const results = await Promise.all([
      coalescer.exec(NODE, ["sh", "-c", "echo out; echo err >&2; exit 3"], { idempotent: true }),
      coalescer.exec(NODE, ["echo", "second"], { idempotent: true }),
    ]);
    assert.deepEqual(results, [{ stdout: "out\n", stderr: "err\n", exitCode: 3 }, { stdout: "second\n", stderr: "", exitCode: 0 }]);
  });

  it("runs the reads of a batch at the same time", async () => {
    // Each read waits (up to 5 s) until all four have started: run one after another, they would time out.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-coalesce-"));
    const coalescer = new ReadCoalescer(new LocalTransport());
    const wait = (i: number) => ["timeout", "5", "sh", "-c", `touch "$1/${i}"; until [ "$(ls "$1" | wc -l)" -ge 4 ]; do sleep 0.05; done`, "wait", dir];
    const results = await Promise.all([1, 2, 3, 4].map((i) => coalescer.exec(NODE, wait(i), { idempotent: true })));
    fs.rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(results.map((r) => r.exitCode), [0, 0, 0, 0]);
  });

  it("runs a read asked twice at once only once", async () => {
    const local = new LocalTransport();
    const coalescer = new ReadCoalescer(local);
    await Promise.all([coalescer.exec(NODE, ["date", "+%N"], { idempotent: true }), coalescer.exec(NODE, ["date", "+%N"], { idempotent: true }), coalescer.exec(NODE, ["true"], { idempotent: true })]);
    assert.equal((local.calls[0]![2]!.match(/date/g) ?? []).length, 1);
  });

  it("passes a mutation or a command with stdin straight through", async () => {
    const local = new LocalTransport();
    const coalescer = new ReadCoalescer(local);
    await Promise.all([coalescer.exec(NODE, ["true"]), coalescer.exec(NODE, ["cat"], { idempotent: true, stdin: "x" })]);
    assert.deepEqual(local.calls, [["true"], ["cat"]]);
  });

  it("fails every read of a batch whose transport failed", async () => {
    const failing: CommandTransport = { exec: async () => Promise.reject(new Error("connection lost")) };
    const coalescer = new ReadCoalescer(failing);
    const reads = [coalescer.exec(NODE, ["true"], { idempotent: true }), coalescer.exec(NODE, ["false"], { idempotent: true })];
    for (const r of reads) await assert.rejects(r, /connection lost/);
  });
});
