// pct push through the runtime: ownership and modes inside the container, PVE's error
// texts, and path resolution that never leaves the rootfs.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { pushToCt, startCt, stopCt, type RuntimeCt } from "../../testbed/runtime";
import { parseAccountId, parsePushPerms } from "../../testbed/runtime/push";
import { resolveInRootfs } from "../../testbed/runtime/rootfs-path";
import { ensureTemplate, extractTemplate } from "../../testbed/templates";

describe("pct push --perms parsing", () => {
  it("reads digits without a leading 0 as octal", () => {
    assert.equal(parsePushPerms("644"), 0o644);
  });

  it("reads a 0x prefix as hexadecimal", () => {
    assert.equal(parsePushPerms("0x1ed"), 0o755);
  });

  it("round-trips every mode written in octal", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0o7777 }), (mode) => parsePushPerms(mode.toString(8)) === mode));
  });

  for (const bad of ["9", "rwx", "0x", "0xzz", "-644", "17777"]) {
    it(`rejects ${JSON.stringify(bad)} with PVE's invalid mode message`, () => {
      assert.throws(() => parsePushPerms(bad), { message: `invalid mode: '${bad}'` });
    });
  }
});

describe("user and group lookup in the container's files", () => {
  const passwd = "root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n";

  it("finds a name's id", () => {
    assert.equal(parseAccountId(passwd, "www-data"), 33);
  });

  it("takes a number as the id itself", () => {
    assert.equal(parseAccountId(passwd, "1234"), 1234);
  });

  it("does not find a name that is only a prefix of an entry", () => {
    assert.equal(parseAccountId(passwd, "www"), undefined);
  });
});

describe("pushing into a running container", () => {
  let tmp: string;
  let ct: RuntimeCt;
  let src: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "phx-push-"));
    ct = { vmid: 101, rootfs: path.join(tmp, "rootfs"), hostname: "push", node: "pve1", simRoot: path.join(tmp, "sim") };
    extractTemplate(ensureTemplate("busybox", path.join(tmp, "cache")), ct.rootfs);
    src = path.join(tmp, "src.txt");
    fs.writeFileSync(src, "payload\n");
    startCt(ct);
  });

  after(() => {
    stopCt(ct);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("copies the content", () => {
    pushToCt(ct, src, "/root/copied", {});
    assert.equal(fs.readFileSync(path.join(ct.rootfs, "root/copied"), "utf8"), "payload\n");
  });

  it("applies --perms and resolves --user/--group inside the container", () => {
    pushToCt(ct, src, "/tmp/owned", { perms: "640", user: "nobody", group: "nogroup" });
    const st = fs.statSync(path.join(ct.rootfs, "tmp/owned"));
    assert.deepEqual([st.mode & 0o7777, st.uid, st.gid], [0o640, 65534, 65534]);
  });

  it("keeps an existing file's mode when --perms is not given", () => {
    const dest = path.join(ct.rootfs, "root/kept");
    fs.writeFileSync(dest, "old");
    fs.chmodSync(dest, 0o600);
    pushToCt(ct, src, "/root/kept", {});
    assert.equal(fs.statSync(dest).mode & 0o777, 0o600);
  });

  it("fails with PVE's message when the source cannot be read", () => {
    const missing = path.join(tmp, "missing");
    assert.throws(() => pushToCt(ct, missing, "/root/x", {}), { message: `failed to open ${missing} for reading` });
  });

  it("fails with PVE's message for a user unknown in the container", () => {
    // `daemon` exists on the host but not in the busybox container: lookup is inside.
    assert.throws(() => pushToCt(ct, src, "/root/x", { user: "daemon" }), { message: "failed to get uid for: daemon" });
  });

  it("fails with PVE's message for a group unknown in the container", () => {
    assert.throws(() => pushToCt(ct, src, "/root/x", { group: "daemon" }), { message: "failed to get gid for: daemon" });
  });

  it("fails with PVE's message for an invalid mode", () => {
    assert.throws(() => pushToCt(ct, src, "/root/x", { perms: "rw" }), { message: "invalid mode: 'rw'" });
  });

  it("follows an absolute symlink relative to the container root, not the host's", () => {
    fs.symlinkSync("/", path.join(ct.rootfs, "escape"));
    // The same directory exists inside the container, so the push succeeds there.
    fs.mkdirSync(path.join(ct.rootfs, tmp), { recursive: true });
    pushToCt(ct, src, `/escape${tmp}/escaped`, {});
    const landed = [path.join(ct.rootfs, tmp, "escaped"), path.join(tmp, "escaped")].map((p) => fs.existsSync(p));
    assert.deepEqual(landed, [true, false]);
  });

  it("refuses a container that is not running", () => {
    const stopped = { ...ct, vmid: 199 };
    assert.throws(() => pushToCt(stopped, src, "/root/x", {}), /running CT/);
  });
});

describe("container path resolution", () => {
  it("never resolves outside the rootfs, whatever the path and links", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "phx-resolve-"));
    fs.mkdirSync(path.join(root, "etc"));
    fs.symlinkSync("/", path.join(root, "up-abs"));
    fs.symlinkSync("../../../..", path.join(root, "etc", "up-rel"));
    const component = fc.constantFrom("..", ".", "etc", "up-abs", "up-rel", "x");
    try {
      fc.assert(fc.property(fc.array(component, { maxLength: 12 }), (parts) => {
        const resolved = resolveInRootfs(root, "/" + parts.join("/"));
        return resolved === root || resolved.startsWith(root + path.sep);
      }));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
