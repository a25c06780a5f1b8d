// One error path: every error carries its next step in its message (what `pulumi up` shows of a dynamic
// provider's failure), the CLI prints it once, and the exit code follows from the error's code alone.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, PctError, PhoenixError, SshError } from "../../core/errors";
import { ConfigSyntaxError } from "../../core/config/json-text";
import { ConfigUnreadableError } from "../../core/config/load-config";
import { buildFeatureEnv, type CatalogFeature } from "../../core/features/feature-env";
import type { ContainerSpec, PhoenixConfig } from "../../core/config/types";
import { runGuarded } from "../../cli/command-runner";
import { exitCodeOf, type CliIo } from "../../cli/io";
import { UsageError } from "../../cli/options";
import { EnvironmentError } from "../../cli/stack-context";

async function guarded(error: unknown): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const io: CliIo = { stdout: () => undefined, stderr: (t) => void (stderr += t), cwd: "/", env: {}, isTty: false };
  const code = await runGuarded("demo", io, async () => {
    throw error;
  });
  return { code, stderr };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe("the next step is the message's last line", () => {
  it("ends a plain error's message with its hint", () => {
    const e = new PhoenixError("ownership-conflict", "CT 950 on pve1 is now managed by 'other'", { hint: "pulumi state delete <urn>" });
    assert.equal(e.message.split("\n").at(-1), "  next step: pulumi state delete <urn>");
    assert.equal(e.hint, "pulumi state delete <urn>");
  });

  it("does not repeat it in a command error, whose formatted message has it already", () => {
    const e = new PctError("pct-failed", "editing failed", { node: "pve1", vmid: 310, command: "pct set 310" }, {}, { hint: "run the update again" });
    assert.equal(count(e.message, "run the update again"), 1);
    assert.equal(count(new SshError("ssh-unreachable", "cannot connect", { node: "pve1" }, { hint: "check sshd" }).message, "check sshd"), 1);
  });

  it("leaves a message without a hint as it is", () => {
    assert.equal(new PhoenixError("internal", "planPrune needs its items newest first").message, "planPrune needs its items newest first");
  });
});

describe("phoenix prints an error once", () => {
  it("prints the next step of a plain error once, as the message has it", async () => {
    const error = new PhoenixError("config", "stack config nodes.pve1.host is missing", { hint: "pulumi config set --path 'nodes.pve1.host' <address>" });
    const { code, stderr } = await guarded(error);
    assert.equal(stderr, `phoenix demo: ${error.message}\n`);
    assert.equal(count(stderr, "pulumi config set"), 1);
    assert.equal(code, 1);
  });

  it("prints each config problem once and its warnings after it", async () => {
    const error = new ConfigError([
      { path: "lxc_configs.950.memory_mb", message: "expected a number", severity: "error" },
      { path: "lxc_configs.950.cores", message: "more cores than the node has", severity: "warning" },
    ]);
    const { stderr } = await guarded(error);
    assert.equal(count(stderr, "lxc_configs.950.memory_mb"), 1);
    assert.match(stderr, /\n {2}warning: lxc_configs\.950\.cores: more cores than the node has\n$/);
  });

  it("prints an uncoded error (a bug) with the report-it next step, exit 1", async () => {
    const { code, stderr } = await guarded(new TypeError("x is undefined"));
    assert.equal(stderr, "phoenix demo: x is undefined\n  next step: this is a bug in phoenix-lxc: report it with the command you ran and this message\n");
    assert.equal(code, 1);
  });

  it("points a usage error at --help", async () => {
    const { code, stderr } = await guarded(new UsageError("--timeout applies to stop only"));
    assert.equal(stderr, "phoenix demo: --timeout applies to stop only\nRun 'phoenix demo --help' for usage.\n");
    assert.equal(code, 2);
  });
});

describe("exit codes from error codes", () => {
  // The documented codes: 1 the operation failed, 2 usage or unreadable input, 3 environment not ready.
  const cases: [string, unknown, number][] = [
    ["a usage error", new UsageError("bad flag"), 2],
    ["a JSON syntax error in the containers file", new ConfigSyntaxError("c.json", 3, 7, "unexpected token"), 2],
    ["an unreadable containers file", new ConfigUnreadableError("c.json", Object.assign(new Error("nope"), { code: "ENOENT" })), 2],
    ["an invalid configuration", new ConfigError([{ path: "lxc_configs.1.x", message: "bad", severity: "error" }]), 1],
    ["an environment that is not ready", new EnvironmentError("no Pulumi CLI found"), 3],
    ["an SSH failure", new SshError("ssh-auth", "key refused", { node: "pve1" }), 3],
    ["a pct failure", new PctError("pct-locked", "CT is locked", { node: "pve1", vmid: 1 }), 1],
    ["an ownership conflict", new PhoenixError("ownership-conflict", "managed by another stack"), 1],
    ["an uncoded error (a bug)", new Error("boom"), 1],
  ];
  for (const [what, error, expected] of cases) it(`exits ${expected} for ${what}`, () => assert.equal(exitCodeOf(error), expected));

  it("exits 3 for a Pulumi CLI that cannot be started, coded 'environment' with its next step", async () => {
    const spawn = Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });
    const { code, stderr } = await guarded(Object.assign(new Error("code: -2"), { name: "CommandError", commandResult: { stdout: "", stderr: "", err: spawn } }));
    assert.equal(code, 3);
    assert.match(stderr, /^phoenix demo: the Pulumi CLI could not be started \(spawn pulumi ENOENT\)\n  next step: run `bash scripts\/setup\.sh`/);
  });
});

describe("user-facing errors are coded and name the field", () => {
  it("a feature variable the config does not set", () => {
    const entry: CatalogFeature = {
      description: "",
      requires: [],
      scripts: { guard: "", install: "", verify: "" },
      env: [{ name: "PHX_PORTAINER_HOST", required: true, default: null, source: { kind: "config", field: "portainer_host" } }],
    };
    const ctx = { config: {} as PhoenixConfig, spec: { ctid: 951, gpus: [] } as unknown as ContainerSpec, inheritedFeatures: [] };
    assert.throws(
      () => buildFeatureEnv("portainer", entry, ctx),
      (e: unknown) => e instanceof PhoenixError && e.code === "config" && /needs PHX_PORTAINER_HOST/.test(e.message) && /next step: set portainer_host in the config$/.test(e.message),
    );
  });
});
