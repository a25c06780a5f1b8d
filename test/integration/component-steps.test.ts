/**
 * The resources the fleet and container components register — their URNs and the dependency of each step on the
 * one before — are those the CLI targets (`buildContainerUrns`, `planUpTargets`), for templates, clones, with and
 * without a firewall, features, an application script and health checks. The components run against Pulumi's
 * mocks: nothing touches a node.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadConfigText, LoadedConfig } from "../../core/config/load-config";
import { buildContainerUrns, buildFleetUrn, planUpTargets } from "../../cli/targets";
import { LxcFleet } from "../../components/lxc-fleet";

const PROJECT = "phoenix-lxc";
const TEMPLATE = "local:vztmpl/busybox-tiny_1.36_amd64.tar.gz";
const base = { memory_mb: 256, cores: 1, ostype: "unmanaged", storage_pool: "local-lvm", storage_size_gb: 1, network_config: { name: "eth0", bridge: "vmbr0", ip: "dhcp" } };
const FIREWALL = { enabled: true, rules: [{ type: "in", action: "ACCEPT", proto: "tcp", port: "443" }] };
const CONFIG = {
  lxc_configs: {
    // A bare template container: container → snapshot → retention.
    "9201": { ...base, name: "bare", template: TEMPLATE, template_snapshot_name: "final-form" },
    // Every optional step, features in the order listed.
    "9202": {
      ...base, name: "full", template: TEMPLATE, firewall: FIREWALL, features: ["python_api_service", "base_setup"],
      application_script: "app.sh", health_checks: [{ name: "port", script: "check.sh" }],
    },
    // A clone with the legacy single health check.
    "9203": { ...base, name: "clone", clone_from_ctid: "9201", template_snapshot_name: "final-form", health_check: { command: "true", retries: 1, interval: 1 } },
    // A clone of a clone with an application script and no health check.
    "9204": { ...base, name: "leaf", clone_from_ctid: "9203", application_script: "app.sh" },
  },
};

/** One resource as the (mock) engine registered it. */
interface Registered { urn: string; dependencies: string[] }

let dir: string;
let loaded: LoadedConfig;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-component-steps-"));
  fs.writeFileSync(path.join(dir, "app.sh"), "#!/bin/sh\ntrue\n");
  fs.writeFileSync(path.join(dir, "check.sh"), "#!/bin/sh\ntrue\n");
  loaded = loadConfigText(JSON.stringify(CONFIG), { nodes: ["pve1"], fileRoots: [dir] });
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * Builds the fleet (optionally targeted) on Pulumi's mocks as stack `stack` and resolves when every resource is
 * registered. The mock monitor names a child by its parent's last type only; the engine chains every ancestor's
 * type (`Fleet$Container$…`), so `newUrn` is given the engine's rule (test/e2e/cli-targets.test.ts runs the real one).
 */
async function registerFleet(stack: string, targets?: number[]): Promise<Registered[]> {
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks({
    newResource: (a) => ({ id: a.custom ? `${a.name}-id` : undefined, state: { ...a.inputs, instance: "i1", generation: 1, lastSnapshot: "" } }),
    call: () => ({}),
  }, PROJECT, stack, true);
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    newUrn(parent: string, type: string, name: string): string;
    registerResource(req: { getDependenciesList(): string[] }, cb: (err: unknown, res?: { getUrn(): string }) => void): void;
  };
  monitor.newUrn = (parent, type, name) => `urn:pulumi:${stack}::${PROJECT}::${parent ? `${parent.split("::")[2]}$${type}` : type}::${name}`;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => register(req, (err, res) => {
    if (res) registered.push({ urn: res.getUrn(), dependencies: req.getDependenciesList() });
    cb(err, res);
  });
  const fleet = new LxcFleet("fleet", { config: loaded, nodes: { pve1: { host: "127.0.0.1", port: 22, user: "root" } }, owner: `${PROJECT}/${stack}`, targets, baseDir: dir, fileRoots: [dir] });
  // Each step waits for the one before, so the last step's URN comes after every URN of its container.
  const last = [...fleet.containers.values()].flatMap((c) => [c.urn, c.ready.urn]);
  await new Promise<unknown>((resolve) => pulumi.all([fleet.urn, ...last]).apply(resolve));
  return registered;
}

describe("components register exactly the targeted URNs, each step after the one before", () => {
  let all: Registered[];
  before(async () => {
    all = await registerFleet("dev");
  });

  it("the whole fleet: the fleet and, per container, its component and every step of its plan, nothing else", () => {
    const expected = [buildFleetUrn("dev", PROJECT), ...[...loaded.specs.values()].flatMap((s) => buildContainerUrns("dev", PROJECT, s))];
    assert.deepEqual(all.map((r) => r.urn).sort(), [...expected].sort());
  });

  for (const ctid of [9201, 9202, 9203, 9204]) {
    // The engine's dependencies of a resource: its dependsOn and the resources its inputs come from.
    it(`CT ${ctid}: each step depends on the one before it, in the order the plan lists them`, () => {
      const steps = buildContainerUrns("dev", PROJECT, loaded.specs.get(ctid)!).slice(1);
      const deps = new Map(all.map((r) => [r.urn, r.dependencies]));
      for (let i = 1; i < steps.length; i++) {
        assert.ok(deps.get(steps[i]!)?.includes(steps[i - 1]!), `${steps[i]} does not depend on ${steps[i - 1]}: ${deps.get(steps[i]!)}`);
      }
    });
  }

  it("the full container's plan has every optional step, features in config order", () => {
    const names = buildContainerUrns("dev", PROJECT, loaded.specs.get(9202)!).map((u) => u.slice(u.lastIndexOf("::") + 2));
    assert.deepEqual(names, ["ct-9202", ...["container", "firewall", "feature-python_api_service", "feature-base_setup", "app", "health", "snapshot", "retention"].map((s) => `ct-9202-${s}`)]);
  });

  it("a targeted leaf of a clone chain registers what planUpTargets names for it", async () => {
    const targeted = await registerFleet("targeted", [9204]);
    const { urns, containers } = planUpTargets("targeted", PROJECT, loaded.config, loaded.specs, [9204]);
    assert.deepEqual(containers, [9201, 9203, 9204]);
    assert.deepEqual(targeted.map((r) => r.urn).sort(), [...urns].sort());
  });
});
