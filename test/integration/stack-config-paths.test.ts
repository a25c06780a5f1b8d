/**
 * A relative `sshPrivateKeyPath` in stack config is read from the project root by the provider process, which the
 * Pulumi CLI starts in the program's directory (`dist/`), exactly as `phoenix` reads it from the project directory.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PhoenixError } from "../../core/errors";
import { configureRuntime } from "../../providers/impl/runtime";

const project = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-keypath-"));
const cwd = process.cwd();
after(() => {
  process.chdir(cwd);
  fs.rmSync(project, { recursive: true, force: true });
});

describe("sshPrivateKeyPath relative to the project root", () => {
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: p\nruntime: nodejs\nmain: dist/index.js\n");
  fs.mkdirSync(path.join(project, "dist"));
  fs.mkdirSync(path.join(project, "keys"));
  fs.writeFileSync(path.join(project, "keys", "id"), "not a real key\n");
  const config = (keyPath: string) => ({ get: (k: string) => (k === "sshPrivateKeyPath" ? keyPath : undefined) });

  it("is found from the program's directory (dist/), where the engine starts the provider", () => {
    process.chdir(path.join(project, "dist"));
    assert.doesNotThrow(() => configureRuntime(config("keys/id")));
  });

  it("a missing one is reported under the project root, not under dist/", () => {
    process.chdir(path.join(project, "dist"));
    const missing = path.join(fs.realpathSync(project), "keys", "missing");
    assert.throws(() => configureRuntime(config("keys/missing")), (e: Error) => {
      assert.ok(e instanceof PhoenixError);
      assert.equal(e.message.split("\n")[0], `stack config sshPrivateKeyPath names ${missing}, which cannot be read (ENOENT)`);
      assert.match(e.message, /next step: point sshPrivateKeyPath at the key file .* or set the key itself: pulumi config set --secret sshPrivateKey < <key file>$/);
      return true;
    });
  });
});
