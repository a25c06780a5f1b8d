/**
 * What a targeted `phoenix up|preview|destroy` names: URNs computed from the config (chains included, unrelated
 * containers not), blocking dependants for destroy, and the state URNs that belong to a container. That these are
 * the URNs the components register is checked in component-steps.test.ts.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadConfigText } from "../../core/config/load-config";
import { buildContainerUrns, ctidOfUrn, findBlockingDependents, planUpTargets, selectContainerUrns } from "../../cli/targets";

const TEMPLATE = "local:vztmpl/busybox-tiny_1.36_amd64.tar.gz";
const base = { memory_mb: 256, cores: 1, storage_pool: "local-lvm", storage_size_gb: 1, network_config: { name: "eth0", bridge: "vmbr0", ip: "dhcp" } };
const loaded = loadConfigText(JSON.stringify({
  lxc_configs: {
    "9101": { ...base, name: "a", template: TEMPLATE, template_snapshot_name: "final-form", features: [] },
    "9102": { ...base, name: "b", clone_from_ctid: "9101", template_snapshot_name: "final-form" },
    "9103": { ...base, name: "c", clone_from_ctid: "9102", health_check: { command: "true", retries: 1, interval: 1 } },
    "9104": { ...base, name: "d", template: TEMPLATE },
  },
}), { nodes: ["pve1"] });

describe("targeted URNs", () => {
  it("a leaf of a clone chain targets the fleet and every resource of the leaf and its ancestors, nothing else", () => {
    const { urns, containers } = planUpTargets("dev", "phoenix-lxc", loaded.config, loaded.specs, [9103]);
    assert.deepEqual(containers, [9101, 9102, 9103]);
    assert.equal(urns[0], "urn:pulumi:dev::phoenix-lxc::phoenix:lxc:Fleet::fleet");
    assert.deepEqual([...new Set(urns.slice(1).map(ctidOfUrn))], [9101, 9102, 9103]);
  });

  it("destroying a clone source is blocked by every container cloned from it, directly or not", () => {
    assert.deepEqual([...findBlockingDependents(loaded.config, [9101])], [[9101, [9102, 9103]]]);
  });

  it("destroying a whole chain at once is not blocked", () => {
    assert.equal(findBlockingDependents(loaded.config, [9101, 9102, 9103]).size, 0);
  });

  it("selects from state only the named container's resources, not one whose CTID shares a prefix", () => {
    const state = [
      "urn:pulumi:dev::phoenix-lxc::pulumi:pulumi:Stack::phoenix-lxc-dev",
      "urn:pulumi:dev::phoenix-lxc::phoenix:lxc:Fleet::fleet",
      ...buildContainerUrns("dev", "phoenix-lxc", loaded.specs.get(9101)!),
      "urn:pulumi:dev::phoenix-lxc::phoenix:lxc:Fleet$phoenix:lxc:Container::ct-91010",
    ];
    assert.deepEqual(selectContainerUrns(state, [9101]), buildContainerUrns("dev", "phoenix-lxc", loaded.specs.get(9101)!));
  });
});
