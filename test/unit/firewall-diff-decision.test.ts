/**
 * The decision behind a firewall's diff as a pure function of the state and the program: the plan against the
 * stored observation, a re-read when the container under it changed, and what is stored but not enforced.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decideFirewallDiff, FirewallSettings, ObservedFirewall } from "../../core/firewall/diff-decision";
import { formatRuleLine, PveRule, toPveRule } from "../../core/firewall/rule";
import { UNKNOWN } from "../../core/unknown";

const ours = (port: number): PveRule => toPveRule({ type: "in", action: "ACCEPT", proto: "tcp", port: String(port) });
const settings = (over: Partial<FirewallSettings> = {}): FirewallSettings => ({ vmid: 950, node: "pve1", enabled: true, options: { enable: "1" }, rules: [ours(443)], trigger: "abc:1", ...over });
const stored = (s: FirewallSettings, observed: Partial<ObservedFirewall> = {}) => ({ ...s, observed: { rules: s.rules, options: s.options, datacenterEnabled: true, ...observed }, managedOptions: Object.keys(s.options) });

describe("firewall diff decision", () => {
  it("a firewall as stored is no change and says nothing", () => {
    const d = decideFirewallDiff(stored(settings()), settings());
    assert.equal(d.changes, false);
    assert.equal(d.moved, false);
    assert.deepEqual(d.lines, []);
  });

  it("a new rule in the config is a change, and preview names it", () => {
    const d = decideFirewallDiff(stored(settings()), settings({ rules: [ours(80), ours(443)] }));
    assert.equal(d.changes, true);
    assert.deepEqual(d.lines, [`firewall rule add:    ${formatRuleLine(ours(80))}`]);
  });

  it("a rule removed by hand on the node is planned back from the refreshed observation", () => {
    const d = decideFirewallDiff(stored(settings(), { rules: [] }), settings());
    assert.equal(d.changes, true);
    assert.deepEqual(d.plan.added, [formatRuleLine(ours(443))]);
  });

  it("a changed or still unknown container key means the firewall is read again and converged", () => {
    for (const trigger of ["abc:2", UNKNOWN]) {
      const d = decideFirewallDiff(stored(settings()), settings({ trigger }));
      assert.equal(d.changes, true);
      assert.equal(d.moved, true);
      assert.deepEqual(d.lines, ["firewall: the container changes first; its firewall is read again and converged"]);
    }
  });

  it("warns when rules are stored but not enforced: the datacenter firewall off, or firewall.enabled false", () => {
    const off = decideFirewallDiff(stored(settings(), { datacenterEnabled: false }), settings());
    assert.equal(off.changes, false);
    assert.match(off.lines.join("\n"), /^WARNING: the datacenter firewall is off: the firewall rules of CT 950 are stored but not enforced; enable it with: /);
    const disabled = settings({ enabled: false });
    assert.deepEqual(decideFirewallDiff(stored(disabled), disabled).lines, ["WARNING: firewall.enabled is false: CT 950's 1 rule(s) are stored but not enforced"]);
  });
});
