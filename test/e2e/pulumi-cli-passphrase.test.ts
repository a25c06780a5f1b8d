/**
 * The empty passphrase under the Pulumi CLI: `pulumi up` and `pulumi preview` from the project root refuse a stack
 * whose secrets the empty passphrase encrypts when a node is not a simulated node `phoenix sim start` made, with
 * the text `phoenix` prints, and no connection reaches the node (a TCP server stands in for it and counts). The same
 * stack under a real passphrase is not refused. The simulated stack's own runs are pulumi-cli-fleet.test.ts's.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { makePulumiCliProject, PulumiCliProject } from "./pulumi-cli-project";
import { CountingServer, startCountingServer } from "../helpers/counting-server";

let project: PulumiCliProject;
let server: CountingServer;

const CONTAINERS = {
  lxc_configs: {
    "500": { name: "app", node: "pve1", memory_mb: 256, cores: 1, template: "local:vztmpl/x.tar.gz", storage_pool: "local-lvm", storage_size_gb: 1, network_config: { name: "eth0", bridge: "vmbr0", ip: "dhcp" }, final_snapshot: false },
  },
};

/** Runs `pulumi` with the project's environment and a given passphrase. */
async function pulumiWith(passphrase: string, args: string[]) {
  const saved = project.env.PULUMI_CONFIG_PASSPHRASE;
  project.env.PULUMI_CONFIG_PASSPHRASE = passphrase;
  try {
    return await project.pulumi(args);
  } finally {
    project.env.PULUMI_CONFIG_PASSPHRASE = saved;
  }
}

/** Creates `stack` under `passphrase` with one node at the counting server and an SSH key as a secret. */
async function initStack(stack: string, passphrase: string): Promise<void> {
  for (const args of [
    ["stack", "init", stack],
    ["config", "set", "--stack", stack, "configFile", "prod.json"],
    ["config", "set", "--stack", stack, "--path", "nodes.pve1.host", "127.0.0.1"],
    ["config", "set", "--stack", stack, "--path", "nodes.pve1.port", String(server.port)],
    ["config", "set", "--stack", stack, "--secret", "sshPrivateKey", "--", "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----"],
  ]) {
    const r = await pulumiWith(passphrase, args);
    assert.equal(r.code, 0, `pulumi ${args.join(" ")}: ${r.stderr}`);
  }
}

before(async () => {
  server = await startCountingServer();
  project = makePulumiCliProject();
  fs.writeFileSync(path.join(project.dir, "prod.json"), JSON.stringify(CONTAINERS, null, 2));
  // The file backend phoenix would create on first use; the Pulumi CLI needs the directory to exist.
  fs.mkdirSync(path.join(project.dir, ".phoenix", "state"), { recursive: true });
});
after(async () => {
  server.close();
  await project?.dispose();
});

describe("the empty passphrase, on the Pulumi CLI", () => {
  it("pulumi up and pulumi preview refuse a stack with a real node, printing phoenix's text, before any connection", async () => {
    await initStack("prod", "");
    assert.match(fs.readFileSync(path.join(project.dir, "Pulumi.prod.yaml"), "utf8"), /^encryptionsalt: /m, "the passphrase provider encrypts the stack");
    const before = server.accepted;
    for (const args of [["up", "--yes", "--stack", "prod"], ["preview", "--stack", "prod"]]) {
      const r = await pulumiWith("", args);
      const out = r.stdout + r.stderr;
      assert.notEqual(r.code, 0, `${args[0]}: ${out}`);
      assert.match(out, /stack 'prod' has no passphrase \(the passphrase is empty\) and its nodes are not simulated nodes that 'phoenix sim start' made \(pve1 at 127\.0\.0\.1:\d+\)/);
      assert.match(out, /next step: keep a passphrase in a file and point the engine at it/);
      assert.match(out, /export PULUMI_CONFIG_PASSPHRASE_FILE=~\/\.phoenix-prod\.passphrase/);
    }
    assert.equal(server.accepted, before, "a connection reached the node");
  });

  it("the same stack under a passphrase is not refused: the preview plans the container", async () => {
    await initStack("prod2", "a-real-passphrase");
    const r = await pulumiWith("a-real-passphrase", ["preview", "--stack", "prod2"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /has no passphrase/);
    assert.match(r.stdout, /\+ .*phoenix:Container.*ct-500-container/);
  });
});
