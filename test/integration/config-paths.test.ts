/**
 * Files a containers file names are read from inside the project (or stack config allowedPaths) only, and only
 * when they are small text files: `phoenix validate` reports each bad path with its JSON path and the fix, and
 * the read itself refuses the same paths. Real files, directories, symlinks and a FIFO in a temp project.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runValidate } from "../../cli/commands/validate";
import { MAX_CONFIG_FILE_BYTES } from "../../core/config/file-policy";
import { readConfinedText } from "../../host/config-files";
import { baseConfig } from "../fixtures/configs/base-config";

let top: string;
let project: string;
let secret: string;
const SECRET_TEXT = "root:SECRET-HASH-do-not-copy:19000:0:99999:7:::\n";

before(() => {
  top = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-paths-"));
  project = path.join(top, "project");
  fs.mkdirSync(path.join(project, "configs", "scripts"), { recursive: true });
  fs.mkdirSync(path.join(project, "shared"), { recursive: true });
  fs.mkdirSync(path.join(top, "outside"));
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: phoenix-lxc\nruntime: nodejs\n");
  secret = path.join(top, "outside", "shadow");
  fs.writeFileSync(secret, SECRET_TEXT);
  const script = (rel: string, text: string | Buffer) => fs.writeFileSync(path.join(project, rel), text);
  script("configs/scripts/ok.sh", "#!/bin/sh\necho ok\n");
  script("shared/common.sh", "#!/bin/sh\necho shared\n");
  script("configs/scripts/big.sh", "#".repeat(MAX_CONFIG_FILE_BYTES + 1));
  script("configs/scripts/nul.sh", Buffer.from("#!/bin/sh\necho a\0b\n"));
  script("configs/scripts/latin1.sh", Buffer.from([0x23, 0x21, 0x2f, 0x62, 0x69, 0x6e, 0x2f, 0x73, 0x68, 0x0a, 0xe9, 0x0a]));
  fs.symlinkSync(secret, path.join(project, "configs", "scripts", "link-out.sh"));
  fs.symlinkSync(path.join(project, "shared", "common.sh"), path.join(project, "configs", "scripts", "link-in.sh"));
  fs.symlinkSync(path.join(top, "outside"), path.join(project, "configs", "dir-link"));
  execFileSync("mkfifo", [path.join(project, "configs", "scripts", "fifo.sh")]);
});
after(() => fs.rmSync(top, { recursive: true, force: true }));

/** Writes the config with 950's application_script set to `script`, runs validate, returns exit code and stderr. */
async function validateWith(mutate: (c: Record<string, any>) => void, extra: string[] = []) {
  const cfg = baseConfig();
  mutate(cfg);
  const file = path.join(project, "configs", "phoenix_lxc_configs.json");
  fs.writeFileSync(file, JSON.stringify(cfg));
  let stderr = "";
  let stdout = "";
  const code = await runValidate(["--config", file, ...extra], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd: project });
  return { code, stderr, stdout };
}
const appScript = (value: string) => (c: Record<string, any>) => (c.lxc_configs["950"].application_script = value);

