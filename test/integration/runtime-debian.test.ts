// The Debian template in the runtime: dpkg is there and apt installs from Debian's mirror.
// Slow (builds the template on first use, about a minute; then downloads packages), so it
// runs only with PHOENIX_TEST_DEBIAN=1.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execInCt, startCt, stopCt, type RuntimeCt } from "../../testbed/runtime";
import { ensureTemplate, extractTemplate } from "../../testbed/templates";

const enabled = process.env.PHOENIX_TEST_DEBIAN === "1";

describe("Debian template in the runtime", { skip: enabled ? false : "set PHOENIX_TEST_DEBIAN=1 (slow)" }, () => {
  let tmp: string;
  let ct: RuntimeCt;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "phx-debian-"));
    ct = { vmid: 200, rootfs: path.join(tmp, "rootfs"), hostname: "deb", node: "pve1", simRoot: path.join(tmp, "sim") };
    const started = Date.now();
    const tarball = ensureTemplate("debian");
    console.log(`# debian template ready in ${Date.now() - started} ms: ${tarball}`);
    extractTemplate(tarball, ct.rootfs);
    startCt(ct);
  });

  after(() => {
    stopCt(ct);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("has dpkg installed", () => {
    assert.equal(execInCt(ct, ["sh", "-c", "dpkg -s dpkg >/dev/null"]), 0);
  });

  it("does not ship locales (base_setup installs them)", () => {
    assert.notEqual(execInCt(ct, ["sh", "-c", "dpkg -s locales >/dev/null 2>&1"]), 0);
  });

  it("installs a package with apt-get through the host's network setup", () => {
    const started = Date.now();
    const status = execInCt(ct, ["sh", "-c",
      "apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends jq >/dev/null && jq --version"]);
    console.log(`# apt-get update + install jq took ${Date.now() - started} ms`);
    assert.equal(status, 0);
  });
});
