import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { ParseError } from "../../core/errors";
import { parseConfFile, replaceMainLxcLines, serializeConfFile, type ConfFile, type ConfSection } from "../../core/conf-file";

const fixture = (name: string) => readFileSync(join(__dirname, "../../../test/fixtures", name), "utf8");
const FRESH_TAILSCALE = "pct-real/01-conffile-tteck2230-snapshots-fresh-tailscale.txt";

/** The text of every snapshot section, from its header to the end of the file. */
const snapshotPart = (text: string) => text.slice(text.indexOf("\n[") + 1);

describe("conf file parsing", () => {
  it("puts raw lines that sit in a snapshot section into that snapshot (fixture 01)", () => {
    const conf = parseConfFile(fixture(FRESH_TAILSCALE));
    assert.deepEqual(conf.main.lxc, []);
    assert.deepEqual(conf.snapshots.map((s) => [s.name, s.lxc.length]), [
      ["fresh", 2],
      ["tailscale", 0],
    ]);
    assert.equal(conf.snapshots[0]!.lxc[1]!.value, "/dev/net/tun dev/net/tun none bind,create=file");
  });

  it("reads snapshot parents and times (fixture 01)", () => {
    const conf = parseConfFile(fixture(FRESH_TAILSCALE));
    assert.equal(conf.main.options.parent, "tailscale");
    assert.equal(conf.snapshots[1]!.options.parent, "fresh");
    assert.equal(conf.snapshots[0]!.options.snaptime, "1703272733");
  });

  it("ignores a leading blank line (fixture 02)", () => {
    const conf = parseConfFile(fixture("pct-real/02-conffile-pulse738-mount-entry-protection.txt"));
    assert.equal(conf.main.options.arch, "amd64");
    assert.deepEqual(conf.main.lxc, [{ key: "lxc.mount.entry", value: "/run/pulse-sensor-proxy mnt/pulse-proxy none bind 0 0" }]);
  });

  it("decodes # description lines and reads both raw line forms", () => {
    const conf = parseConfFile(fixture("pct-synthetic/conffile-pending-two-snapshots.txt"));
    assert.equal(conf.main.description, "web server: production\n100% managed\n");
    assert.deepEqual(conf.main.lxc.at(-1), { key: "lxc.cgroup2.devices.allow", value: "c 10:200 rwm" });
  });

  it("reads the pending section with its delete list", () => {
    const conf = parseConfFile(fixture("pct-synthetic/conffile-pending-two-snapshots.txt"));
    assert.deepEqual(conf.pending, { options: { delete: "searchdomain", nameserver: "1.1.1.1" }, lxc: [] });
  });

  it("keeps one space of a value made of spaces, like PVE's reader", () => {
    assert.equal(parseConfFile("searchdomain:  \n").main.options.searchdomain, " ");
  });

  it("rejects junk with the line number", () => {
    assert.throws(() => parseConfFile("arch: amd64\n\n!!!\n"), (e: unknown) => e instanceof ParseError && e.line === 3);
  });
});

describe("conf file serializing", () => {
  it("reproduces a file PVE wrote, byte for byte (fixture 01)", () => {
    const text = fixture(FRESH_TAILSCALE);
    assert.equal(serializeConfFile(parseConfFile(text)), text);
  });

  // fast-check records have a null prototype; spread them into plain objects to compare with parser output.
  const token = fc.stringMatching(/^[a-z0-9][a-z0-9=,.:/ -]{0,15}[a-z0-9]$/);
  const line = fc.string({ unit: "binary" }).filter((s) => !s.includes("\n"));
  // PVE (Perl split) drops trailing empty description lines, so a generated description ends in a non-empty one.
  const description = fc
    .tuple(fc.array(line, { maxLength: 2 }), line.filter((s) => s !== ""))
    .map(([head, last]) => [...head, last].join("\n") + "\n");
  const section = fc
    .record({
      description: fc.option(description, { nil: undefined }),
      options: fc.dictionary(fc.stringMatching(/^[a-z][a-z_]{0,8}[0-9]?$/), token, { maxKeys: 6 }),
      lxc: fc.array(fc.record({ key: fc.stringMatching(/^lxc\.[a-z][a-z0-9.]{0,10}[a-z0-9]$/), value: token }), { maxLength: 3 }),
    })
    .map(({ description: d, options, lxc }): ConfSection => ({
      ...(d === undefined ? {} : { description: d }),
      options: { ...options },
      lxc: lxc.map((l) => ({ ...l })),
    }));
  const names = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_-]{1,10}$/), { maxLength: 3 });
  const conf: fc.Arbitrary<ConfFile> = fc
    .tuple(section, names.chain((ns) => fc.tuple(...ns.map((name) => section.map((s) => ({ name, ...s }))))))
    .map(([main, snapshots]) => ({ main, snapshots }));

  it("parses back what it serialized, snapshots sorted by name", () => {
    fc.assert(
      fc.property(conf, (c) => {
        const sorted = [...c.snapshots].sort((a, b) => (a.name < b.name ? -1 : 1));
        assert.deepEqual(parseConfFile(serializeConfFile(c)), { main: c.main, snapshots: sorted });
      }),
    );
  });
});

