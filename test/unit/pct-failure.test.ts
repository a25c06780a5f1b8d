import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PctError } from "../../core/errors";
import { classifyPctFailure, parseTaskWarnings } from "../../core/pct-failure";

const fixture = (name: string) => readFileSync(join(__dirname, "../../../test/fixtures", name), "utf8");
const ctx = { node: "pve1", vmid: 101 };
const failed = (stderr: string, exitCode: number | null = 255, stdout = "") => ({ stdout, stderr, exitCode });

function classify(argv: string[], stderr: string, exitCode: number | null = 255): PctError {
  const error = classifyPctFailure(argv, failed(stderr, exitCode), ctx);
  assert.ok(error instanceof PctError, "expected a failure");
  return error;
}

describe("pct failure mapping by exact message", () => {
  const table: [string, string[], string, string][] = [
    ["missing config", ["pct", "start", "101"], fixture("pct-real/07-error-config-not-exist-tteck1225.txt"), "pct-not-found"],
    ["taken VMID", ["pct", "create", "101", "/t"], "CT 101 already exists on node 'pve1'\n", "pct-already-exists"],
    ["VMID owned by a VM", ["pct", "create", "101", "/t"], "VM 101 already exists on node 'pve1'\n", "pct-already-exists"],
    ["config lock timeout", ["pct", "shutdown", "110"], fixture("pct-real/05-error-lock-timeout-offinfra61.txt"), "pct-lock-timeout"],
    ["snapshot name used", ["pct", "snapshot", "101", "base"], "snapshot name 'base' already used\n", "pct-snapshot-exists"],
    ["missing snapshot", ["pct", "rollback", "101", "gone"], "snapshot 'gone' does not exist\n", "pct-snapshot-not-found"],
    ["no snapshot support", ["pct", "snapshot", "101", "s1"], "snapshot feature is not available\n", "pct-snapshot-unavailable"],
    ["stop of a stopped CT", ["pct", "stop", "101"], "CT 101 not running\n", "pct-not-running"],
    ["exec in a stopped CT", ["pct", "exec", "101", "--", "true"], "container '101' not running!\n", "pct-not-running"],
    ["reboot of a stopped CT", ["pct", "reboot", "101"], "VM 101 not running\n", "pct-not-running"],
    ["push to a stopped CT", ["pct", "push", "101", "/a", "/b"], "can only push files to a running CT\n", "pct-not-running"],
    ["start of a running CT", ["pct", "start", "101"], "CT 101 already running\n", "pct-already-running"],
    ["protection", ["pct", "destroy", "101"], "can't remove CT 101 - protection mode enabled\n", "pct-failed"],
  ];
  for (const [name, argv, stderr, code] of table) {
    it(`maps ${name} to ${code}`, () => assert.equal(classify(argv, stderr).code, code));
  }

  it("carries the lock kind of a locked CT", () => {
    const error = classify(["pct", "set", "101", "--cores", "2"], "CT is locked (snapshot-delete)\n");
    assert.equal(error.code, "pct-locked");
    assert.equal(error.details.lock, "snapshot-delete");
    assert.match(error.hint!, /'snapshot-delete'.*pct unlock 101/);
  });

  it("carries the per-field messages of a 400 block (fixture 22)", () => {
    const error = classify(["pct", "create", "101", "/t"], fixture("pct-real/22-error-400-param-verification-pct-create-my5t3ry5.txt"), 2);
    assert.equal(error.code, "pct-parameter");
    assert.equal(error.details.fields!["rootfs.volume"], "property is missing and it is not optional");
  });

  it("names the snapshot of a snapshot error", () => {
    assert.equal(classify(["pct", "snapshot", "101", "base"], "snapshot name 'base' already used\n").details.snapshot, "base");
  });

  it("hints at bind mounts and storage for unavailable snapshots", () => {
    assert.match(classify(["pct", "snapshot", "101", "s1"], "snapshot feature is not available\n").hint!, /bind or device mount/);
  });

  it("does not call a CT that stop found 'not running' existing", () => {
    assert.match(classify(["pct", "stop", "101"], "CT 101 not running\n").hint!, /does not exist/);
  });

  it("maps an unknown non-zero exit to pct-failed with the first stderr line", () => {
    const error = classify(["pct", "set", "101", "--memory", "1"], "unable to apply pending change memory : boom\n", 2);
    assert.equal(error.code, "pct-failed");
    assert.match(error.message, /unable to apply pending change memory/);
  });

  it("maps death by signal to pct-failed", () => {
    const error = classifyPctFailure(["pct", "start", "101"], { stdout: "", stderr: "", exitCode: null, signal: "KILL" }, ctx);
    assert.match(error!.message, /signal KILL/);
  });
});

describe("what a pct error carries", () => {
  it("shows the command with the password redacted", () => {
    const error = classify(["pct", "create", "101", "/t", "--password", "hunter22"], "CT 101 already exists on node 'pve1'\n");
    assert.equal(error.context.command, "pct create 101 /t --password '***'");
    assert.ok(!error.message.includes("hunter22"));
  });

  it("keeps node, VMID and exit code", () => {
    const error = classify(["pct", "start", "101"], "CT 101 already running\n", 255);
    assert.deepEqual([error.context.node, error.context.vmid, error.context.exitCode], ["pve1", 101, 255]);
  });

  it("keeps only the last 20 lines of stderr", () => {
    const stderr = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
    const tail = classify(["pct", "start", "101"], stderr, 1).context.stderrTail!.split("\n");
    assert.deepEqual([tail.length, tail[0], tail.at(-1)], [20, "line 11", "line 30"]);
  });
});

describe("exit code 0", () => {
  it("is success for an ordinary command", () => {
    assert.equal(classifyPctFailure(["pct", "set", "101", "--cores", "2"], failed("", 0), ctx), undefined);
  });

  it("is success for a task that finished with warnings (fixture 27)", () => {
    const [stdout, stderr] = fixture("pct-real/27-error-pct-start-task-warning-tglblog.txt").split(/(?<=\n)(?=Task)/);
    const result = { stdout: stdout!, stderr: stderr!, exitCode: 0 };
    assert.equal(classifyPctFailure(["pct", "start", "402"], result, ctx), undefined);
    assert.deepEqual(parseTaskWarnings(result), ["Systemd 255 detected. You may need to enable nesting."]);
  });

  for (const sub of ["push", "pull", "resize", "template"]) {
    it(`is a failure for ${sub} when its task printed an error`, () => {
      const error = classify(["pct", sub, "101", "a", "b"], "failed to get uid for: nobody2\n", 0);
      assert.equal(error.code, "pct-failed");
      assert.match(error.message, /exited 0: failed to get uid/);
    });
  }

  it("is success for resize when stderr holds only warnings", () => {
    assert.equal(classifyPctFailure(["pct", "resize", "101", "rootfs", "+1G"], failed("WARN: slow\nTask finished with 1 warning(s)!\n", 0), ctx), undefined);
  });

  it("returns other stderr lines of a successful set as warnings", () => {
    const result = failed("cannot delete 'foo' - not set in current configuration!\n", 0);
    assert.deepEqual(parseTaskWarnings(result), ["cannot delete 'foo' - not set in current configuration!"]);
  });
});
