import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as b from "../../core/pct-argv";

describe("pct argv builders", () => {
  const cases: [string, () => string[], string[]][] = [
    ["list", () => b.buildListArgv(), ["pct", "list"]],
    ["status --verbose", () => b.buildStatusArgv(100, { verbose: true }), ["pct", "status", "100", "--verbose", "1"]],
    [
      "create",
      () => b.buildCreateArgv(100, "local:vztmpl/d.tar.zst", { hostname: "web01", memory: 512, unprivileged: true, onboot: false }),
      ["pct", "create", "100", "local:vztmpl/d.tar.zst", "--hostname", "web01", "--memory", "512", "--unprivileged", "1", "--onboot", "0"],
    ],
    [
      "clone",
      () => b.buildCloneArgv(100, 101, { snapname: "base", full: true, hostname: "c1", storage: "local-lvm" }),
      ["pct", "clone", "100", "101", "--snapname", "base", "--full", "1", "--hostname", "c1", "--storage", "local-lvm"],
    ],
    [
      "set with delete, revert and digest",
      () => b.buildSetArgv(100, { cores: 2 }, { delete: ["mp0", "searchdomain"], revert: ["memory"], digest: "a".repeat(40) }),
      ["pct", "set", "100", "--cores", "2", "--delete", "mp0,searchdomain", "--revert", "memory", "--digest", "a".repeat(40)],
    ],
    ["shutdown", () => b.buildShutdownArgv(100, { timeoutSeconds: 30, forceStop: true }), ["pct", "shutdown", "100", "--timeout", "30", "--forceStop", "1"]],
    ["destroy", () => b.buildDestroyArgv(100, { purge: true, force: true }), ["pct", "destroy", "100", "--purge", "1", "--force", "1"]],
    ["snapshot", () => b.buildSnapshotArgv(100, "pre-upgrade", "before apt"), ["pct", "snapshot", "100", "pre-upgrade", "--description", "before apt"]],
    ["delsnapshot", () => b.buildDelSnapshotArgv(100, "old", { force: true }), ["pct", "delsnapshot", "100", "old", "--force", "1"]],
    ["exec", () => b.buildExecArgv(100, ["ls", "-la", "/"]), ["pct", "exec", "100", "--", "ls", "-la", "/"]],
    [
      "push",
      () => b.buildPushArgv(100, "/tmp/x", "/etc/motd", { perms: "0644", user: "root" }),
      ["pct", "push", "100", "/tmp/x", "/etc/motd", "--perms", "0644", "--user", "root"],
    ],
    ["resize", () => b.buildResizeArgv(100, "rootfs", "+2G"), ["pct", "resize", "100", "rootfs", "+2G"]],
    ["unlock", () => b.buildUnlockArgv(100), ["pct", "unlock", "100"]],
  ];
  for (const [name, build, expected] of cases) {
    it(`builds ${name}`, () => assert.deepEqual(build(), expected));
  }

  it("leaves undefined options out", () => {
    assert.deepEqual(b.buildCreateArgv(100, "/t.tar.zst", { hostname: undefined, cores: 1 }), ["pct", "create", "100", "/t.tar.zst", "--cores", "1"]);
  });

  it("always gives a boolean option an explicit value", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), fc.boolean()), (opts) => {
        const args = b.buildOptionArgs(opts);
        return args.length === 2 * Object.keys(opts).length && args.filter((_, i) => i % 2 === 1).every((v) => v === "1" || v === "0");
      }),
    );
  });
});

describe("pct argv validation", () => {
  it("accepts every VMID from 100 to 999999999", () => {
    fc.assert(fc.property(fc.integer({ min: 100, max: 999_999_999 }), (id) => b.buildStartArgv(id)[2] === String(id)));
  });

  it("refuses VMIDs outside the PVE range", () => {
    for (const id of [99, 0, -1, 1_000_000_000, 100.5, NaN]) assert.throws(() => b.buildStartArgv(id), { code: "internal", message: /invalid VMID[^]*\n  next step: this is a bug in phoenix-lxc/ }, String(id));
  });

  it("refuses snapshot names PVE would refuse, explaining the rule", () => {
    for (const name of ["a", "1abc", "with space", "dot.ted", "x".repeat(41), ""]) {
      assert.throws(() => b.buildSnapshotArgv(100, name), /must start with a letter/, name);
    }
  });

  it("refuses the reserved snapshot names", () => {
    for (const name of ["current", "vzdump"]) assert.throws(() => b.buildSnapshotArgv(100, name), /reserved/);
  });

  it("accepts hyphens, underscores and upper case in snapshot names", () => {
    assert.equal(b.buildSnapshotArgv(100, "Pre_Upgrade-2")[3], "Pre_Upgrade-2");
  });

  it("refuses option keys that would not parse as one option", () => {
    for (const key of ["Memory", "-x", "a b", "", "net0=1"]) assert.throws(() => b.buildSetArgv(100, { [key]: 1 }), /invalid pct option key/, key);
  });

  it("refuses a pct set with nothing to set", () => {
    assert.throws(() => b.buildSetArgv(100, {}), /at least one option/);
  });

  it("refuses a resize size pct would misread", () => {
    for (const size of ["10 G", "G", "-1G", "1.5.5G"]) assert.throws(() => b.buildResizeArgv(100, "rootfs", size), { code: "internal" }, size);
  });
});

describe("push from stdin", () => {
  it("runs pct push on the temp file the script fills from stdin", () => {
    const { argv, display } = b.buildPushFromStdinArgv(100, "/etc/my file", { perms: "0600" });
    assert.deepEqual(argv.slice(0, 2), ["sh", "-c"]);
    assert.match(argv[2]!, /\npct push 100 "\$t" '\/etc\/my file' --perms 0600$/);
    assert.deepEqual(display.slice(0, 2), ["pct", "push"]);
  });
});
