/**
 * Host key verification against real sshd host keys: pinned fingerprints, known_hosts files (plain and hashed),
 * a changed key, an unknown key. Nothing is accepted silently.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { HostKeyMismatchError, SshError } from "../../core/errors";
import { checkHostMatches, parseFingerprint } from "../../host/ssh-host-key";
import { buildFingerprint } from "../../core/ssh-fingerprint";
import { SshPool } from "../../host/ssh-pool";
import type { NodeTarget } from "../../host/transport";
import { startTestNodes, toNodeTarget, type TestNodes } from "../helpers/sshd";

const execFileP = promisify(execFile);

describe("host key verification", () => {
  let t: TestNodes;
  let pool: SshPool;
  let scratch: string;
  before(async () => {
    t = await startTestNodes(2);
    scratch = await mkdtemp(join(tmpdir(), "phoenix-hostkey-"));
  });
  after(async () => {
    await pool?.close();
    await t?.stop();
    await rm(scratch, { recursive: true, force: true });
  });
  const fresh = () => {
    void pool?.close();
    pool = new SshPool({ credentials: t.credentials, connectRetries: 0 });
    return pool;
  };
  const bare = (i: number): NodeTarget => {
    const { hostKeyFingerprint: _, ...rest } = t.nodes[i]!;
    return rest;
  };

  it("accepts the pinned fingerprint the node presents", async () => {
    const r = await fresh().exec(t.nodes[0]!, ["true"]);
    assert.equal(r.exitCode, 0);
  });

  it("pins the same fingerprint ssh-keygen -lf prints for the host key", async () => {
    const { stdout } = await execFileP("ssh-keygen", ["-lf", t.cluster.nodes[0]!.knownHostsFile]);
    assert.equal(stdout.split(" ")[1], t.nodes[0]!.hostKeyFingerprint);
  });

  it("refuses a node with no pin and no known_hosts, naming the presented fingerprint and how to check it", async () => {
    const node = bare(0);
    const err = await fresh().exec(node, ["true"]).catch((e: unknown) => e);
    assert.ok(err instanceof SshError && !(err instanceof HostKeyMismatchError), String(err));
    assert.equal(err.code, "ssh-host-key");
    assert.match(err.message, new RegExp(`unknown host key ${t.nodes[0]!.hostKeyFingerprint!.replace(/[+/]/g, "\\$&")}`));
    assert.match(err.message, new RegExp(`ssh-keyscan -p ${node.port} ${node.host} \\| ssh-keygen -lf -`));
    assert.match(err.message, /pin it: pulumi config set --path 'nodes.pve1.hostKeyFingerprint' 'SHA256:\S+'/);
  });

  it("accepts a node listed in a plain known_hosts file", async () => {
    const r = await fresh().exec({ ...bare(0), knownHostsFile: t.cluster.nodes[0]!.knownHostsFile }, ["true"]);
    assert.equal(r.exitCode, 0);
  });

  it("accepts a node listed in a hashed known_hosts file", async () => {
    const hashed = join(scratch, "known_hosts_hashed");
    await copyFile(t.cluster.nodes[0]!.knownHostsFile, hashed);
    await execFileP("ssh-keygen", ["-H", "-f", hashed]);
    assert.match(await readFile(hashed, "utf8"), /^\|1\|/);
    const r = await fresh().exec({ ...bare(0), knownHostsFile: hashed }, ["true"]);
    assert.equal(r.exitCode, 0);
  });

  it("refuses a node whose known_hosts entry holds another key of the same type, showing both fingerprints", async () => {
    const file = join(scratch, "known_hosts_other");
    const other = (await readFile(t.cluster.nodes[1]!.knownHostsFile, "utf8")).split(" ").slice(1).join(" ");
    const n0 = t.cluster.nodes[0]!;
    await writeFile(file, `[${n0.host}]:${n0.port} ${other}`);
    const err = await fresh().exec({ ...bare(0), knownHostsFile: file }, ["true"]).catch((e: unknown) => e);
    assert.ok(err instanceof HostKeyMismatchError, String(err));
    assert.deepEqual([err.expected, err.presented], [t.nodes[1]!.hostKeyFingerprint, n0.hostKeyFingerprint]);
  });

  it("refuses a node whose host key changed, with HostKeyMismatchError showing expected and presented", async () => {
    const old = toNodeTarget(t.cluster.nodes[1]!);
    const renewed = await t.cluster.restartNode("pve2", { newHostKey: true });
    assert.notEqual(renewed.hostKeyFingerprint, old.hostKeyFingerprint);
    const err = await fresh().exec(old, ["true"]).catch((e: unknown) => e);
    assert.ok(err instanceof HostKeyMismatchError, String(err));
    assert.equal(err.expected, old.hostKeyFingerprint);
    assert.equal(err.presented, renewed.hostKeyFingerprint);
    assert.ok(err.message.includes(old.hostKeyFingerprint!) && err.message.includes(renewed.hostKeyFingerprint));
  });
});

describe("host key helpers", () => {
  it("computes the fingerprint as unpadded base64 of SHA-256", () => {
    assert.equal(buildFingerprint(Buffer.from("")), "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU");
  });

  it("accepts a pinned fingerprint with or without base64 padding", () => {
    const fp = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";
    assert.deepEqual([parseFingerprint(fp), parseFingerprint(`${fp}=`)], [fp, fp]);
  });

  it("refuses an MD5 fingerprint as a pin", () => {
    assert.equal(parseFingerprint("MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48"), undefined);
  });

  it("matches [host]:port names for non-default ports and bare names for port 22", () => {
    assert.deepEqual(
      [checkHostMatches("[10.0.0.5]:2222", "10.0.0.5", 2222), checkHostMatches("10.0.0.5", "10.0.0.5", 2222), checkHostMatches("10.0.0.5", "10.0.0.5", 22)],
      [true, false, true],
    );
  });

  it("honours wildcards and lets a negated pattern exclude a line", () => {
    assert.deepEqual(
      [checkHostMatches("10.0.0.*", "10.0.0.7", 22), checkHostMatches("10.0.0.*,!10.0.0.7", "10.0.0.7", 22)],
      [true, false],
    );
  });
});
