/**
 * A container's firewall through the real Pulumi engine on a simulated node: the preview lists what the up
 * will add, remove and move; the up applies it through pvesh (and a second up makes no call); the datacenter
 * firewall being off is a warning carrying the command that enables it; a rule deleted by hand is found by
 * refresh and restored while a hand-made rule is kept; reordering and changing rules moves and replaces only
 * ours; dropping `firewall` from the config removes our rules and options and keeps the hand-made rule.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { phoenixProgram } from "../../components/stack-program";
import { SshPool } from "../../host/ssh-pool";
import { installTemplate } from "../../testbed/templates";
import { startTestNodes, TestNodes } from "../helpers/sshd";
import { onNode, readCommandLog } from "../helpers/sim-node";
import { openStack, TestStack } from "../helpers/pulumi-engine";

const NODE = "pve1";
const RULES = `/nodes/${NODE}/lxc/510/firewall/rules`;
let t: TestNodes;
let pool: SshPool;
let stack: TestStack;
let dir: string;

type Rule = Record<string, unknown>;
const R1: Rule = { type: "in", action: "ACCEPT", source: "10.99.0.153", proto: "tcp", port: "443", comment: "proxy" };
const R2: Rule = { type: "in", action: "ACCEPT", proto: "tcp", port: "80,8000:8010" };
const R3: Rule = { type: "in", action: "ACCEPT", proto: "icmp", icmp_type: "echo-request" };

function writeConfig(firewall: object | undefined): void {
  const ct: Record<string, unknown> = {
    name: "fw510", memory_mb: 256, cores: 1, template: "local:vztmpl/busybox-tiny_1.36_amd64.tar.gz", ostype: "unmanaged",
    storage_pool: "local-lvm", storage_size_gb: 1, network_config: { name: "eth0", bridge: "vmbr0", ip: "dhcp" },
  };
  if (firewall) ct.firewall = firewall;
  fs.writeFileSync(path.join(dir, "phoenix_lxc_configs.json"), JSON.stringify({ lxc_configs: { "510": ct } }, null, 2));
}

/** pvesh calls that change a firewall, logged after `since`. */
function firewallWrites(since: number): string[][] {
  return readCommandLog(t.cluster.root, NODE).slice(since).filter((c) => c.argv[0] === "pvesh" && c.argv[1] !== "get").map((c) => c.argv);
}
const mark = () => readCommandLog(t.cluster.root, NODE).length;

async function rulesOnNode(): Promise<string[]> {
  const list = JSON.parse(await onNode(pool, t.nodes[0]!, ["pvesh", "get", RULES, "--output-format", "json"])) as Rule[];
  return list.map((r) => `${r.action} ${r.dport ?? r["icmp-type"] ?? ""} ${r.source ?? ""} ${r.comment ?? ""}`.replace(/\s+/g, " ").trim());
}

async function run(op: "preview" | "up" | "refresh"): Promise<string[]> {
  const lines: string[] = [];
  const onEvent = (e: EngineEvent) => { if (e.diagnosticEvent) lines.push(e.diagnosticEvent.message.trim()); };
  await stack.stack[op]({ onEvent });
  return lines.filter((l) => l.includes("CT 510 on pve1: ") && /firewall|WARNING/.test(l)).map((l) => l.replace(/^.*CT 510 on pve1: /, ""));
}

