/**
 * Secrets stay home, on the real engine and the real `phoenix` CLI, with a TCP server standing in for the node
 * that counts every connection: a containers file naming files outside the project (`..`, absolute, a symlink
 * out) or unfit ones (oversized, binary) fails the up before any connection, and no byte of the outside file
 * reaches the state or the engine output; a stack whose nodes are not simulated ones is refused without a
 * passphrase before the engine starts, while the stack `phoenix sim start` wrote runs; stack config allowedPaths
 * admits a directory outside the project.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { phoenixProgram } from "../../components/stack-program";
import { MAX_CONFIG_FILE_BYTES } from "../../core/config/file-policy";
import { openStack, pulumiBinDir, REPO_ROOT } from "../helpers/pulumi-engine";
import { CliProject, CliRun, makeCliProject } from "./cli-project";
import { CountingServer, startCountingServer } from "../helpers/counting-server";

const SECRET = "SECRET-7f3a9c-runner-credential";
let server: CountingServer;
let top: string;

before(async () => {
  server = await startCountingServer();
  top = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-secrets-"));
});
after(() => {
  server.close();
  fs.rmSync(top, { recursive: true, force: true });
});

const container = (over: Record<string, unknown>) => ({
  name: "app", node: "pve1", memory_mb: 256, cores: 1, template: "local:vztmpl/x.tar.gz", storage_pool: "local-lvm", storage_size_gb: 1,
  network_config: { name: "eth0", bridge: "vmbr0", ip: "dhcp" }, final_snapshot: false, ...over,
});

describe("files outside the project, on the real engine", () => {
  it("fails the up on traversal, absolute, symlink-out, oversized and binary paths, before any connection, keeping the outside file out of state", async () => {
    const project = path.join(top, "project");
    fs.mkdirSync(path.join(project, "scripts"), { recursive: true });
    fs.writeFileSync(path.join(top, "runner-secret"), `${SECRET}\n`);
    fs.symlinkSync(path.join(top, "runner-secret"), path.join(project, "scripts", "linked.sh"));
    fs.writeFileSync(path.join(project, "scripts", "big.sh"), `#!/bin/sh\n${"#".repeat(MAX_CONFIG_FILE_BYTES)}\n`);
    fs.writeFileSync(path.join(project, "scripts", "tool.sh"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00]));
    fs.writeFileSync(path.join(project, "scripts", "ok.sh"), "#!/bin/sh\ntrue\n");
    const file = path.join(project, "phoenix_lxc_configs.json");
    const hostile = {
      custom_features: { f: { guard: path.join(top, "runner-secret"), install: "scripts/ok.sh", verify: "scripts/ok.sh" } },
      lxc_configs: {
        "500": container({
          features: ["f"],
          application_script: "../runner-secret",
          health_checks: [{ name: "linked", script: "scripts/linked.sh" }, { name: "big", script: "scripts/big.sh" }],
          tests: { smoke: [{ name: "tool", type: "script", path: "scripts/tool.sh" }] },
        }),
      },
    };
    const expected = ["custom_features.f.guard", "lxc_configs.500.application_script", "lxc_configs.500.health_checks.0.script", "lxc_configs.500.health_checks.1.script", "lxc_configs.500.tests.smoke.0.path"];
    const transcript: string[] = [];
    const up = async (config: unknown, stackName: string) => {
      fs.writeFileSync(file, JSON.stringify(config));
      const s = await openStack({
        // Reported through the engine, not thrown (an inline program's throw is also an unhandled rejection here).
        program: async () => {
          try {
            return phoenixProgram(undefined, project);
          } catch (e) {
            pulumi.log.error((e as Error).message);
            return {};
          }
        },
        stackName,
        config: { nodes: { value: JSON.stringify({ pve1: { host: "127.0.0.1", port: server.port } }) }, configFile: { value: file } },
      });
      const error = await s.stack.up({ onOutput: (o) => transcript.push(o), onEvent: (e) => transcript.push(JSON.stringify(e)) }).then(() => undefined, (e: Error) => e);
      return { error, state: s.readAllState() };
    };

    const bad = await up(hostile, "hostile-paths");
    assert.ok(bad.error, "the up succeeded");
    for (const jsonPath of expected) assert.match(bad.error.message, new RegExp(`${jsonPath.replace(/\./g, "\\.")}: `), `${jsonPath} is not named`);
    assert.match(bad.error.message, /"\.\.\/runner-secret" resolves to .*, outside the project/);
    assert.equal(server.accepted, 0, "a connection was opened to the node although the config named files outside the project");
    assert.ok(!bad.state.includes(SECRET), "the outside file's text reached the state");
    assert.ok(!transcript.join("\n").includes(SECRET), "the outside file's text reached the engine output");

    // Positive control: the same file with in-project scripts passes validation, and the provider does connect.
    const good = await up({ lxc_configs: { "500": container({ application_script: "scripts/ok.sh", health_checks: [{ name: "ok", script: "scripts/ok.sh" }] }) } }, "good-paths");
    assert.ok(good.error, "the up reached a node that accepts no SSH");
    assert.ok(server.accepted > 0, "the counting server saw no connection: it would not have noticed one");
  });
});

describe("the empty passphrase, on the phoenix CLI", () => {
  let project: CliProject;
  const config = JSON.stringify({ lxc_configs: { "500": container({}) } });
  const stateOf = (stack: string) => path.join(project.dir, ".phoenix", "state", ".pulumi", "stacks", "phoenix-lxc", `${stack}.json`);
  const writeStack = (stack: string, nodes: string) => fs.writeFileSync(path.join(project.dir, `Pulumi.${stack}.yaml`), `config:\n  phoenix-lxc:nodes:\n${nodes}`);
  /** `phoenix` with an extra environment (the project's runner clears the passphrase variables). */
  const phoenixWith = (env: Record<string, string>, ...args: string[]) =>
    new Promise<CliRun>((resolve) => {
      const full: NodeJS.ProcessEnv = { ...process.env, CI: "true", PULUMI_HOME: path.join(project.dir, ".pulumi-home"), ...env };
      delete full.PULUMI_BACKEND_URL;
      delete full.PULUMI_CONFIG_PASSPHRASE_FILE;
      execFile("node", [path.join(REPO_ROOT, "bin", "phoenix"), ...args, "--cwd", project.dir], { env: full }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }));
    });

  before(() => {
    project = makeCliProject(config);
  });
  after(async () => {
    await project?.dispose();
  });

  it("refuses a stack with a real node before the engine starts, printing the command that sets a passphrase (exit 3)", async () => {
    writeStack("prod", `    pve1:\n      host: 127.0.0.1\n      port: ${server.port}\n`);
    const before = server.accepted;
    for (const command of [["up"], ["status"], ["preview"]]) {
      const r = await project.phoenix(...command, "--stack", "prod");
      assert.equal(r.code, 3, `${command[0]}: ${r.stderr}`);
      assert.match(r.stderr, /stack 'prod' has no passphrase \(PULUMI_CONFIG_PASSPHRASE and PULUMI_CONFIG_PASSPHRASE_FILE are not set\) and its nodes are not simulated nodes that 'phoenix sim start' made \(pve1 at 127\.0\.0\.1:\d+\)/);
      assert.match(r.stderr, /^  export PULUMI_CONFIG_PASSPHRASE_FILE=~\/\.phoenix-prod\.passphrase$/m);
    }
    const explicit = await phoenixWith({ PULUMI_CONFIG_PASSPHRASE: "" }, "up", "--stack", "prod");
    assert.equal(explicit.code, 3, explicit.stderr);
    assert.match(explicit.stderr, /\(the passphrase is empty\)/);
    assert.equal(server.accepted, before, "a connection reached the node");
    assert.ok(!fs.existsSync(stateOf("prod")), "the engine created the stack");
  });

  it("runs the stack sim start wrote, and refuses a copy of it pointed at another address with the same pinned key", async () => {
    const sim = await project.phoenix("sim", "start", "--nodes", "pve1");
    assert.equal(sim.code, 0, sim.stderr);
    const status = await project.phoenix("status", "--json");
    assert.equal(status.code, 0, status.stderr);
    const fingerprint = /^pve1 .* (SHA256:\S+)$/m.exec(sim.stdout)?.[1];
    assert.ok(fingerprint, sim.stdout);
    writeStack("copy", `    pve1:\n      host: 127.0.0.1\n      port: ${server.port}\n      hostKeyFingerprint: ${fingerprint}\n`);
    const before = server.accepted;
    const r = await project.phoenix("status", "--stack", "copy");
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /stack 'copy' has no passphrase/);
    assert.equal(server.accepted, before);
  });

  it("reads a script outside the project only once the stack config lists its directory in allowedPaths", async () => {
    const outside = fs.mkdtempSync(path.join(top, "shared-"));
    fs.writeFileSync(path.join(outside, "app.sh"), "#!/bin/sh\ntrue\n");
    const relative = path.relative(project.dir, path.join(outside, "app.sh"));
    fs.writeFileSync(path.join(project.dir, "phoenix_lxc_configs.json"), JSON.stringify({ lxc_configs: { "500": container({ application_script: relative }) } }));
    const refused = await project.phoenix("preview");
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /lxc_configs\.500\.application_script: ".*app\.sh" resolves to .*, outside the project/);
    const env = { ...process.env, PULUMI_BACKEND_URL: `file://${path.join(project.dir, ".phoenix", "state")}`, PULUMI_CONFIG_PASSPHRASE: "", PULUMI_HOME: path.join(project.dir, ".pulumi-home") };
    await new Promise<void>((resolve, reject) =>
      execFile(path.join(pulumiBinDir(), "pulumi"), ["config", "set", "--path", "allowedPaths[0]", path.relative(project.dir, outside), "--cwd", project.dir, "--stack", "dev"], { env }, (e, _o, stderr) => (e ? reject(new Error(stderr)) : resolve())));
    const allowed = await project.phoenix("preview");
    assert.equal(allowed.code, 0, allowed.stderr);
  });
});
