/**
 * The one reader of the stack settings (core/stack-settings.ts): every key, typed and normalised, and every
 * problem reported naming the key and ending with the command that fixes it, whichever reader asks.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PhoenixError } from "../../core/errors";
import { DEFAULT_CONFIG_FILE, readStackSettings, requireNodes, STACK_CONFIG_KEYS, StackConfigLookup } from "../../core/stack-settings";
import { buildContainerSpec, requireStackNode } from "../../core/config/normalize";
import { parseNodeTimeZone } from "../../core/retention/zone-clock";
import type { PhoenixConfig } from "../../core/config/types";

/** A lookup over raw config texts, as the three readers hand them in (objects and lists as JSON text). */
const lookup = (values: Record<string, unknown>): StackConfigLookup => (key) => {
  const v = values[key];
  return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
};
const read = (values: Record<string, unknown>) => readStackSettings(lookup(values));

/** Asserts the reader refuses `values` with `first` as the message's first line and `fix` in its next step. */
function refuses(values: Record<string, unknown>, first: string, fix: RegExp): void {
  assert.throws(() => read(values), (e: unknown) => {
    assert.ok(e instanceof PhoenixError);
    assert.equal(e.code, "environment");
    const lines = e.message.split("\n");
    assert.equal(lines[0], first);
    assert.equal(lines.at(-1), `  next step: ${e.hint}`);
    assert.match(e.hint!, fix);
    return true;
  });
}

describe("the stack settings, read in one place", () => {
  it("reads every key, typed, with the defaults filled in", () => {
    const s = read({
      configFile: "fleet/phoenix_lxc_configs.json",
      nodes: { pve1: { host: "10.0.0.2", port: 2222, user: "admin", hostKeyFingerprint: "SHA256:abc" }, pve2: { host: "10.0.0.3", port: "22", knownHostsFile: "kh" } },
      defaultNode: "pve2",
      targets: [950, "951"],
      allowedPaths: ["../shared"],
      sshPrivateKey: "KEY",
      sshKeyPassphrase: "pass",
      sshPrivateKeyPath: "keys/id",
      perNodeParallelism: "6",
    });
    assert.deepEqual(s, {
      configFile: "fleet/phoenix_lxc_configs.json",
      nodes: { pve1: { host: "10.0.0.2", port: 2222, user: "admin", hostKeyFingerprint: "SHA256:abc" }, pve2: { host: "10.0.0.3", port: 22, user: "root", knownHostsFile: "kh" } },
      defaultNode: "pve2",
      targets: [950, 951],
      allowedPaths: ["../shared"],
      privateKey: "KEY",
      passphrase: "pass",
      privateKeyPath: "keys/id",
      perNodeParallelism: 6,
    });
  });

  it("an empty stack config gives the defaults and no nodes; the program and the CLI then refuse to run", () => {
    const s = read({});
    assert.deepEqual(s, { configFile: DEFAULT_CONFIG_FILE, nodes: undefined, defaultNode: undefined, targets: undefined, allowedPaths: [], privateKey: undefined, privateKeyPath: undefined, passphrase: undefined, perNodeParallelism: undefined });
    assert.throws(() => requireNodes(s, "prod"), (e: unknown) => {
      assert.ok(e instanceof PhoenixError && e.code === "environment");
      assert.equal(e.message, "stack 'prod' has no nodes in its config\n  next step: run 'phoenix sim start', or pulumi config set --path 'nodes.pve1.host' <address>");
      return true;
    });
    assert.throws(() => requireNodes(read({ nodes: {} })), { message: /^the stack has no nodes in its config\n/ });
    assert.deepEqual(requireNodes(read({ nodes: { a: { host: "h" } } })), { a: { host: "h", port: 22, user: "root" } });
  });

  it("asks for each key by its one name", () => {
    const asked: string[] = [];
    readStackSettings((k) => void asked.push(k));
    assert.deepEqual([...asked].sort(), Object.values(STACK_CONFIG_KEYS).sort());
  });

  it("refuses nodes that are not an object of node entries, naming the entry and the command that sets it", () => {
    refuses({ nodes: "pve1" }, 'stack config nodes must be an object of node name → {host, port, user, hostKeyFingerprint}, not the text "pve1"', /pulumi config set --path 'nodes\.<name>\.host' <address>/);
    refuses({ nodes: [1] }, "stack config nodes is not an object of node name → {host, port, user, hostKeyFingerprint}", /pulumi config set --path 'nodes\.<name>\.host' <address>/);
    refuses({ nodes: { pve1: "10.0.0.2" } }, "stack config nodes.pve1 is not an object {host, port, user, hostKeyFingerprint}", /^pulumi config set --path 'nodes\.pve1\.host' <address>$/);
  });

  it("refuses a node entry without host, with a bad port, an empty user, or an unknown field", () => {
    refuses({ nodes: { pve1: { port: 22 } } }, "stack config nodes.pve1.host is missing", /^pulumi config set --path 'nodes\.pve1\.host' <address>$/);
    refuses({ nodes: { pve1: { host: 10 } } }, "stack config nodes.pve1.host must be a non-empty text, not 10", /nodes\.pve1\.host/);
    refuses({ nodes: { pve1: { host: "h", port: "ssh" } } }, 'stack config nodes.pve1.port must be a TCP port (1-65535), not "ssh"', /^pulumi config set --path 'nodes\.pve1\.port' 22$/);
    refuses({ nodes: { pve1: { host: "h", port: 70000 } } }, "stack config nodes.pve1.port must be a TCP port (1-65535), not 70000", /nodes\.pve1\.port/);
    refuses({ nodes: { pve1: { host: "h", user: "" } } }, 'stack config nodes.pve1.user must be a non-empty text, not ""', /nodes\.pve1\.user/);
    refuses({ nodes: { pve1: { host: "h", hostKeyFingerprnt: "SHA256:x" } } }, "stack config nodes.pve1.hostKeyFingerprnt is not a node setting (known: host, port, user, hostKeyFingerprint, knownHostsFile)", /^pulumi config rm --path 'nodes\.pve1\.hostKeyFingerprnt'$/);
  });

  it("refuses a defaultNode the nodes do not have", () => {
    refuses({ nodes: { pve1: { host: "h" } }, defaultNode: "pve9" }, "stack config defaultNode 'pve9' is not one of the stack's nodes (pve1)", /pulumi config set defaultNode <node>, or add it: pulumi config set --path 'nodes\.pve9\.host' <address>/);
  });

  it("refuses targets that are not a list of CTIDs", () => {
    refuses({ targets: "950" }, "stack config targets must be a list of CTIDs, not 950", /pulumi config set --path 'targets\[0\]' 950/);
    refuses({ targets: "[950" }, 'stack config targets must be a list of CTIDs, not the text "[950"', /pulumi config rm targets/);
    refuses({ targets: [950, "web"] }, 'stack config targets[1] must be a CTID (a whole number ≥ 100), not "web"', /targets\[0\]/);
  });

  it("refuses allowedPaths that are not a list of directories", () => {
    for (const bad of ["../shared", [""], [1]]) {
      refuses({ allowedPaths: bad }, "stack config allowedPaths must be a list of directories", /^pulumi config set --path 'allowedPaths\[0\]' <dir>$/);
    }
  });

  it("refuses a perNodeParallelism that is not a whole number ≥ 1", () => {
    for (const bad of ["0", "four", "2.5", "-1"]) {
      refuses({ perNodeParallelism: bad }, `stack config perNodeParallelism must be a whole number ≥ 1, not ${JSON.stringify(bad)}`, /^pulumi config set perNodeParallelism 4$/);
    }
  });
});