before(async () => {
  t = await startTestNodes(1);
  pool = new SshPool({ credentials: t.credentials });
  installTemplate(t.cluster.root, NODE, "busybox");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-fw-"));
  const n = t.nodes[0]!;
  const nodes = { [NODE]: { host: n.host, port: n.port, user: n.user, hostKeyFingerprint: n.hostKeyFingerprint } };
  stack = await openStack({
    program: async () => phoenixProgram({ configFile: "phoenix_lxc_configs.json", nodes }, dir),
    config: { sshPrivateKey: { value: t.credentials.privateKey!, secret: true } },
  });
});
after(async () => {
  await stack?.stack.destroy().catch(() => undefined);
  await pool?.close();
  await t?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("a container's firewall as managed state", () => {
  it("creates the rules in config order, marked, with enable=1, and warns that the datacenter firewall is off", async () => {
    writeConfig({ enabled: true, policy_in: "DROP", rules: [R1, R2] });
    assert.deepEqual((await run("preview")).filter((l) => l.startsWith("firewall")), [
      "firewall option enable: (unset) -> 1",
      "firewall option policy_in: (unset) -> DROP",
      "firewall rule add:    IN ACCEPT -source 10.99.0.153 -p tcp -dport 443 # phoenix-lxc:managed proxy",
      "firewall rule add:    IN ACCEPT -p tcp -dport 80,8000:8010 # phoenix-lxc:managed",
    ]);
    const since = mark();
    const lines = await run("up");
    assert.deepEqual(await rulesOnNode(), ["ACCEPT 443 10.99.0.153 phoenix-lxc:managed proxy", "ACCEPT 80,8000:8010 phoenix-lxc:managed"]);
    // Two creates, no move: created last-first, each lands on top.
    assert.deepEqual(firewallWrites(since).map((a) => a[1]), ["set", "create", "create"]);
    assert.ok(lines.includes("WARNING: the datacenter firewall is off: the firewall rules of CT 510 are stored but not enforced; enable it with: pvesh set /cluster/firewall/options --enable 1"), lines.join("\n"));
    const options = JSON.parse(await onNode(pool, t.nodes[0]!, ["pvesh", "get", `/nodes/${NODE}/lxc/510/firewall/options`, "--output-format", "json"]));
    assert.equal(options.enable, 1);
    assert.equal(options.policy_in, "DROP");
  });

  it("makes no call on a second up", async () => {
    const since = mark();
    await stack.stack.up();
    assert.deepEqual(readCommandLog(t.cluster.root, NODE).slice(since), []);
  });

  it("finds rules and options changed by hand on refresh, keeps a hand-made rule, and the warning goes once the datacenter firewall is on", async () => {
    await onNode(pool, t.nodes[0]!, "pvesh set /cluster/firewall/options --enable 1".split(" "));
    await onNode(pool, t.nodes[0]!, ["pvesh", "delete", `${RULES}/1`]);
    await onNode(pool, t.nodes[0]!, ["pvesh", "create", RULES, "--type", "in", "--action", "DROP", "--source", "10.0.0.0/8", "--enable", "1"]);
    await onNode(pool, t.nodes[0]!, ["pvesh", "set", `${RULES}/1`, "--dport", "444"]);
    await onNode(pool, t.nodes[0]!, ["pvesh", "set", `/nodes/${NODE}/lxc/510/firewall/options`, "--enable", "0"]);
    await run("refresh");
    const preview = await run("preview");
    assert.deepEqual(preview.filter((l) => l.startsWith("firewall ")), [
      "firewall option enable: 0 -> 1",
      "firewall rule add:    IN ACCEPT -source 10.99.0.153 -p tcp -dport 443 # phoenix-lxc:managed proxy",
      "firewall rule add:    IN ACCEPT -p tcp -dport 80,8000:8010 # phoenix-lxc:managed",
      "firewall rule remove: IN ACCEPT -source 10.99.0.153 -p tcp -dport 444 # phoenix-lxc:managed proxy",
    ]);
    assert.ok(preview.includes("firewall: 1 rule(s) not made by this stack are kept: IN DROP -source 10.0.0.0/8"), preview.join("\n"));
    assert.equal(preview.filter((l) => l.startsWith("WARNING")).length, 0);
    const since = mark();
    await run("up");
    // The edited rule goes; the replacements land where it was (each created on top, then moved), below the hand-made rule.
    assert.deepEqual(firewallWrites(since).map((a) => a[1]), ["set", "delete", "create", "set", "create", "set"]);
    assert.deepEqual(await rulesOnNode(), ["DROP 10.0.0.0/8", "ACCEPT 443 10.99.0.153 phoenix-lxc:managed proxy", "ACCEPT 80,8000:8010 phoenix-lxc:managed"]);
  });

  it("reorders and changes only this stack's rules, as the preview said", async () => {
    writeConfig({ enabled: true, policy_in: "DROP", rules: [R2, { ...R1, port: "8443" }, R3] });
    const preview = (await run("preview")).filter((l) => l.startsWith("firewall rule"));
    const since = mark();
    await run("up");
    const kinds = firewallWrites(since).map((a) => a[1]);
    assert.equal(kinds.filter((k) => k === "delete").length, preview.filter((l) => l.includes("remove:")).length);
    assert.equal(kinds.filter((k) => k === "create").length, preview.filter((l) => l.includes("add:")).length);
    assert.deepEqual(preview.filter((l) => l.includes("remove:")), ["firewall rule remove: IN ACCEPT -source 10.99.0.153 -p tcp -dport 443 # phoenix-lxc:managed proxy"]);
    assert.deepEqual(await rulesOnNode(), ["DROP 10.0.0.0/8", "ACCEPT 80,8000:8010 phoenix-lxc:managed", "ACCEPT 8443 10.99.0.153 phoenix-lxc:managed proxy", "ACCEPT echo-request phoenix-lxc:managed"]);
    const again = mark();
    await stack.stack.up();
    assert.deepEqual(firewallWrites(again), []);
  });

  it("moves a rule with one call when only the order changes", async () => {
    writeConfig({ enabled: true, policy_in: "DROP", rules: [R3, R2, { ...R1, port: "8443" }] });
    const preview = (await run("preview")).filter((l) => l.startsWith("firewall rule"));
    assert.deepEqual(preview, ["firewall rule move:   IN ACCEPT -p icmp -icmp-type echo-request # phoenix-lxc:managed (to position 1)"]);
    const since = mark();
    await run("up");
    assert.deepEqual(firewallWrites(since).map((a) => a.slice(1, 5)), [["set", `${RULES}/3`, "--moveto", "1"]]);
    assert.deepEqual(await rulesOnNode(), ["DROP 10.0.0.0/8", "ACCEPT echo-request phoenix-lxc:managed", "ACCEPT 80,8000:8010 phoenix-lxc:managed", "ACCEPT 8443 10.99.0.153 phoenix-lxc:managed proxy"]);
  });

  it("fails naming the config rule when PVE refuses it (an IP set that does not exist), and applies it once the set exists", async () => {
    const R4 = { type: "in", action: "ACCEPT", source: "+proxies", proto: "tcp", port: "9000" };
    writeConfig({ enabled: true, policy_in: "DROP", rules: [R3, R2, { ...R1, port: "8443" }, R4] });
    await assert.rejects(stack.stack.up(), (e: Error) =>
      e.message.includes("PVE refused the firewall rule 'IN ACCEPT -source +proxies -p tcp -dport 9000 # phoenix-lxc:managed' (lxc_configs.510.firewall.rules.3):") &&
      e.message.includes("source: no such ipset 'proxies'"));
    // The datacenter admin defines the set (PVE's GUI writes it to cluster.fw).
    fs.appendFileSync(path.join(t.cluster.root, "etc/pve/firewall/cluster.fw"), "[IPSET proxies]\n\n10.99.0.153\n\n");
    await stack.stack.up();
    assert.equal((await rulesOnNode()).at(-1), "ACCEPT 9000 +proxies phoenix-lxc:managed");
  });

  it("removes this stack's rules and options when the config drops the firewall, keeping the hand-made rule", async () => {
    writeConfig(undefined);
    await run("up");
    assert.deepEqual(await rulesOnNode(), ["DROP 10.0.0.0/8"]);
    const options = JSON.parse(await onNode(pool, t.nodes[0]!, ["pvesh", "get", `/nodes/${NODE}/lxc/510/firewall/options`, "--output-format", "json"]));
    assert.equal(options.enable, undefined);
    assert.equal(options.policy_in, undefined);
  });
});
