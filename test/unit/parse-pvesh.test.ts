import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ParseError } from "../../core/errors";
import {
  parsePveshConfig,
  parsePveshLxcList,
  parsePveshPending,
  parsePveshSnapshots,
  parsePveshStatus,
} from "../../core/parse-pvesh";

const fixture = (name: string) => readFileSync(join(__dirname, "../../../test/fixtures", name), "utf8");

describe("pvesh lxc list parsing", () => {
  it("reads numeric vmids, locks, tags and templates", () => {
    assert.deepEqual(parsePveshLxcList(fixture("pct-synthetic/pvesh-lxc-list.json")), [
      { vmid: 100, status: "stopped", name: "web01", template: false },
      { vmid: 101, status: "running", name: "db", lock: "backup", tags: "db;prod", template: false },
      { vmid: 9000, status: "stopped", name: "tmpl", template: true },
    ]);
  });

  it("reads the string vmid of PVE before pve-container 5.0.10 as a number", () => {
    assert.equal(parsePveshLxcList(fixture("pct-synthetic/pvesh-lxc-list-string-vmid.json"))[0]!.vmid, 105);
  });

  it("reads an empty list", () => {
    assert.deepEqual(parsePveshLxcList("[]\n"), []);
  });
});

describe("pvesh snapshot list parsing", () => {
  it("separates the current pseudo-entry from the snapshots", () => {
    const list = parsePveshSnapshots(fixture("pct-synthetic/pvesh-snapshot-list.json"));
    assert.deepEqual(list.snapshots.map((s) => s.name), ["base", "upgraded", "half"]);
    assert.deepEqual(list.head, { parent: "upgraded", running: true, digest: "3f2a9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b" });
  });

  it("treats snaptime 0 as unknown and keeps snapstate", () => {
    const half = parsePveshSnapshots(fixture("pct-synthetic/pvesh-snapshot-list.json")).snapshots[2]!;
    assert.deepEqual(half, { name: "half", parent: "upgraded", description: "cut short", snapstate: "delete" });
  });

  it("keeps a description's trailing newline", () => {
    const base = parsePveshSnapshots(fixture("pct-synthetic/pvesh-snapshot-list.json")).snapshots[0]!;
    assert.deepEqual(base, { name: "base", snaptime: 1714550000, description: "clean install\n" });
  });

  it("reads a CT without snapshots as an empty list with a parentless head", () => {
    const list = parsePveshSnapshots(fixture("pct-synthetic/pvesh-snapshot-list-none.json"));
    assert.deepEqual(list.snapshots, []);
    assert.equal(list.head!.parent, undefined);
    assert.equal(list.head!.running, false);
  });
});

describe("pvesh config parsing", () => {
  it("unwraps the API envelope and reads the lxc pairs (fixture 15)", () => {
    const config = parsePveshConfig(fixture("pct-real/15-pvesh-json-api-lxc500-config-cv4pve111-lxc-array-parent.txt"));
    assert.deepEqual(config.lxc, [{ key: "lxc.apparmor.profile", value: "unconfined" }]);
    assert.equal(config.digest, "7db6aaf9c508c3e176a3d1fa7acc319bae7e905e");
    assert.equal(config.options.parent, "autoweekly251223173813");
  });

  it("turns JSON numbers into the strings pct prints and keeps a one-space value (fixture 15)", () => {
    const config = parsePveshConfig(fixture("pct-real/15-pvesh-json-api-lxc500-config-cv4pve111-lxc-array-parent.txt"));
    assert.equal(config.options.memory, "4096");
    assert.equal(config.options.tags, " ");
  });

  it("keeps repeated raw keys in order and the decoded description", () => {
    const config = parsePveshConfig(fixture("pct-synthetic/pvesh-config.json"));
    assert.deepEqual(config.lxc.map((l) => l.key), ["lxc.apparmor.profile", "lxc.mount.entry", "lxc.mount.entry"]);
    assert.equal(config.description, "web server: production\nsecond line\n");
  });

  it("rejects an lxc entry that is not a pair", () => {
    assert.throws(() => parsePveshConfig('{"lxc":[["lxc.a"]]}'), ParseError);
  });
});

describe("pvesh pending and status parsing", () => {
  it("maps delete 1 to a deletion and 2 to a forced one", () => {
    const pending = parsePveshPending(fixture("pct-synthetic/pvesh-pending.json"));
    assert.deepEqual(pending.slice(1), [
      { key: "cores", current: "2", pending: "4" },
      { key: "nameserver", pending: "1.1.1.1" },
      { key: "searchdomain", current: "example.org", delete: true },
      { key: "mp1", current: "/srv/x,mp=/x", delete: "force" },
    ]);
  });

  it("reads status/current with its lock and nested ha object", () => {
    const status = parsePveshStatus(fixture("pct-synthetic/pvesh-status-current.json"));
    assert.equal(status.status, "running");
    assert.equal(status.lock, "snapshot");
    assert.equal(status.fields.ha, '{"managed":0}');
  });
});

describe("pvesh junk", () => {
  it("names the line of a JSON syntax error", () => {
    assert.throws(
      () => parsePveshSnapshots('[\n{"name":"a"},\n{oops}\n]'),
      (e: unknown) => e instanceof ParseError && e.line === 3,
    );
  });

  it("rejects an object where a list is expected", () => {
    assert.throws(() => parsePveshLxcList('{"vmid":100}'), ParseError);
  });

  it("rejects an unknown status", () => {
    assert.throws(() => parsePveshLxcList('[{"vmid":100,"status":"paused"}]'), ParseError);
  });
});