describe("a container's node, in one place", () => {
  const options = { nodes: ["pve1", "pve2"], defaultNode: "pve2" };
  it("is its own node, else the default node, else the only node", () => {
    assert.equal(requireStackNode(950, "pve1", options), "pve1");
    assert.equal(requireStackNode(950, undefined, options), "pve2");
    assert.equal(requireStackNode(950, undefined, { nodes: ["pve1"] }), "pve1");
  });

  it("one the stack does not have, or none at all, is a config error with the fix", () => {
    assert.throws(() => requireStackNode(950, "pve3", options), (e: unknown) => {
      assert.ok(e instanceof PhoenixError && e.code === "config");
      assert.equal(e.message, "container 950: node 'pve3' is not among the stack's nodes (pve1, pve2)\n  next step: add it: pulumi config set --path 'nodes.pve3.host' <address>");
      return true;
    });
    assert.throws(() => requireStackNode(951, undefined, { nodes: ["pve1", "pve2"] }), { message: /^container 951: node '\(none\)' is not among the stack's nodes \(pve1, pve2\)\n {2}next step: set "node" on container 951, or a default node: pulumi config set defaultNode <node>$/ });
  });

  it("a container the file does not define is a coded error naming the ones it does", () => {
    const config = { lxc_configs: { "950": {}, "951": {} } } as unknown as PhoenixConfig;
    assert.throws(() => buildContainerSpec(config, 952), (e: unknown) => {
      assert.ok(e instanceof PhoenixError && e.code === "config");
      assert.equal(e.message, 'container 952 is not defined in lxc_configs (defined: 950, 951)\n  next step: name a container the file defines, or add "952" to lxc_configs');
      return true;
    });
  });
});

describe("a node's time zone, in one place", () => {
  it("takes the zone name, or the zone of a /usr/share/zoneinfo link, and UTC for what Node does not know", () => {
    assert.equal(parseNodeTimeZone("Europe/Berlin\n"), "Europe/Berlin");
    assert.equal(parseNodeTimeZone("/usr/share/zoneinfo/America/New_York\n"), "America/New_York");
    assert.equal(parseNodeTimeZone("Mars/Olympus\n"), "UTC");
    assert.equal(parseNodeTimeZone(""), "UTC");
  });
});
