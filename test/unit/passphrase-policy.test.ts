/**
 * When `phoenix` may use the empty passphrase: only for `sim start` and for stacks whose every node is a
 * simulated node sim start made (same address and the host key it generated); everything else is refused with
 * the commands that set a passphrase.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PassphraseFacts, planPassphrase } from "../../core/passphrase-policy";
import { readPassphraseState, readStackSecretsSettings } from "../../host/passphrase-facts";

const SIM = [
  { name: "pve1", host: "127.0.0.2", port: 40001, hostKeyFingerprint: "SHA256:simkey1" },
  { name: "pve2", host: "127.0.0.3", port: 40002, hostKeyFingerprint: "SHA256:simkey2" },
];
const facts = (over: Partial<PassphraseFacts>): PassphraseFacts => ({
  stackName: "prod",
  projectDir: "/srv/infra",
  passphrase: "unset",
  hasEncryptionSalt: false,
  backendUrl: "file:///srv/infra/.phoenix/state",
  nodes: { pve1: { host: "127.0.0.2", port: 40001, hostKeyFingerprint: "SHA256:simkey1" } },
  simNodes: SIM,
  simStart: false,
  ...over,
});

/** Runs `fn` in a new temporary directory and removes it afterwards. */
function inTempDir(fn: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-pp-"));
  try {
    fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("the empty passphrase", () => {
  it("is used for a stack whose every node is a simulated node of this project", () => {
    assert.deepEqual(planPassphrase(facts({ nodes: { a: SIM[0]!, b: SIM[1]! } })), { kind: "empty-for-sim" });
  });
  it("is used by sim start, which writes a simulated stack", () => {
    assert.deepEqual(planPassphrase(facts({ nodes: {}, simStart: true })), { kind: "empty-for-sim" });
  });
  it("is refused for a real node, naming it, with the command that sets a passphrase file", () => {
    const d = planPassphrase(facts({ nodes: { pve1: SIM[0]!, pve9: { host: "10.0.0.9", port: 22, hostKeyFingerprint: "SHA256:real" } } }));
    assert.equal(d.kind, "refuse");
    assert.match(d.kind === "refuse" ? d.message : "", /stack 'prod' has no passphrase .* not simulated nodes that 'phoenix sim start' made \(pve9 at 10\.0\.0\.9:22\)/);
    assert.match(d.kind === "refuse" ? d.message : "", /^  export PULUMI_CONFIG_PASSPHRASE_FILE=~\/\.phoenix-prod\.passphrase$/m);
  });
  it("is refused for a node at a simulated address whose pinned key is not the one sim start generated", () => {
    const copied = { pve1: { ...SIM[0]!, hostKeyFingerprint: "SHA256:other" } };
    assert.equal(planPassphrase(facts({ nodes: copied })).kind, "refuse");
    assert.equal(planPassphrase(facts({ nodes: { pve1: { host: SIM[0]!.host, port: SIM[0]!.port } } })).kind, "refuse");
  });
  it("is refused for a stack without nodes, and for one when this project has no simulated nodes", () => {
    assert.equal(planPassphrase(facts({ nodes: {} })).kind, "refuse");
    assert.equal(planPassphrase(facts({ simNodes: [] })).kind, "refuse");
  });
  it("is refused when set explicitly to the empty string for a real stack, and says so", () => {
    const d = planPassphrase(facts({ passphrase: "empty", simNodes: [] }));
    assert.match(d.kind === "refuse" ? d.message : "", /the passphrase is empty/);
  });
  it("names change-secrets-provider with the backend when the stack already exists under a passphrase", () => {
    const d = planPassphrase(facts({ simNodes: [], hasEncryptionSalt: true }));
    assert.match(d.kind === "refuse" ? d.message : "", /^  PULUMI_BACKEND_URL=file:\/\/\/srv\/infra\/\.phoenix\/state PULUMI_CONFIG_PASSPHRASE= pulumi stack change-secrets-provider --cwd \/srv\/infra --stack prod passphrase$/m);
  });
});

describe("a stack that does not need the empty passphrase", () => {
  it("keeps a non-empty passphrase as the user set it", () => {
    assert.deepEqual(planPassphrase(facts({ passphrase: "set", simNodes: [] })), { kind: "keep" });
  });
  it("keeps a key-service secrets provider", () => {
    assert.deepEqual(planPassphrase(facts({ secretsProvider: "awskms://alias/phoenix", simNodes: [] })), { kind: "keep" });
  });
  it("keeps a running stack whose file holds neither salt nor provider (its backend keeps the key), but not one with a salt", () => {
    assert.deepEqual(planPassphrase(facts({ passphrase: "empty", backendUrl: "", stackRunning: true, simNodes: [] })), { kind: "keep" });
    assert.equal(planPassphrase(facts({ passphrase: "empty", backendUrl: "", stackRunning: true, hasEncryptionSalt: true, simNodes: [] })).kind, "refuse");
  });
  it("keeps Pulumi Cloud's own key, but not a passphrase stack on Pulumi Cloud", () => {
    assert.deepEqual(planPassphrase(facts({ backendUrl: "https://api.pulumi.com", simNodes: [] })), { kind: "keep" });
    assert.equal(planPassphrase(facts({ backendUrl: "https://api.pulumi.com", hasEncryptionSalt: true, simNodes: [] })).kind, "refuse");
  });
});

describe("the passphrase the engine would see", () => {
  it("reads PULUMI_CONFIG_PASSPHRASE first, then the file; an empty or blank file is the empty passphrase", () => {
    inTempDir((dir) => {
      fs.writeFileSync(path.join(dir, "blank"), "\n");
      fs.writeFileSync(path.join(dir, "real"), "s3cret\n");
      assert.equal(readPassphraseState({}), "unset");
      assert.equal(readPassphraseState({ PULUMI_CONFIG_PASSPHRASE: "" }), "empty");
      assert.equal(readPassphraseState({ PULUMI_CONFIG_PASSPHRASE: "x", PULUMI_CONFIG_PASSPHRASE_FILE: path.join(dir, "blank") }), "set");
      assert.equal(readPassphraseState({ PULUMI_CONFIG_PASSPHRASE_FILE: path.join(dir, "blank") }), "empty");
      assert.equal(readPassphraseState({ PULUMI_CONFIG_PASSPHRASE_FILE: path.join(dir, "real") }), "set");
    });
  });
});

describe("how the stack file protects its secrets", () => {
  it("reads the top-level secretsprovider (quoted or not) and whether an encryptionsalt is there; a missing file has neither", () => {
    inTempDir((dir) => {
      fs.writeFileSync(path.join(dir, "Pulumi.a.yaml"), "encryptionsalt: v1:abc:def\nconfig:\n  phoenix-lxc:configFile: x.json\n");
      fs.writeFileSync(path.join(dir, "Pulumi.b.yaml"), "secretsprovider: 'awskms://alias/k'\nencryptedkey: AQID\nconfig: {}\n");
      fs.writeFileSync(path.join(dir, "Pulumi.c.yaml"), "config:\n  phoenix-lxc:note: \"encryptionsalt: in a value\"\n");
      assert.deepEqual(readStackSecretsSettings(dir, "a"), { secretsProvider: undefined, hasEncryptionSalt: true });
      assert.deepEqual(readStackSecretsSettings(dir, "b"), { secretsProvider: "awskms://alias/k", hasEncryptionSalt: false });
      assert.deepEqual(readStackSecretsSettings(dir, "c"), { secretsProvider: undefined, hasEncryptionSalt: false });
      assert.deepEqual(readStackSecretsSettings(dir, "missing"), { hasEncryptionSalt: false });
    });
  });
});
