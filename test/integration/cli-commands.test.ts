/**
 * The `phoenix` commands' surface without an engine: help texts, argument errors and their exit codes, and the
 * environment check. Every run goes through `main(argv, io)` as the bin does.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../cli/main";
import { CliIo, ExitCode } from "../../cli/io";

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], cwd = os.tmpdir()): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd, env: { ...process.env }, isTty: false };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const ENGINE_COMMANDS = ["preview", "up", "create", "destroy", "status", "start", "stop", "restart", "snapshots", "test"];

describe("phoenix --help", () => {
  for (const command of [...ENGINE_COMMANDS, "sim"]) {
    it(`${command} --help prints its usage and the exit codes, exit 0`, async () => {
      const r = await run([command, "--help"]);
      assert.equal(r.code, ExitCode.ok);
      assert.match(r.stdout, new RegExp(`^Usage: phoenix (${command}|up\\|create|${command} <ctid…>)`));
      assert.match(r.stdout, /Exit codes:\n  0 /);
    });
  }

  it("the top-level help lists every command", async () => {
    const r = await run(["--help"]);
    for (const command of [...ENGINE_COMMANDS, "sim", "validate", "retention"]) assert.match(r.stdout, new RegExp(`^  ${command} `, "m"));
  });

  it("engine commands' help says a real deployment must set a passphrase", async () => {
    assert.match((await run(["up", "--help"])).stdout, /real deployment must set one/);
  });

  it("destroy's help says the next up re-creates what the config still lists", async () => {
    assert.match((await run(["destroy", "--help"])).stdout, /next 'phoenix up' \(or 'pulumi up'\) creates them again/);
  });
});

describe("phoenix argument errors exit 2 before touching the engine", () => {
  const cases: [string, string[], RegExp][] = [
    ["an unknown option", ["up", "--bogus"], /Unknown option '--bogus'/],
    ["a CTID that is not a number", ["status", "web01"], /'web01' is not a container ID/],
    ["a CTID below 100", ["preview", "99"], /'99' is not a container ID/],
    ["destroy without a CTID", ["destroy"], /name the containers to destroy/],
    ["stop without a CTID", ["stop"], /name the containers/],
    ["snapshots with two CTIDs", ["snapshots", "950", "951"], /exactly one container/],
    ["test without a CTID", ["test"], /exactly one container/],
    ["--timeout on start", ["start", "950", "--timeout", "5"], /--timeout applies to stop only/],
    ["a fractional stop timeout", ["stop", "950", "--timeout", "1.5"], /whole number of seconds/],
    ["sim without start or stop", ["sim", "restart"], /expected 'sim start' or 'sim stop'/],
    ["sim start with an unknown template", ["sim", "start", "--templates", "alpine"], /unknown template 'alpine'/],
    ["--stack without a value", ["status", "--stack"], /argument missing|--stack/],
  ];
  for (const [what, argv, message] of cases) {
    it(`rejects ${what}`, async () => {
      const r = await run(argv);
      assert.equal(r.code, ExitCode.usage, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, "");
    });
  }
});

describe("phoenix environment checks", () => {
  it("a project directory without Pulumi.yaml is an environment error (exit 3) naming the directory", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-noproj-"));
    try {
      const r = await run(["status", "--cwd", dir]);
      assert.equal(r.code, ExitCode.environment);
      assert.match(r.stderr, new RegExp(`no Pulumi.yaml in ${dir}`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a mistyped --stack is refused (exit 3) and creates no stack and no settings file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-stack-"));
    try {
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: phoenix-lxc\nruntime: nodejs\n");
      fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config: {}\n");
      const r = await run(["preview", "--stack", "nope", "--cwd", dir]);
      assert.equal(r.code, ExitCode.environment, r.stderr);
      assert.match(r.stderr, /stack 'nope' does not exist in this project \(stacks with settings here: dev\)\n  next step: check --stack/);
      assert.ok(!fs.existsSync(path.join(dir, "Pulumi.nope.yaml")), "no settings file was written");
      const stacks = path.join(dir, ".phoenix", "state", ".pulumi", "stacks");
      assert.deepEqual(fs.existsSync(stacks) ? fs.readdirSync(stacks, { recursive: true }).filter((f) => String(f).includes("nope")) : [], []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
