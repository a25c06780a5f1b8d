import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { Sim, fixture, makeSim } from "./sim-harness";

/** A "Debian" template whose systemd (by its shared library name) is version 255. */
function buildDebianTemplate(sim: Sim): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sim-deb-"));
  fs.mkdirSync(path.join(tmp, "bin"));
  fs.mkdirSync(path.join(tmp, "etc"));
  fs.mkdirSync(path.join(tmp, "usr/lib/systemd"), { recursive: true });
  fs.copyFileSync("/bin/busybox", path.join(tmp, "bin/busybox"));
  fs.symlinkSync("busybox", path.join(tmp, "bin/sh"));
  fs.writeFileSync(path.join(tmp, "etc/debian_version"), "12.7\n");
  fs.writeFileSync(path.join(tmp, "usr/lib/systemd/libsystemd-shared-255.so"), "");
  spawnSync("tar", ["-cJf", path.join(sim.nodeDir(), "template/cache/deb.tar.xz"), "-C", tmp, "."]);
  fs.rmSync(tmp, { recursive: true, force: true });
}

describe("simulated pct: task warnings", () => {
  let sim: Sim;
  before(() => {
    sim = makeSim();
    buildDebianTemplate(sim);
  });
  after(() => sim.cleanup());

  it("create detects the distribution and warns about systemd without nesting, exit 0", () => {
    const r = sim.run("pct", ["create", "100", "local:vztmpl/deb.tar.xz", "--rootfs", "local-lvm:1"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\nWARN: Systemd 255 detected\. You may need to enable nesting\.\n$/);
    assert.equal(r.stderr, "Task finished with 1 warning(s)!\n");
    assert.match(sim.confText(100), /^ostype: debian$/m);
  });

  it("start prints the same warning as a real host (fixture 27)", () => {
    const r = sim.run("pct", ["start", "100"]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout + r.stderr, fixture("27-error-pct-start-task-warning-tglblog.txt"));
  });

  it("nesting=1 silences the warning", () => {
    sim.pct("stop", "100");
    sim.pct("set", "100", "--features", "nesting=1");
    assert.equal(sim.run("pct", ["start", "100"]).stderr, "");
  });
});
