/**
 * Transport failures against a real sshd: dropped connections (with and without `idempotent`), exec timeouts,
 * refused connections, rejected keys — and the private key never showing up in an error or a log line.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { SshError } from "../../core/errors";
import { SshPool } from "../../host/ssh-pool";
import type { NodeTarget } from "../../host/transport";
import { runFindFreePort } from "../../testbed/launcher/processes";
import { killNodeConnections, startTestNodes, type TestNodes } from "../helpers/sshd";

const execFileP = promisify(execFile);

/** Waits until the command has printed `started`, i.e. it is certainly running on the node. */
function startedSignal(): { onStdout: (c: string) => void; started: Promise<void> } {
  let mark: () => void = () => undefined;
  const started = new Promise<void>((r) => (mark = r));
  let seen = "";
  return { started, onStdout: (c) => (seen += c).includes("started") && mark() };
}

/** Every 16+-character line of a PEM/OpenSSH key: a leak of any of them is a leak. */
function keyFragments(key: string): string[] {
  return key.split("\n").filter((l) => l.length >= 16 && !l.startsWith("-----"));
}

function assertNoKey(text: string, key: string): void {
  for (const fragment of keyFragments(key)) assert.ok(!text.includes(fragment), "private key material leaked");
}

describe("transport failures", () => {
  let t: TestNodes;
  let node: NodeTarget;
  let scratch: string;
  before(async () => {
    t = await startTestNodes(1);
    node = t.nodes[0]!;
    scratch = await mkdtemp(join(tmpdir(), "phoenix-fail-"));
  });
  after(async () => {
    await t?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it("rejects a non-idempotent command whose connection dropped with ssh-connection-lost, saying it may have run", async () => {
    const pool = new SshPool({ credentials: t.credentials });
    try {
      const probe = startedSignal();
      const running = pool.exec(node, ["bash", "-c", "echo started; sleep 5"], { onStdout: probe.onStdout });
      await probe.started;
      killNodeConnections(t.cluster.nodes[0]!);
      const err = await running.catch((e: unknown) => e);
      assert.ok(err instanceof SshError, String(err));
      assert.equal(err.code, "ssh-connection-lost");
      assert.match(err.message, /may or may not have run/);
      assert.match(err.message, /command: +bash -c 'echo started; sleep 5'/);
    } finally {
      await pool.close();
    }
  });

  it("re-runs an idempotent command once on a new connection after a drop", async () => {
    const pool = new SshPool({ credentials: t.credentials });
    const marker = join(scratch, "first-run-done");
    try {
      const probe = startedSignal();
      const script = `if [ -e "$1" ]; then echo second run; else touch "$1"; echo started; sleep 5; fi`;
      const running = pool.exec(node, ["bash", "-c", script, "probe", marker], { idempotent: true, onStdout: probe.onStdout });
      await probe.started;
      killNodeConnections(t.cluster.nodes[0]!);
      const r = await running;
      assert.equal(r.stdout, "second run\n");
      assert.deepEqual([pool.stats().connectionsOpened, pool.stats().reconnects], [2, 1]);
    } finally {
      await pool.close();
    }
  });

  it("reconnects on the next command after a drop", async () => {
    const pool = new SshPool({ credentials: t.credentials });
    try {
      await pool.exec(node, ["true"]);
      killNodeConnections(t.cluster.nodes[0]!);
      await new Promise((r) => setTimeout(r, 200));
      const r = await pool.exec(node, ["echo", "back"]);
      assert.equal(r.stdout, "back\n");
      assert.equal(pool.stats().reconnects, 1);
    } finally {
      await pool.close();
    }
  });

  it("rejects a command that overruns its timeout with exec-timeout, saying it may still be running", async () => {
    const pool = new SshPool({ credentials: t.credentials });
    try {
      const err = await pool.exec(node, ["sleep", "7.31"], { timeoutMs: 300 }).catch((e: unknown) => e);
      assert.ok(err instanceof SshError, String(err));
      assert.equal(err.code, "exec-timeout");
      assert.match(err.message, /may still be running on the node/);
    } finally {
      await pool.close();
    }
  });

  it("keeps the connection usable after a command timed out", async () => {
    const pool = new SshPool({ credentials: t.credentials });
    try {
      await pool.exec(node, ["sleep", "3"], { timeoutMs: 300 }).catch(() => undefined);
      assert.equal((await pool.exec(node, ["echo", "ok"])).stdout, "ok\n");
      assert.equal(pool.stats().connectionsOpened, 1);
    } finally {
      await pool.close();
    }
  });

  it("reports a closed port as ssh-unreachable, naming host:port", async () => {
    const port = await runFindFreePort(node.host);
    const pool = new SshPool({ credentials: t.credentials, connectRetries: 0 });
    const err = await pool.exec({ ...node, port }, ["true"]).catch((e: unknown) => e);
    await pool.close();
    assert.ok(err instanceof SshError, String(err));
    assert.equal(err.code, "ssh-unreachable");
    assert.ok(err.message.includes(`${node.host}:${port}`));
  });

  it("reports a server that accepts TCP but never speaks SSH as ssh-timeout, naming host:port", async () => {
    const accepted: Socket[] = [];
    const silent = createServer((s) => void accepted.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as AddressInfo).port;
    const pool = new SshPool({ credentials: t.credentials, connectTimeoutMs: 300, connectRetries: 0 });
    try {
      const err = await pool.exec({ ...node, host: "127.0.0.1", port }, ["true"]).catch((e: unknown) => e);
      assert.ok(err instanceof SshError, String(err));
      assert.equal(err.code, "ssh-timeout");
      assert.ok(err.message.includes(`127.0.0.1:${port}`));
    } finally {
      await pool.close();
      for (const s of accepted) s.destroy();
      silent.close();
    }
  });

  it("authenticates through ssh-agent when no private key is given", async () => {
    const sock = join(scratch, "agent.sock");
    const { stdout } = await execFileP("ssh-agent", ["-a", sock]);
    const agentPid = Number(/SSH_AGENT_PID=(\d+)/.exec(stdout)![1]);
    const pool = new SshPool({ credentials: { agent: sock } });
    try {
      const keyPath = join(scratch, "agent-key");
      await writeFile(keyPath, t.credentials.privateKey!, { mode: 0o600 });
      await execFileP("ssh-add", ["-q", keyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock } });
      assert.equal((await pool.exec(node, ["echo", "via agent"])).stdout, "via agent\n");
    } finally {
      await pool.close();
      process.kill(agentPid, "SIGTERM");
    }
  });

  it("retries a refused connection connectRetries times before giving up", async () => {
    const port = await runFindFreePort(node.host);
    const pool = new SshPool({ credentials: t.credentials, connectRetries: 2 });
    await pool.exec({ ...node, port }, ["true"]).catch(() => undefined);
    await pool.close();
    assert.equal(pool.stats().connectionsOpened, 3);
  });

  it("reports a key the node does not accept as ssh-auth, without the key in the error or the log", async () => {
    const keyPath = join(scratch, "stranger");
    await execFileP("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", keyPath]);
    const privateKey = await readFile(keyPath, "utf8");
    const log: string[] = [];
    const pool = new SshPool({ credentials: { privateKey, agent: "" }, log: (l) => log.push(l) });
    const err = await pool.exec(node, ["true"]).catch((e: unknown) => e);
    await pool.close();
    assert.ok(err instanceof SshError, String(err));
    assert.equal(err.code, "ssh-auth");
    assert.ok(log.length > 0);
    assertNoKey([err.message, err.hint, String((err as Error).cause), err.stack, ...log].join("\n"), privateKey);
  });

  it("reports an unparsable private key as ssh-auth without echoing it", async () => {
    const privateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ-garbage-line\n-----END OPENSSH PRIVATE KEY-----\n";
    const log: string[] = [];
    const pool = new SshPool({ credentials: { privateKey, agent: "" }, log: (l) => log.push(l) });
    const err = await pool.exec(node, ["true"]).catch((e: unknown) => e);
    await pool.close();
    assert.ok(err instanceof SshError, String(err));
    assert.equal(err.code, "ssh-auth");
    assertNoKey([err.message, err.hint, String((err as Error).cause), err.stack, ...log].join("\n"), privateKey);
  });
});
