// `phoenix retention plan`: output formats, exit codes and messages. Reads snapshot files from a temporary
// directory (the command's only I/O).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runRetention } from "../../cli/commands/retention";

const at = (iso: string) => Date.parse(iso) / 1000;

/** Four snapshots an hour apart that the file declares owned, and one manual one. */
const SNAPSHOTS = [
  { name: "phx-1", owned: true, snaptime: at("2024-10-27T00:10:00Z") },
  { name: "phx-2", owned: true, snaptime: at("2024-10-27T01:10:00Z") },
  { name: "phx-3", owned: true, snaptime: at("2024-10-27T02:10:00Z") },
  { name: "phx-4", owned: true, snaptime: at("2024-10-27T03:10:00Z") },
  { name: "manual", snaptime: at("2024-10-27T01:30:00Z"), owned: false, description: "before upgrade" },
];

let dir: string;
const file = (name: string, content: unknown) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return name;
};

async function run(argv: string[], env: NodeJS.ProcessEnv = { TZ: "UTC" }) {
  let stdout = "";
  let stderr = "";
  const code = await runRetention(argv, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), cwd: dir, env });
  return { code, stdout, stderr };
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-retention-"));
  file("snaps.json", SNAPSHOTS);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("phoenix retention plan: output", () => {
  it("prints one JSON verdict per snapshot, newest first", async () => {
    const { code, stdout } = await run(["plan", "--policy", '{"keep_last": 1}', "--snapshots", "snaps.json", "--json"]);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), [
      { name: "phx-4", verdict: "keep", reason: "keep-last" },
      { name: "phx-3", verdict: "remove", reason: "pruned" },
      { name: "manual", verdict: "protected", reason: "not-owned" },
      { name: "phx-2", verdict: "remove", reason: "pruned" },
      { name: "phx-1", verdict: "remove", reason: "pruned" },
    ]);
  });

  it("prints a table with a summary line", async () => {
    const { code, stdout } = await run(["plan", "--policy", '{"keep_last": 1}', "--snapshots", "snaps.json"]);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split("\n");
    assert.match(lines[0], /^NAME\s+LOCAL TIME \(UTC\)\s+VERDICT\s+REASON$/);
    assert.match(lines[1], /^phx-4\s+2024-10-27 03:10:00\s+keep\s+keep-last$/);
    assert.equal(lines.at(-1), "keep 1, remove 3, protected 1");
  });

  it("shows local times in the --tz zone", async () => {
    const { stdout } = await run(["plan", "--policy", "{}", "--snapshots", "snaps.json", "--tz", "Europe/Berlin"]);
    assert.match(stdout, /^phx-1\s+2024-10-27 02:10:00\s/m);
  });

  it("takes the zone from $TZ when --tz is absent", async () => {
    const { stdout } = await run(["plan", "--policy", "{}", "--snapshots", "snaps.json"], { TZ: "Asia/Kolkata" });
    assert.match(stdout, /LOCAL TIME \(Asia\/Kolkata\)/);
    assert.match(stdout, /^phx-1\s+2024-10-27 05:40:00\s/m);
  });

  it("buckets hours in the zone: the Berlin fall-back hour holds phx-1 and phx-2", async () => {
    const { stdout } = await run(["plan", "--policy", '{"keep_hourly": 3}', "--snapshots", "snaps.json", "--tz", "Europe/Berlin", "--json"]);
    // phx-4 is protected (newest). Berlin has only two more local hours, 03 (phx-3) and 02 (phx-2, and the older
    // phx-1 of the same local hour, removed); in UTC phx-1..3 would be three hours and all kept.
    assert.deepEqual(JSON.parse(stdout).filter((v: { verdict: string }) => v.verdict === "remove").map((v: { name: string }) => v.name), ["phx-1"]);
  });

  it("accepts pvesh output as it is and leaves out the 'current' entry", async () => {
    file("pvesh.json", [...SNAPSHOTS, { name: "current", description: "You are here!", parent: "phx-4", running: 1 }]);
    const { code, stdout } = await run(["plan", "--policy", "{}", "--snapshots", "pvesh.json", "--json"]);
    assert.equal(code, 0);
    assert.equal(JSON.parse(stdout).length, SNAPSHOTS.length);
  });

  it("without 'owned' in the file, only this tool's snapshots (name shape and marker) can be removed", async () => {
    const mine = (iso: string) => ({ name: `phx-${iso.replace(/[-:]/g, "")}`, snaptime: at(iso), description: "phoenix-lxc:managed" });
    file("pvesh-plain.json", [
      { name: "vzdump-20241026", snaptime: at("2024-10-26T00:00:00Z"), description: "vzdump backup snapshot" },
      { name: "before-upgrade", snaptime: at("2024-10-26T01:00:00Z"), description: "by hand" },
      { name: "phx-20241026T020000Z", snaptime: at("2024-10-26T02:00:00Z"), description: "copied name, no marker" },
      mine("2024-10-26T03:00:00Z"), mine("2024-10-26T04:00:00Z"),
    ]);
    const { code, stdout } = await run(["plan", "--policy", '{"keep_last": 1}', "--snapshots", "pvesh-plain.json", "--json"]);
    assert.equal(code, 0);
    const verdict = Object.fromEntries(JSON.parse(stdout).map((v: { name: string; verdict: string; reason: string }) => [v.name, `${v.verdict}/${v.reason}`]));
    assert.deepEqual(verdict, {
      "phx-20241026T040000Z": "keep/keep-last",
      "phx-20241026T030000Z": "remove/pruned",
      "phx-20241026T020000Z": "protected/not-owned",
      "before-upgrade": "protected/not-owned",
      "vzdump-20241026": "protected/not-owned",
    });
  });

  it("prints help with exit code 0", async () => {
    const { code, stdout } = await run(["--help"]);
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: phoenix retention plan/);
  });
});