describe("phoenix validate: paths the containers file names", () => {
  const rejected: [string, (c: Record<string, any>) => void, string, RegExp][] = [
    ["a .. escape", appScript("../../outside/shadow"), "lxc_configs.950.application_script", /"\.\.\/\.\.\/outside\/shadow" resolves to .*\/outside\/shadow, outside the project \(.*\/project\); move the file into the project .* pulumi config set --path 'allowedPaths\[0\]' <dir>$/],
    ["an absolute path", (c) => (c.custom_features = { f: { guard: secret, install: "scripts/ok.sh", verify: "scripts/ok.sh" } }), "custom_features.f.guard", /^absolute path ".*\/outside\/shadow" is not allowed: files are read from the project only/],
    ["a symlink out of the project", (c) => (c.lxc_configs["953"].health_checks = [{ name: "h", script: "scripts/link-out.sh" }]), "lxc_configs.953.health_checks.0.script", /"scripts\/link-out\.sh" is a symlink to .*\/outside\/shadow, outside the project .*; copy the file into the project instead of linking to it/],
    ["a path through a symlinked directory", appScript("dir-link/shadow"), "lxc_configs.950.application_script", /is a symlink to .*\/outside\/shadow, outside the project/],
    ["an oversized script", (c) => (c.lxc_configs["950"].tests = { s: [{ name: "t", type: "script", path: "scripts/big.sh" }] }), "lxc_configs.950.tests.s.0.path", new RegExp(`is ${MAX_CONFIG_FILE_BYTES + 1} bytes, more than the limit of ${MAX_CONFIG_FILE_BYTES} bytes`)],
    ["a script with a NUL byte", appScript("scripts/nul.sh"), "lxc_configs.950.application_script", /contains a NUL byte at offset 16: a binary file, not a script or profile/],
    ["a script that is not UTF-8", appScript("scripts/latin1.sh"), "lxc_configs.950.application_script", /is not valid UTF-8 text/],
    ["a FIFO", appScript("scripts/fifo.sh"), "lxc_configs.950.application_script", /is not a regular file/],
    ["a directory", appScript("scripts"), "lxc_configs.950.application_script", /is not a regular file/],
  ];
  for (const [label, mutate, jsonPath, message] of rejected) {
    it(`rejects ${label}, naming ${jsonPath} and the fix (exit 1)`, async () => {
      const r = await validateWith(mutate);
      assert.equal(r.code, 1, r.stderr);
      const line = r.stderr.split("\n").find((l) => l.startsWith(`${jsonPath}: `));
      assert.ok(line, `no line for ${jsonPath} in:\n${r.stderr}`);
      assert.match(line.slice(jsonPath.length + 2), message);
      assert.ok(!r.stderr.includes("SECRET-HASH"), "the secret file's content was printed");
    });
  }

  it("accepts scripts inside the project: relative, with a .. that stays inside, and a symlink within it", async () => {
    const r = await validateWith((c) => {
      c.lxc_configs["950"].application_script = "scripts/ok.sh";
      c.lxc_configs["953"].application_script = "../shared/common.sh";
      c.lxc_configs["960"].application_script = "scripts/link-in.sh";
    });
    assert.equal(r.code, 0, r.stderr);
  });

  it("accepts a directory outside the project once it is an allowed path", async () => {
    assert.equal((await validateWith(appScript("../../outside/shadow"))).code, 1);
    const r = await validateWith(appScript("../../outside/shadow"), ["--allowed-paths", "../outside"]);
    assert.equal(r.code, 0, r.stderr);
  });

  it("reports every bad path of a file at once", async () => {
    const r = await validateWith((c) => {
      appScript("/etc/passwd")(c);
      c.lxc_configs["953"].application_script = "scripts/nul.sh";
    });
    assert.match(r.stderr, /: 2 problems\n/);
  });
});

describe("reading a file the config names", () => {
  const access = () => ({ configDir: path.join(project, "configs"), roots: [project] });
  it("returns the text of a script inside the project", () => {
    assert.equal(readConfinedText("scripts/link-in.sh", "x", access()), "#!/bin/sh\necho shared\n");
  });
  for (const value of ["../../outside/shadow", secret, "scripts/link-out.sh", "scripts/big.sh", "scripts/nul.sh"]) {
    it(`refuses ${value} at read time too, naming the JSON path`, () => {
      assert.throws(() => readConfinedText(value, "lxc_configs.950.application_script", access()), (e: Error) =>
        e.message.startsWith("lxc_configs.950.application_script: ") && !e.message.includes("SECRET-HASH"));
    });
  }
  it("confines an AppArmor profile to its folder: a profile symlinked out is refused", () => {
    const dir = path.join(top, "apparmor");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "lxc-good"), "profile lxc-good {}\n");
    fs.symlinkSync(secret, path.join(dir, "lxc-evil"));
    const profiles = { ...access(), apparmorDir: dir };
    assert.equal(readConfinedText("lxc-good", "p", profiles, "apparmor"), "profile lxc-good {}\n");
    assert.throws(() => readConfinedText("lxc-evil", "lxc_configs.950.apparmor_profile", profiles, "apparmor"), /lxc_configs\.950\.apparmor_profile: "lxc-evil" is a symlink to .*outside/);
  });
});
