// Every firewall rule form validate accepts maps to PVE's rule grammar; what PVE's verify_rule refuses is
// refused first, at the config field, with the fix (cases from pve-firewall Firewall.pm).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { validateConfig } from "../../core/config";
import { toPveRule, formatRuleLine } from "../../core/firewall/rule";
import { checkAddressList, checkPortList } from "../../core/firewall/grammar";
import { baseConfig } from "../fixtures/configs/base-config";

function issuesFor(rule: Record<string, unknown>): Array<{ path: string; message: string }> {
  const c = baseConfig() as { lxc_configs: Record<string, Record<string, unknown>> };
  c.lxc_configs["953"]!.firewall = { enabled: true, rules: [rule] };
  const r = validateConfig(c);
  return (r.ok ? [] : r.issues).filter((i) => i.severity === "error").map((i) => ({ path: i.path.replace("lxc_configs.953.firewall.rules.0.", ""), message: i.message }));
}

describe("firewall rules in the config", () => {
  for (const rule of [
    { type: "in", action: "ACCEPT", proto: "tcp", port: "80,443,8000:8010" },
    { type: "out", action: "REJECT", proto: "udp", port: "53", dest: "10.0.0.0/8,192.168.1.1" },
    { type: "in", action: "ACCEPT", source: "10.0.0.1-10.0.0.9" },
    { type: "in", action: "ACCEPT", source: "+dc/proxies", proto: "sctp", sport: "1000:2000" },
    { type: "in", action: "DROP", source: "guest/mgmt", iface: "net0", log: "info" },
    { type: "in", action: "ACCEPT", proto: "icmp", icmp_type: "echo-request" },
    { type: "in", action: "ACCEPT", proto: "icmpv6", icmp_type: "neighbor-solicitation", source: "fd00::/64" },
    { type: "in", action: "ACCEPT", proto: "tcp", port: "22", enabled: false, comment: "ssh later" },
  ]) {
    it(`accepts ${formatRuleLine(toPveRule(rule as never))}`, () => assert.deepEqual(issuesFor(rule), []));
  }

  for (const [rule, path, message] of [
    [{ type: "in", action: "ACCEPT", proto: "tcp", port: "70000" }, "port", "invalid port '70000': ports are 0–65535"],
    [{ type: "in", action: "ACCEPT", proto: "tcp", port: "90:80" }, "port", "backwards range '90:80', write '80:90'"],
    [{ type: "in", action: "ACCEPT", proto: "tcp", port: "80,,81" }, "port", "extraneous commas in port list '80,,81'"],
    [{ type: "in", action: "ACCEPT", proto: "tcp", port: "1:2,3:4,5:6,7:8,9:10,11:12,13:14,15,16" }, "port", "too many entries in port list '1:2,3:4,5:6,7:8,9:10,11:12,13:14,15,16' (> 15 numbers, a range counts as 2): split the rule"],
    [{ type: "in", action: "ACCEPT", proto: "icmp", port: "8" }, "port", `protocol 'icmp' has no ports: use "icmp_type" for ICMP`],
    [{ type: "in", action: "ACCEPT", proto: "tcp", icmp_type: "echo-request" }, "proto", `"icmp_type" needs "proto": "icmp" (or "icmpv6")`],
    [{ type: "in", action: "ACCEPT", proto: "icmp", icmp_type: "neighbor-solicitation" }, "icmp_type", `unknown ICMP type 'neighbor-solicitation' for proto 'icmp', e.g. "echo-request"`],
    [{ type: "in", action: "ACCEPT", source: "10.0.0.1/24" }, "source", "'10.0.0.1/24' has host bits set: write the network address, e.g. '10.0.0.0/24'"],
    [{ type: "in", action: "ACCEPT", source: "10.0.0.1,fd00::1" }, "source", "mixed IPv4 and IPv6 addresses in '10.0.0.1,fd00::1': use one version per rule"],
    [{ type: "in", action: "ACCEPT", source: "10.0.0.1", dest: "fd00::1" }, "dest", "IPv6 address with IPv4 elsewhere in the rule (proto or the other address): use one IP version per rule"],
    [{ type: "in", action: "ACCEPT", source: "10.0.0.1-10.0.0.5,10.0.0.9" }, "source", "a range cannot be part of a list in '10.0.0.1-10.0.0.5,10.0.0.9'"],
    [{ type: "in", action: "ACCEPT", source: "10.0.0.9-10.0.0.1" }, "source", "address range '10.0.0.9-10.0.0.1' begins after it ends"],
    [{ type: "in", action: "ACCEPT", source: "+1bad" }, "source", "invalid IP set reference '+1bad': write '+name', '+dc/name' or '+guest/name'"],
    [{ type: "in", action: "ACCEPT", comment: "two\nlines" }, "comment", "a comment must be one line: PVE stores it at the end of the rule's line"],
  ] as const) {
    it(`rejects ${JSON.stringify(rule)} at ${path}`, () => assert.deepEqual(issuesFor(rule), [{ path, message }]));
  }

  it("checks port and address grammar directly", () => {
    assert.equal(checkPortList("0,65535"), undefined);
    assert.equal(checkPortList("http")?.startsWith("invalid port 'http'"), true);
    assert.deepEqual(checkAddressList("2001:db8::/32"), { version: 6 });
    assert.equal(checkAddressList("2001:db8::1/32").error, "'2001:db8::1/32' has host bits set: write the network address, e.g. '2001:db8:0:0:0:0:0:0/32'");
  });
});
