/**
 * The pool against a real sshd: one connection per node, a channel cap proven on the server side, and the
 * ExecResult contract (exit codes, signals, stdin, streaming, output cap).
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SshPool } from "../../host/ssh-pool";
import type { NodeTarget } from "../../host/transport";
import { startTestNodes, type TestNodes } from "../helpers/sshd";

/** A command that records, on the node, how many copies of itself run at once, then sleeps. */
function concurrencyProbe(dir: string, id: number, sleepS: number): string[] {
  const script = `touch "$1/run.$2"; ls "$1" | grep -c '^run\\.' >> "$1/counts"; sleep "$3"; rm "$1/run.$2"`;
  return ["bash", "-c", script, "probe", dir, String(id), String(sleepS)];
}

async function maxObserved(dir: string): Promise<number> {
  const counts = (await readFile(join(dir, "counts"), "utf8")).trim().split("\n").map(Number);
  return Math.max(...counts);
}

describe("SshPool against a real sshd", () => {
  let t: TestNodes;
  let node: NodeTarget;
  let scratch: string;
  before(async () => {
    t = await startTestNodes(2);
    node = t.nodes[0]!;
    scratch = await mkdtemp(join(tmpdir(), "phoenix-pool-"));
  });
  after(async () => {
    await t?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it("runs 50 parallel commands over a single connection", async () => {
    const pool = new SshPool({ credentials: t.credentials });
    try {
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => pool.exec(node, ["echo", String(i)])));
      assert.deepEqual(results.map((r) => r.stdout), Array.from({ length: 50 }, (_, i) => `${i}\n`));
      assert.deepEqual(pool.stats(), { connectionsOpened: 1, handshakes: 1, commandsRun: 50, reconnects: 0 });
    } finally {
      await pool.close();
    }
  });

  it("never has more than maxChannelsPerConnection commands running at once, and reaches it", async () => {
    const dir = await mkdtemp(join(scratch, "cap-"));
    const pool = new SshPool({ credentials: t.credentials, maxChannelsPerConnection: 8 });
    try {
      await Promise.all(Array.from({ length: 50 }, (_, i) => pool.exec(node, concurrencyProbe(dir, i, 0.4))));
      assert.equal(await maxObserved(dir), 8);
      assert.equal(pool.stats().connectionsOpened, 1);
    } finally {
      await pool.close();
    }
  });

  it("caps maxChannelsPerConnection at 9, below sshd's MaxSessions 10", async () => {
    const dir = await mkdtemp(join(scratch, "cap9-"));
    const pool = new SshPool({ credentials: t.credentials, maxChannelsPerConnection: 50 });
    try {
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => pool.exec(node, concurrencyProbe(dir, i, 0.4))));
      assert.ok(results.every((r) => r.exitCode === 0));
      assert.equal(await maxObserved(dir), 9);
    } finally {
      await pool.close();
    }
  });

  it("opens one connection per node", async () => {
    const pool = new SshPool({ credentials: t.credentials });
    try {
      const results = await Promise.all(t.nodes.flatMap((n) => [1, 2, 3].map(() => pool.exec(n, ["bash", "-c", "echo $PHOENIX_SIM_NODE"]))));
      assert.deepEqual(results.map((r) => r.stdout.trim()), ["pve1", "pve1", "pve1", "pve2", "pve2", "pve2"]);
      assert.equal(pool.stats().connectionsOpened, 2);
    } finally {
      await pool.close();
    }
  });

  it("resolves with the exit code, stdout and stderr of a failing command", async () => {
    const pool = new SshPool({ credentials: t.credentials });
    try {
      const r = await pool.exec(node, ["bash", "-c", "echo out; echo err >&2; exit 42"]);
      assert.deepEqual(r, { stdout: "out\n", stderr: "err\n", exitCode: 42 });
    } finally {
      await pool.close();
    }
  });

  it("reports the signal of a command killed on the node", async () => {
    const pool = new SshPool({ credentials: t.credentials });
    try {
      const r = await pool.exec(node, ["bash", "-c", "kill -TERM $$"]);
      assert.equal(r.exitCode, null);
      assert.equal(r.signal, "SIGTERM");
    } finally {
      await pool.close();
    }
  });

  it("feeds stdin to the command and closes it", async () => {
    const pool = new SshPool({ credentials: t.credentials });
    try {
      const input = "line one\nünïcödé ✓\n".repeat(1000);
      const r = await pool.exec(node, ["cat"], { stdin: input });
      assert.equal(r.stdout, input);
    } finally {
      await pool.close();
    }
  });

  it("streams stdout to onStdout as it arrives, without splitting characters", async () => {
    const pool = new SshPool({ credentials: t.credentials });
    try {
      const chunks: string[] = [];
      const r = await pool.exec(node, ["bash", "-c", "for i in 1 2 3; do echo step$i ✓; sleep 0.1; done"], { onStdout: (c) => chunks.push(c) });
      assert.ok(chunks.length >= 2, `expected several chunks, got ${chunks.length}`);
      assert.equal(chunks.join(""), r.stdout);
    } finally {
      await pool.close();
    }
  });

  it("keeps the tail of the output beyond maxOutputBytes", async () => {
    const pool = new SshPool({ credentials: t.credentials });
    try {
      const r = await pool.exec(node, ["seq", "1", "100000"], { maxOutputBytes: 1000 });
      assert.ok(Buffer.byteLength(r.stdout) <= 1000);
      assert.ok(r.stdout.endsWith("\n99999\n100000\n"));
    } finally {
      await pool.close();
    }
  });

  it("reuses the connection for commands issued one after another", async () => {
    const pool = new SshPool({ credentials: t.credentials });
    try {
      for (let i = 0; i < 5; i++) await pool.exec(node, ["true"]);
      assert.equal(pool.stats().handshakes, 1);
    } finally {
      await pool.close();
    }
  });

  it("closes an idle connection and reconnects on the next command", async () => {
    const pool = new SshPool({ credentials: t.credentials, idleTimeoutMs: 100 });
    try {
      await pool.exec(node, ["true"]);
      await new Promise((r) => setTimeout(r, 400));
      await pool.exec(node, ["true"]);
      assert.equal(pool.stats().reconnects, 1);
    } finally {
      await pool.close();
    }
  });

  it("refuses commands once closed", async () => {
    const pool = new SshPool({ credentials: t.credentials });
    await pool.exec(node, ["true"]);
    await pool.close();
    await assert.rejects(pool.exec(node, ["true"]), { code: "ssh-connection-lost", message: /pool was closed/ });
  });
});
