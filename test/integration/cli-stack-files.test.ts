// `phoenix validate` checks the file the stack uses, read from the project's settings files as the stack program
// resolves it (relative to the project directory), without starting the Pulumi CLI.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readStackConfigFile } from "../../cli/stack-files";
import { main } from "../../cli/main";

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-stackfiles-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: phoenix-lxc\nruntime: nodejs\nconfig:\n  phoenix-lxc:configFile:\n    type: string\n    default: fleet/default.json\n");
  fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config:\n  phoenix-lxc:configFile: examples/a.json\n  phoenix-lxc:nodes:\n    pve1:\n      host: 127.0.0.2\n");
  fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), "encryptionsalt: v1:abc\nconfig:\n  phoenix-lxc:configFile: \"prod fleet.json\"\n");
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("the stack's containers file", () => {
  it("is the stack's configFile, relative to the project", () => {
    assert.equal(readStackConfigFile(dir, "dev"), path.join(dir, "examples/a.json"));
    assert.equal(readStackConfigFile(dir, "prod"), path.join(dir, "prod fleet.json"));
  });

  it("falls back to Pulumi.yaml's default, then to phoenix_lxc_configs.json", () => {
    assert.equal(readStackConfigFile(dir, "staging"), path.join(dir, "fleet/default.json"));
    assert.equal(readStackConfigFile(os.tmpdir(), "dev"), path.join(os.tmpdir(), "phoenix_lxc_configs.json"));
  });

  it("phoenix validate without --config checks that file", async () => {
    let stderr = "";
    const code = await main(["validate", "--cwd", dir], { stdout: () => undefined, stderr: (t) => void (stderr += t), cwd: os.tmpdir(), env: process.env, isTty: false });
    assert.equal(code, 2);
    assert.match(stderr, new RegExp(`^${path.join(dir, "examples/a.json").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: cannot be loaded`, "m"));
  });
});
