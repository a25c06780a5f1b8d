import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PctError } from "../../core/errors";
import { quoteArgv } from "../../core/shell-quote";
import { PctClient } from "../../host/pct-client";
import type { CommandTransport, ExecOptions, ExecResult, NodeTarget } from "../../host/transport";

const fixture = (name: string) => readFileSync(join(__dirname, "../../../test/fixtures", name), "utf8");
const NODE: NodeTarget = { name: "pve1", host: "127.0.0.1", port: 22, user: "root" };
const ok = (stdout: string, stderr = ""): ExecResult => ({ stdout, stderr, exitCode: 0 });
const err = (stderr: string, exitCode = 255): ExecResult => ({ stdout: "", stderr, exitCode });

/** A transport that replays canned results keyed by the quoted command line and records every call. */
class ReplayTransport implements CommandTransport {
  readonly calls: { argv: readonly string[]; options?: ExecOptions }[] = [];
  constructor(private readonly replies: Record<string, ExecResult>) {}

  private reply(line: string): ExecResult {
    const result = this.replies[line];
    if (!result) throw new Error(`no canned reply for: ${line}`);
    return result;
  }

  async exec(_node: NodeTarget, argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    this.calls.push({ argv, options });
    return this.reply(argv[0] === "sh" ? "push-script" : quoteArgv(argv));
  }
}

const client = (replies: Record<string, ExecResult>) => {
  const transport = new ReplayTransport(replies);
  return { transport, pct: new PctClient(transport, NODE) };
};

describe("pct client reads", () => {
  it("lists containers from pct list as an idempotent read", async () => {
    const { transport, pct } = client({ "pct list": ok(fixture("pct-real/08-list-homelabcfg-9cts-trailing-spaces.txt")) });
    assert.equal((await pct.list()).length, 9);
    assert.equal(transport.calls[0]!.options?.idempotent, true);
  });

  it("throws a typed error naming the node for a missing CT", async () => {
    const { pct } = client({ "pct status 101": err(fixture("pct-real/07-error-config-not-exist-tteck1225.txt")) });
    await assert.rejects(pct.status(101), (e: unknown) => e instanceof PctError && e.code === "pct-not-found" && e.context.node === "pve1");
  });
});

describe("pct client tasks", () => {
  it("runs mutating commands as not idempotent", async () => {
    const { transport, pct } = client({ "pct start 100": ok("") });
    await pct.start(100);
    assert.equal(transport.calls[0]!.options?.idempotent, false);
  });

  it("returns the warnings of a task that succeeded with warnings", async () => {
    const { pct } = client({ "pct start 402": ok("WARN: Systemd 255 detected. You may need to enable nesting.\n", "Task finished with 1 warning(s)!\n") });
    assert.deepEqual((await pct.start(402)).warnings, ["Systemd 255 detected. You may need to enable nesting."]);
  });

  it("throws pct-locked with the lock kind", async () => {
    const { pct } = client({ "pct snapshot 100 before": err("CT is locked (backup)\n") });
    await assert.rejects(pct.snapshot(100, "before"), (e: unknown) => e instanceof PctError && e.details.lock === "backup");
  });

  it("applies the task timeout to tasks only", async () => {
    const transport = new ReplayTransport({ "pct destroy 100 --purge 1": ok(""), "pct list": ok("") });
    const pct = new PctClient(transport, NODE, { taskTimeoutMs: 600_000 });
    await pct.destroy(100, { purge: true });
    await pct.list();
    assert.deepEqual(transport.calls.map((c) => c.options?.timeoutMs), [600_000, undefined]);
  });
});

describe("pct client exec and push", () => {
  it("returns a failing command's own result instead of throwing", async () => {
    const { pct } = client({ "pct exec 100 -- false": { stdout: "", stderr: "", exitCode: 1 } });
    assert.equal((await pct.exec(100, ["false"])).exitCode, 1);
  });

  it("throws when pct refuses to exec in a stopped CT", async () => {
    const { pct } = client({ "pct exec 100 -- true": err("container '100' not running!\n") });
    await assert.rejects(pct.exec(100, ["true"]), (e: unknown) => e instanceof PctError && e.code === "pct-not-running");
  });

  it("sends the content on stdin of one sh -c round trip", async () => {
    const { transport, pct } = client({ "push-script": ok("") });
    await pct.push(100, "hello\n", "/etc/motd", { perms: "0644" });
    assert.equal(transport.calls.length, 1);
    assert.equal(transport.calls[0]!.options?.stdin, "hello\n");
    assert.match(transport.calls[0]!.argv[2]!, /pct push 100 "\$t" \/etc\/motd --perms 0644/);
  });

  it("fails a push whose task failed although it exited 0, showing the pct push command", async () => {
    const { pct } = client({ "push-script": ok("", "failed to get uid for: app\n") });
    await assert.rejects(
      pct.push(100, "x", "/srv/x", { user: "app" }),
      (e: unknown) => e instanceof PctError && e.code === "pct-failed" && e.context.command!.startsWith("pct push 100"),
    );
  });
});
