import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { loadConfigText, validateConfig } from "../../core/config";

/** Valid configurations: unique ctids, names, IPs and MACs; clones only from earlier templates on the same node. */
const arbConfig = fc
  .uniqueArray(fc.integer({ min: 100, max: 999_999_999 }), { minLength: 1, maxLength: 8 })
  .chain((ids) =>
    fc.tuple(
      fc.constant([...ids].sort((a, b) => a - b)),
      fc.array(
        fc.record({
          memory: fc.integer({ min: 16, max: 65536 }),
          cores: fc.integer({ min: 1, max: 64 }),
          disk: fc.integer({ min: 1, max: 2048 }),
          dhcp: fc.boolean(),
          template: fc.boolean(),
          clone: fc.option(fc.nat(), { nil: undefined }),
          retention: fc.option(fc.record({ keep_last: fc.integer({ min: 1, max: 50 }), keep_daily: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }) }, { requiredKeys: ["keep_last"] }), { nil: undefined }),
          gpus: fc.option(fc.uniqueArray(fc.nat(7), { maxLength: 3 }), { nil: undefined }),
          tags: fc.array(fc.constantFrom("gpu", "LLM", "web", "db"), { maxLength: 3 }),
          node: fc.constantFrom("pve1", "pve2"),
          restart: fc.constantFrom("restart", "never"),
          pins: fc.array(fc.constantFrom("keep-me", "before_upgrade"), { maxLength: 2 }),
        }),
        { minLength: ids.length, maxLength: ids.length },
      ),
      fc.option(fc.record({ keep_last: fc.integer({ min: 1, max: 9 }), keep_weekly: fc.integer({ min: 1, max: 9 }) }), { nil: undefined }),
    ),
  )
  .map(([ids, rows, rootRetention]) => {
    const lxc: Record<string, unknown> = {};
    const node = rows[0].node; // one node keeps every clone edge legal
    ids.forEach((id, i) => {
      const r = rows[i];
      const templates = ids.slice(0, i).filter((_, j) => rows[j].template);
      const clone = r.clone !== undefined && templates.length > 0 ? templates[r.clone % templates.length] : undefined;
      lxc[String(id)] = {
        name: `ct-${id}`,
        node,
        memory_mb: r.memory,
        cores: r.cores,
        ...(clone === undefined ? { template: "local:vztmpl/busybox-tiny_1.36_amd64.tar.gz" } : { clone_from_ctid: String(clone) }),
        ...(r.template ? { template_snapshot_name: "final-form" } : {}),
        storage_pool: "local-lvm",
        storage_size_gb: r.disk,
        network_config: r.dhcp ? { name: "eth0", bridge: "vmbr0", ip: "dhcp" } : { name: "eth0", bridge: "vmbr0", ip: `10.${(id >> 16) & 255}.${(id >> 8) & 255}.${id & 255}/8`, gw: "10.0.0.1" },
        ...(r.retention ? { snapshot_retention: r.retention } : {}),
        ...(r.gpus ? { gpu_assignment: r.gpus } : {}),
        tags: r.tags,
        restart_policy: r.restart,
        snapshot_pins: r.pins,
      };
    });
    return { $schema: "./phoenix_lxc_configs.schema.json", ...(rootRetention ? { snapshot_retention: rootRetention } : {}), lxc_configs: lxc };
  });

describe("configuration round trip", () => {
  it("accepts every generated configuration", () => {
    fc.assert(fc.property(arbConfig, (cfg) => validateConfig(cfg).ok), { numRuns: 40 });
  });
  it("loads a valid configuration re-serialized to JSON to the same model", () => {
    fc.assert(
      fc.property(arbConfig, (cfg) => {
        const first = loadConfigText(JSON.stringify(cfg, null, 2));
        const second = loadConfigText(JSON.stringify(first.config));
        assert.deepEqual(second.specs, first.specs);
        assert.deepEqual(second.config, first.config);
      }),
      { numRuns: 40 },
    );
  });
  it("merges container retention over the root policy field by field", () => {
    fc.assert(
      fc.property(arbConfig, (cfg) => {
        const { specs } = loadConfigText(JSON.stringify(cfg));
        const root = (cfg as { snapshot_retention?: Record<string, number> }).snapshot_retention ?? {};
        for (const [id, spec] of specs) {
          const own = ((cfg.lxc_configs[String(id)] as { snapshot_retention?: Record<string, number> }).snapshot_retention) ?? {};
          const expected = Object.fromEntries(Object.entries({ ...root, ...own }).filter(([, v]) => v !== undefined));
          assert.deepEqual(spec.retention, expected);
        }
      }),
      { numRuns: 40 },
    );
  });
});