describe("phoenix retention plan: bad input exits 2 with a message naming it", () => {
  const cases: [string, string[], RegExp][] = [
    ["a misspelled policy key, with a suggestion", ["--policy", '{"keep_dialy": 3}'], /keep_dialy: unknown key; did you mean 'keep_daily'\?/],
    ["a policy count below 1", ["--policy", '{"keep_last": 0}'], /keep_last: expected an integer ≥ 1, found 0/],
    ["a fractional policy count", ["--policy", '{"keep_monthly": 2.5}'], /keep_monthly: expected an integer ≥ 1, found 2\.5/],
    ["a policy that is not an object", ["--policy", "[3]"], /expected an object/],
    ["a policy that is not JSON", ["--policy", "{keep_last: 3}"], /--policy is not valid JSON/],
    ["an unknown time zone", ["--policy", "{}", "--tz", "Mars/Base"], /--tz: unknown time zone 'Mars\/Base'/],
  ];
  for (const [label, args, message] of cases) {
    it(label, async () => {
      const { code, stderr } = await run(["plan", "--snapshots", "snaps.json", ...args]);
      assert.equal(code, 2);
      assert.match(stderr, message);
    });
  }

  it("a missing snapshots file", async () => {
    const { code, stderr } = await run(["plan", "--policy", "{}", "--snapshots", "nope.json"]);
    assert.equal(code, 2);
    assert.match(stderr, /cannot read snapshots file '.*nope\.json': no such file/);
  });

  it("a snapshots file that is not JSON", async () => {
    const { code, stderr } = await run(["plan", "--policy", "{}", "--snapshots", file("broken.json", "[{")]);
    assert.equal(code, 2);
    assert.match(stderr, /broken\.json' is not valid JSON/);
  });

  it("a snapshot with a bad field, naming the index and the field", async () => {
    file("bad.json", [{ name: "a1", snaptime: 1 }, { name: "a2", snaptime: "yesterday" }, { name: "a3", snaptime: 3, pinned: "yes" }]);
    const { code, stderr } = await run(["plan", "--policy", "{}", "--snapshots", "bad.json"]);
    assert.equal(code, 2);
    assert.match(stderr, /\[1\]\.snaptime: expected epoch seconds/);
    assert.match(stderr, /\[2\]\.pinned: expected true or false/);
  });

  it("a snapshot listed twice", async () => {
    const { code, stderr } = await run(["plan", "--policy", "{}", "--snapshots", file("dup.json", [{ name: "a1", snaptime: 1 }, { name: "a1", snaptime: 2 }])]);
    assert.equal(code, 2);
    assert.match(stderr, /\[1\]\.name: 'a1' is listed twice \(also at \[0\]\)/);
  });

  it("no subcommand", async () => {
    const { code, stderr } = await run([]);
    assert.equal(code, 2);
    assert.match(stderr, /missing subcommand/);
  });

  it("an unknown option", async () => {
    const { code, stderr } = await run(["plan", "--policy", "{}", "--snapshots", "snaps.json", "--dry-run"]);
    assert.equal(code, 2);
    assert.match(stderr, /--dry-run/);
  });
});
