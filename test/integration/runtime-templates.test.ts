// The busybox template build and placing templates in a simulated node's storage.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensureTemplate, installTemplate } from "../../testbed/templates";

const SCRIPTS_DIR = path.resolve(__dirname, "../../../testbed/templates");
const RUNTIME_DIR = path.resolve(__dirname, "../../../testbed/runtime");

function listTarball(tarball: string): string[] {
  const tar = spawnSync("tar", ["-tzvf", tarball], { encoding: "utf8" });
  assert.equal(tar.status, 0, tar.stderr);
  return tar.stdout.trim().split("\n");
}

describe("busybox template", () => {
  let tmp: string;
  let tarball: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "phx-templates-"));
    tarball = ensureTemplate("busybox", path.join(tmp, "a"));
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("is named as the simulator expects, in the cache's templates folder", () => {
    assert.equal(tarball, path.join(tmp, "a", "templates", "busybox-tiny_1.36_amd64.tar.gz"));
  });

  it("is byte-for-byte reproducible", () => {
    const again = ensureTemplate("busybox", path.join(tmp, "b"));
    assert.ok(fs.readFileSync(tarball).equals(fs.readFileSync(again)));
  });

  it("reuses a cached tarball instead of rebuilding it", () => {
    // A rebuild would replace the file and with it this unmistakable modification time.
    fs.utimesSync(tarball, 1, 1);
    ensureTemplate("busybox", path.join(tmp, "a"));
    assert.equal(fs.statSync(tarball).mtimeMs, 1000);
  });

  it("holds the applets feature scripts rely on", () => {
    const names = new Set(listTarball(tarball).map((l) => l.split(/\s+/)[5]));
    const required = ["sh", "ls", "cat", "echo", "test", "[", "mkdir", "rm", "cp", "mv", "chmod", "chown", "grep",
      "sed", "sleep", "id", "env", "printf", "true", "false", "head", "tail", "wc", "uname", "hostname", "ps",
      "kill", "which"];
    assert.deepEqual(required.filter((a) => !names.has(`./bin/${a}`)), []);
  });

  it("has the system files and directories of a root filesystem", () => {
    const names = new Set(listTarball(tarball).map((l) => l.split(/\s+/)[5]));
    const required = ["./etc/passwd", "./etc/group", "./etc/os-release", "./etc/hostname", "./root/", "./dev/",
      "./proc/", "./sys/", "./run/", "./tmp/"];
    assert.deepEqual(required.filter((f) => !names.has(f)), []);
  });

  it("makes /tmp world-writable and sticky", () => {
    const tmpLine = listTarball(tarball).find((l) => l.endsWith(" ./tmp/"));
    assert.match(tmpLine ?? "", /^drwxrwxrwt /);
  });

  it("identifies itself as busybox in /etc/os-release", () => {
    const tar = spawnSync("tar", ["-xzOf", tarball, "./etc/os-release"], { encoding: "utf8" });
    assert.match(tar.stdout, /^ID=busybox$/m);
  });
});

describe("installing a template on a simulated node", () => {
  let tmp: string;
  const savedCache = process.env.PHOENIX_CACHE_DIR;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "phx-install-"));
    process.env.PHOENIX_CACHE_DIR = path.join(tmp, "cache");
  });

  after(() => {
    if (savedCache === undefined) delete process.env.PHOENIX_CACHE_DIR;
    else process.env.PHOENIX_CACHE_DIR = savedCache;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("returns the local:vztmpl volume id of the file", () => {
    assert.equal(installTemplate(path.join(tmp, "sim"), "pve1", "busybox"), "local:vztmpl/busybox-tiny_1.36_amd64.tar.gz");
  });

  it("places the tarball in the node's template cache", () => {
    installTemplate(path.join(tmp, "sim"), "pve2", "busybox");
    const placed = path.join(tmp, "sim", "nodes", "pve2", "template", "cache", "busybox-tiny_1.36_amd64.tar.gz");
    assert.ok(fs.readFileSync(placed).equals(fs.readFileSync(ensureTemplate("busybox"))));
  });
});

describe("shell scripts", { skip: spawnSync("sh", ["-c", "command -v shellcheck"]).status !== 0 ? "no shellcheck" : false }, () => {
  for (const script of [
    path.join(SCRIPTS_DIR, "build-busybox-template.sh"),
    path.join(SCRIPTS_DIR, "build-debian-template.sh"),
    path.join(RUNTIME_DIR, "ct-init.sh"),
  ]) {
    it(`${path.basename(script)} passes shellcheck`, () => {
      const check = spawnSync("shellcheck", [script], { encoding: "utf8" });
      assert.equal(check.status, 0, check.stdout);
    });
  }
});
