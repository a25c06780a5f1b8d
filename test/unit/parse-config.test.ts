import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ParseError } from "../../core/errors";
import { parsePctStatus } from "../../core/parse-config";
import { parsePctConfig, parsePctPending } from "../helpers/pve-oracle";

const fixture = (name: string) => readFileSync(join(__dirname, "../../../test/fixtures", name), "utf8");

describe("pct config parsing", () => {
  it("decodes a long %-encoded HTML description (fixture 09)", () => {
    const config = parsePctConfig(fixture("pct-real/09-config-homelabcfg-ct103-html-desc-ro-bind.txt"));
    assert.ok(config.description!.startsWith("\nhttp://192.168.7.114:8080\n\n\n\n\n<div align='center'>\n"));
    assert.ok(config.description!.endsWith("</div>\n"));
    assert.ok(config.description!.includes("&#x2615;"), "HTML entities are not pct encoding and stay as they are");
  });

  it("keeps ordinary keys as printed, without the description", () => {
    const config = parsePctConfig(fixture("pct-real/09-config-homelabcfg-ct103-html-desc-ro-bind.txt"));
    assert.equal(config.options.mp0, "/etc/prometheus/file_sd,mp=/etc/prometheus/file_sd,ro=1");
    assert.equal(config.options.tags, "community-script;monitoring");
    assert.equal("description" in config.options, false);
  });

  it("reads a one-line description ending in %0A as text plus newline (fixture 11)", () => {
    const config = parsePctConfig(fixture("pct-real/11-config-homelabcfg-ct106-two-bind-mps.txt"));
    assert.equal(config.description, "Homepage / NGINX Documentation Portal\n");
    assert.equal(config.options.mp1, "/srv/homelab-share/homelab-config,mp=/mnt/homelab-config");
  });

  it("keeps raw lxc lines in order, an empty value included (fixture 29)", () => {
    const config = parsePctConfig(fixture("pct-real/29-config-wlfogle-ct102-parent-vzdump-capdrop-empty-cgroup2-a.txt"));
    assert.deepEqual(config.lxc, [
      { key: "lxc.apparmor.profile", value: "unconfined" },
      { key: "lxc.cap.drop", value: "" },
      { key: "lxc.cgroup2.devices.allow", value: "a" },
      { key: "lxc.mount.auto", value: "proc:rw sys:rw cgroup:rw" },
    ]);
    assert.equal(config.options.parent, "vzdump");
  });

  it("keeps a value that is a single space (fixture 31)", () => {
    const config = parsePctConfig(fixture("pct-real/31-config-wlfogle-ct245-searchdomain-single-space.txt"));
    assert.equal(config.options.searchdomain, " ");
    assert.equal(config.options.nameserver, "8.8.8.8 1.1.1.1");
  });

  it("rejects junk with the 1-based line number", () => {
    assert.throws(
      () => parsePctConfig("arch: amd64\nthis is not a config line\n"),
      (e: unknown) => e instanceof ParseError && e.line === 2 && e.command === "pct config",
    );
  });

  it("rejects a key printed twice", () => {
    assert.throws(() => parsePctConfig("cores: 1\ncores: 2\n"), ParseError);
  });
});

describe("pct pending parsing", () => {
  it("merges cur/new/del lines into one entry per key", () => {
    assert.deepEqual(parsePctPending(fixture("pct-synthetic/pending-cur-new-del.txt")), [
      { key: "arch", current: "amd64" },
      { key: "cores", current: "2", pending: "4" },
      { key: "description", current: "web server: production\n" },
      { key: "hostname", current: "web01" },
      { key: "nameserver", pending: "1.1.1.1" },
      { key: "searchdomain", current: "example.org", delete: true },
    ]);
  });

  it("rejects a line without the cur/new/del prefix", () => {
    assert.throws(() => parsePctPending("cur arch: amd64\nold cores: 2\n"), (e: unknown) => e instanceof ParseError && e.line === 2);
  });
});

describe("pct status parsing", () => {
  it("reads the one-line form (fixture 14)", () => {
    assert.deepEqual(parsePctStatus(fixture("pct-real/14-status-homelabcfg-ct100-running.txt")), {
      status: "running",
      fields: { status: "running" },
    });
  });

  it("reads the verbose form with its lock", () => {
    const status = parsePctStatus(fixture("pct-synthetic/status-verbose-stopped-locked.txt"));
    assert.equal(status.status, "stopped");
    assert.equal(status.lock, "backup");
    assert.equal(status.fields.maxmem, "1073741824");
    assert.equal(status.fields.cpu, undefined);
  });

  it("rejects a status word pct does not print", () => {
    assert.throws(() => parsePctStatus("status: paused\n"), (e: unknown) => e instanceof ParseError && e.line === 1);
  });

  it("rejects output without a status line", () => {
    assert.throws(() => parsePctStatus("name: web01\n"), ParseError);
  });
});
