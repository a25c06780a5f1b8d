// What the runtime writes into a container at start and the environment of its commands.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { applyStartFiles, buildAptProxyConfig, buildExecEnv, parseAptHostConfig } from "../../testbed/runtime/ct-setup";
import type { RuntimeCt } from "../../testbed/runtime";

describe("apt settings carried from the host", () => {
  const dump = [
    'Acquire "";',
    'Acquire::http::Proxy "http://proxy:3128";',
    'Acquire::http::Proxy::deb.example.org "DIRECT";',
    'Acquire::Check-Valid-Until "false";',
    'Acquire::cdrom::mount "/media/cdrom/";',
    'APT::Architecture "amd64";',
  ].join("\n");

  it("keeps proxies and validity checks", () => {
    assert.deepEqual(parseAptHostConfig(dump), [
      'Acquire::http::Proxy "http://proxy:3128";',
      'Acquire::http::Proxy::deb.example.org "DIRECT";',
      'Acquire::Check-Valid-Until "false";',
    ]);
  });

  it("turns the proxy environment variables into apt settings", () => {
    assert.deepEqual(buildAptProxyConfig({ http_proxy: "http://p:1", HTTPS_PROXY: "http://p:2" }), [
      'Acquire::http::Proxy "http://p:1";',
      'Acquire::https::Proxy "http://p:2";',
    ]);
  });
});

describe("command environment", () => {
  it("is the fixed base when the host has no proxy", () => {
    assert.deepEqual(buildExecEnv({ TERM: "xterm", PATH: "/host", SECRET: "x" }), {
      PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      HOME: "/root",
      LANG: "C.UTF-8",
    });
  });

  it("carries the host's proxy variables", () => {
    assert.equal(buildExecEnv({ https_proxy: "http://p:3" }).https_proxy, "http://p:3");
  });
});

describe("files written at start", () => {
  let tmp: string;
  let ct: RuntimeCt;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "phx-setup-"));
    ct = { vmid: 102, rootfs: path.join(tmp, "rootfs"), hostname: "web-1", node: "pve1", simRoot: path.join(tmp, "sim") };
    fs.mkdirSync(path.join(ct.rootfs, "etc", "apt", "apt.conf.d"), { recursive: true });
    fs.mkdirSync(path.join(ct.rootfs, "run"));
    // Debian images with a resolver daemon ship resolv.conf as an absolute link.
    fs.symlinkSync("/run/resolv.conf", path.join(ct.rootfs, "etc", "resolv.conf"));
    applyStartFiles(ct, { http_proxy: "http://proxy.test:3128" });
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("sets /etc/hostname to the container's hostname", () => {
    assert.equal(fs.readFileSync(path.join(ct.rootfs, "etc/hostname"), "utf8"), "web-1\n");
  });

  it("replaces a resolv.conf symlink with the host's resolver file", () => {
    const file = path.join(ct.rootfs, "etc/resolv.conf");
    assert.deepEqual([fs.lstatSync(file).isSymbolicLink(), fs.readFileSync(file, "utf8")],
      [false, fs.readFileSync("/etc/resolv.conf", "utf8")]);
  });

  it("writes the host's proxy into an apt drop-in", () => {
    const dropIn = fs.readFileSync(path.join(ct.rootfs, "etc/apt/apt.conf.d/00phoenix-host"), "utf8");
    assert.match(dropIn, /^Acquire::http::Proxy "http:\/\/proxy\.test:3128";$/m);
  });
});