describe("replacing the main section's raw lines", () => {
  it("leaves every snapshot section byte-identical (fixture 01)", () => {
    const text = fixture(FRESH_TAILSCALE);
    const out = replaceMainLxcLines(text, [{ key: "lxc.apparmor.profile", value: "unconfined" }]);
    assert.equal(snapshotPart(out), snapshotPart(text));
  });

  it("writes the new lines at the end of the main section (fixture 01)", () => {
    const out = replaceMainLxcLines(fixture(FRESH_TAILSCALE), [{ key: "lxc.apparmor.profile", value: "unconfined" }]);
    assert.ok(out.includes("unprivileged: 1\nlxc.apparmor.profile: unconfined\n\n[fresh]\n"));
  });

  it("replaces the old raw lines of both forms and keeps the env lines", () => {
    const text = fixture("pct-synthetic/conffile-pending-two-snapshots.txt");
    const conf = parseConfFile(replaceMainLxcLines(text, [{ key: "lxc.cap.drop", value: "sys_admin" }]));
    assert.deepEqual(conf.main.lxc, [
      { key: "lxc.environment.runtime", value: "TZ=UTC" },
      { key: "lxc.cap.drop", value: "sys_admin" },
    ]);
  });

  it("changes nothing when given the lines already there, in the same order", () => {
    const text = fixture("pct-real/02-conffile-pulse738-mount-entry-protection.txt");
    const lines = parseConfFile(text).main.lxc;
    assert.equal(replaceMainLxcLines(text, lines), text);
  });

  it("keeps the pending section and snapshots unchanged for any new set of lines", () => {
    const text = fixture("pct-synthetic/conffile-pending-two-snapshots.txt");
    const line = fc.record({ key: fc.stringMatching(/^lxc\.[a-z]{1,8}(\.[a-z0-9]{1,6})?$/), value: fc.stringMatching(/^\S(.{0,20}\S)?$/) })
      .filter((l) => l.key !== "lxc.environment.runtime" && !/[\r\n]/.test(l.value));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 5 }), (lines) => {
        const out = replaceMainLxcLines(text, lines);
        assert.equal(snapshotPart(out), snapshotPart(text));
        assert.deepEqual(parseConfFile(out).main.lxc.slice(1), lines.map((l) => ({ ...l })));
      }),
    );
  });

  it("refuses a value PVE would trim, as a config error naming lxc_options and the fix", () => {
    assert.throws(() => replaceMainLxcLines("arch: amd64\n", [{ key: "lxc.cap.drop", value: " x" }]), {
      code: "config",
      message: /^lxc_options: invalid value for lxc\.cap\.drop: " x" .*\n  next step: write it as "lxc\.cap\.drop=x"$/,
    });
  });

  it("refuses lxc.environment.runtime, which PVE's own 'env' option writes", () => {
    assert.throws(() => replaceMainLxcLines("arch: amd64\n", [{ key: "lxc.environment.runtime", value: "A=1" }]), { code: "config", message: /next step: remove the lxc\.environment\.runtime entry from lxc_options$/ });
  });
});
