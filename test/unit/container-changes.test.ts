import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { classifyContainerChanges, describeChangeSet } from "../../core/container/classify-changes";
import { CONTAINER_CHANGE_POLICY } from "../../core/container/change-policy";
import { CONTAINER_FIELD_LABELS } from "../../core/container/field-labels";
import { ContainerInputs } from "../../core/container/inputs";

export function baseInputs(over: Partial<ContainerInputs> = {}): ContainerInputs {
  return {
    vmid: 950, node: "pve1", connection: { host: "127.0.0.2", port: 22, user: "root" }, owner: "phoenix-lxc/dev",
    source: { kind: "template", ostemplate: "local:vztmpl/debian.tar.zst" }, storage: "local-lvm", rootfsGiB: 8,
    unprivileged: true, hostname: "web", memoryMiB: 1024, swapMiB: 512, cores: 2,
    net: { name: "eth0", bridge: "vmbr0", ip: "10.99.0.10/24", gw: "10.99.0.1" }, nameservers: ["1.1.1.1"],
    onboot: true, startup: { order: 2 }, features: ["nesting=1"], tags: ["web"], volumes: [], bindMounts: [],
    lxcOptions: [], apparmorManagesNesting: false, gpus: [], running: true, restartPolicy: "restart", adopt: false,
    ...over,
  };
}

describe("container change classification", () => {
  const cases: [string, Partial<ContainerInputs>, "live" | "restart" | "replace"][] = [
    ["memory", { memoryMiB: 2048 }, "live"],
    ["cores", { cores: 4 }, "live"],
    ["hostname", { hostname: "web2" }, "live"],
    ["net0", { net: { name: "eth0", bridge: "vmbr1", ip: "dhcp" } }, "live"],
    ["tags", { tags: ["web", "prod"] }, "live"],
    ["root disk growth", { rootfsGiB: 16 }, "live"],
    ["a new volume", { volumes: [{ mountPoint: "/data", storage: "local-lvm", sizeGiB: 4 }] }, "live"],
    ["pct features", { features: ["nesting=1", "keyctl=1"] }, "restart"],
    ["nameservers", { nameservers: ["9.9.9.9"] }, "restart"],
    ["raw lxc options", { lxcOptions: ["lxc.cap.drop: "] }, "restart"],
    ["gpu assignment", { gpus: [0] }, "restart"],
    ["template", { source: { kind: "template", ostemplate: "local:vztmpl/other.tar.zst" } }, "replace"],
    ["unprivileged", { unprivileged: false }, "replace"],
    ["node", { node: "pve2" }, "replace"],
    ["storage", { storage: "local-zfs" }, "replace"],
  ];
  for (const [what, change, cls] of cases) {
    it(`classifies a change of ${what} on a running container as ${cls}`, () => {
      const result = classifyContainerChanges(baseInputs(), baseInputs(change), true);
      const bucket = cls === "live" ? result.live : cls === "restart" ? result.restart : result.replace;
      assert.equal(bucket.length, 1, JSON.stringify(result));
      assert.equal(result.changed.length, 1);
    });
  }

  it("applies restart-class changes directly on a stopped container", () => {
    const result = classifyContainerChanges(baseInputs({ running: false }), baseInputs({ running: false, features: ["nesting=1", "keyctl=1"] }), false);
    assert.deepEqual(result.restart, []);
    assert.deepEqual(result.live, ["features"]);
  });

  it("sees no change when only the order of set-like fields differs", () => {
    const a = baseInputs({ features: ["nesting=1", "keyctl=1"], tags: ["b", "A"], lxcOptions: ["lxc.a: 1", "lxc.b: 2"] });
    const b = baseInputs({ features: ["keyctl=1", "nesting=1"], tags: ["a", "b"], lxcOptions: ["lxc.b: 2", "lxc.a: 1"] });
    assert.deepEqual(classifyContainerChanges(a, b, true).changed, []);
  });

  it("ignores how the node is reached and what to do on a change", () => {
    const b = baseInputs({ connection: { host: "10.0.0.1", port: 2222, user: "admin" }, restartPolicy: "never", adopt: true });
    assert.deepEqual(classifyContainerChanges(baseInputs(), b, true).changed, []);
  });

  it("refuses to shrink the root disk and says how to fix it", () => {
    const result = classifyContainerChanges(baseInputs({ rootfsGiB: 16 }), baseInputs({ rootfsGiB: 8 }), true);
    assert.equal(result.refusals.length, 1);
    assert.match(result.refusals[0]!.reason, /cannot shrink it to 8 GiB; set storage_size_gb to 16 or more/);
  });

  it("needs a restart when an existing volume changes its mount options and not when it only grows", () => {
    const v = { mountPoint: "/data", storage: "local-lvm", sizeGiB: 4 };
    assert.deepEqual(classifyContainerChanges(baseInputs({ volumes: [v] }), baseInputs({ volumes: [{ ...v, sizeGiB: 8 }] }), true).live, ["volumes"]);
    assert.deepEqual(classifyContainerChanges(baseInputs({ volumes: [v] }), baseInputs({ volumes: [{ ...v, storage: "local-zfs" }] }), true).restart, ["volumes"]);
    assert.deepEqual(classifyContainerChanges(baseInputs({ volumes: [v] }), baseInputs({ volumes: [] }), true).restart, ["volumes"]);
  });

  it("classifies every input field (the table is complete)", () => {
    const fields = Object.keys(baseInputs()).concat("apparmor");
    for (const f of fields) assert.ok(f in CONTAINER_CHANGE_POLICY, `${f} is not classified`);
  });

  it("describes a change set in one line, in the config's key names and values, with the restart policy", () => {
    const before = baseInputs();
    const after = baseInputs({ memoryMiB: 4096, features: [] });
    const result = classifyContainerChanges(before, after, true);
    assert.equal(describeChangeSet(950, result, "never", before, after),
      "CT 950: memory_mb 1024 → 4096 (live); pct_options nesting=1 → (none) (restart: left pending, restart_policy is never)");
  });

  it("names a replace-class change and says it replaces the container", () => {
    const before = baseInputs();
    const after = baseInputs({ storage: "tank" });
    const result = classifyContainerChanges(before, after, true);
    assert.equal(describeChangeSet(950, result, "restart", before, after), "CT 950: storage_pool local-lvm → tank (replaces the container)");
  });

  it("never shows an internal field name in a change line", () => {
    for (const field of Object.keys(CONTAINER_CHANGE_POLICY) as (keyof ContainerInputs)[]) {
      if (CONTAINER_CHANGE_POLICY[field] === "ignore") continue;
      const label = CONTAINER_FIELD_LABELS[field];
      assert.ok(/^[a-z_]+( \/ [a-z_]+)?$|^network_config\.nameservers$/.test(label), `${field} is shown as '${label}'`);
    }
  });
});
