/**
 * scripts/get-pulumi.sh completes a cached CLI directory instead of rebuilding it: with `pulumi` and the language
 * host present it only installs the dynamic-provider shim (no Go toolchain on PATH, so any build attempt would
 * fail); with `pulumi` alone it goes on to build the language host; a `pulumi` on PATH is used as it is.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/pulumi-engine";

const SCRIPT = path.join(REPO_ROOT, "scripts", "get-pulumi.sh");
const SHIM = path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "pulumi-resource-pulumi-nodejs");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-get-pulumi-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** PATH with the basic tools but neither `go` nor `pulumi`. */
const BARE_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

function cacheWith(name: string, files: string[]): { cache: string; bin: string } {
  const cache = path.join(tmp, name);
  const bin = path.join(cache, "pulumi-v3.274.1", "bin");
  fs.mkdirSync(bin, { recursive: true });
  for (const f of files) fs.writeFileSync(path.join(bin, f), `#!/bin/sh\necho ${f} from the cache\n`, { mode: 0o755 });
  return { cache, bin };
}

const run = (env: NodeJS.ProcessEnv) => spawnSync("bash", [SCRIPT], { env: { HOME: tmp, ...env }, encoding: "utf8" });

describe("get-pulumi.sh", () => {
  it("completes a cache holding pulumi and the language host with the SDK's dynamic-provider shim, building nothing", () => {
    const { cache, bin } = cacheWith("complete", ["pulumi", "pulumi-language-nodejs"]);
    const r = run({ PATH: BARE_PATH, PHOENIX_CACHE_DIR: cache });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split("\n").pop(), bin);
    for (const f of ["pulumi", "pulumi-language-nodejs"]) assert.equal(fs.readFileSync(path.join(bin, f), "utf8"), `#!/bin/sh\necho ${f} from the cache\n`);
    const shim = path.join(bin, "pulumi-resource-pulumi-nodejs");
    assert.equal(fs.readFileSync(shim, "utf8"), fs.readFileSync(SHIM, "utf8"));
    assert.ok(fs.statSync(shim).mode & 0o100, "the shim is executable");
    assert.deepEqual(fs.readdirSync(bin).sort(), ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"]);
  });

  it("with pulumi alone, goes on to the language host (here: says Go is needed) and leaves pulumi as it was", () => {
    const { cache, bin } = cacheWith("cli-only", ["pulumi"]);
    const r = run({ PATH: BARE_PATH, PHOENIX_CACHE_DIR: cache });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /using the cached build .*\/pulumi$/m);
    assert.match(r.stderr, /no Go toolchain to build the Node\.js language host; install Go >= 1\.25 or the Pulumi CLI/);
    assert.equal(fs.readFileSync(path.join(bin, "pulumi"), "utf8"), "#!/bin/sh\necho pulumi from the cache\n");
  });

  it("uses a pulumi on PATH as it is, touching no cache", () => {
    const { bin: onPath } = cacheWith("installed", ["pulumi"]);
    const cache = path.join(tmp, "untouched");
    const r = run({ PATH: `${onPath}:${BARE_PATH}`, PHOENIX_CACHE_DIR: cache });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), onPath);
    assert.equal(fs.existsSync(cache), false);
  });
});
