import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { describeLockedStack, judgeLock, MAX_RUN_MS, parseEngineFailure } from "../../core/engine-failure";

// What the Pulumi CLI v3.274.1 printed for a stack locked on a file backend (captured through the Automation API).
const LOCKED_STDERR =
  "Command failed with exit code 1: /root/.cache/phoenix-lxc/pulumi-v3.274.1/bin/pulumi up --yes --skip-preview --client=127.0.0.1:32869 --exec-kind auto.inline --stack dev --non-interactive\n" +
  "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
  "  file:///tmp/p17/.phoenix/state/.pulumi/locks/organization/phoenix-lxc/dev/fake.json?no_tmp_dir=true: created by root@vm (pid 999999) at 2026-12-03T18:00:00Z";

const facts = (alive: number[], nowIso = "2026-12-03T18:10:00Z") => ({ hostname: "vm", pidAlive: (pid: number) => alive.includes(pid), nowMs: Date.parse(nowIso) });

describe("a locked stack in the product's words", () => {
  it("reads the lock file, owner, host, pid and time from the CLI's text, once even when printed twice", () => {
    const f = parseEngineFailure(`${LOCKED_STDERR}\n${LOCKED_STDERR}`);
    assert.equal(f.kind, "locked");
    assert.deepEqual(f.kind === "locked" && f.locks, [
      { file: "file:///tmp/p17/.phoenix/state/.pulumi/locks/organization/phoenix-lxc/dev/fake.json", user: "root", host: "vm", pid: 999999, startedAt: "2026-12-03T18:00:00Z" },
    ]);
  });

  it("a lock whose pid runs on this host is held; its run is named and the next step is to wait", () => {
    const f = parseEngineFailure(LOCKED_STDERR);
    const lock = f.kind === "locked" ? f.locks[0]! : assert.fail();
    const verdict = judgeLock(lock, facts([999999]));
    assert.deepEqual(verdict, { stale: false });
    const d = describeLockedStack("dev", [{ lock, verdict }], "phoenix unlock --stack dev");
    assert.equal(d.message, "another run (pid 999999, started 2026-12-03T18:00:00Z, on host vm) holds stack dev");
    assert.match(d.hint, /^wait for it to finish, then run the command again/);
  });

  it("a lock whose pid is gone on this host, or older than any run, is stale and the hint is the unlock command", () => {
    const f = parseEngineFailure(LOCKED_STDERR);
    const lock = f.kind === "locked" ? f.locks[0]! : assert.fail();
    const gone = judgeLock(lock, facts([]));
    assert.deepEqual(gone, { stale: true, why: "no process 999999 runs on vm" });
    assert.equal(judgeLock({ ...lock, host: "other" }, facts([])).stale, false, "another host's pid cannot be checked");
    const old = new Date(Date.parse(lock.startedAt) + MAX_RUN_MS + 1000).toISOString();
    assert.equal(judgeLock({ ...lock, host: "other" }, facts([], old)).stale, true);
    const d = describeLockedStack("dev", [{ lock, verdict: gone }], "phoenix unlock --stack dev");
    assert.match(d.message, /^stack dev is locked by a run that no longer exists \(pid 999999, started 2026-12-03T18:00:00Z, on host vm: no process 999999 runs on vm\)/);
    assert.equal(d.hint, "remove the stale lock, then run the command again: phoenix unlock --stack dev");
  });

  it("any other failure keeps the CLI's error lines only, never the code/stdout/stderr dump", () => {
    const f = parseEngineFailure("Command failed with exit code 255: pulumi up\nerror: could not find plugin x\nerror: update failed\n");
    assert.deepEqual(f, { kind: "other", errors: ["could not find plugin x"] });
  });
});
