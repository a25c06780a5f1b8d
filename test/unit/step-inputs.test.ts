import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { loadConfigText } from "../../core/config";
import { classifyContainerChanges } from "../../core/container/classify-changes";
import { buildContainerInputs } from "../../core/container/from-spec";
import { buildFeatureEnv, CatalogFeature, collectInheritedFeatures, describeEnvChanges } from "../../core/features/feature-env";
import { APP_SCRIPT_ROOT_KEYS, buildAppScriptConfig, buildAppScriptConfigText, planRetainedCloneSources } from "../../core/step-inputs";
import { baseConfig } from "../fixtures/configs/base-config";

const load = (raw: Record<string, any>) => loadConfigText(JSON.stringify(raw));
const appText = (raw: Record<string, any>, ctid: number) => buildAppScriptConfigText(load(raw).config, ctid);

/** One single-field edit of the raw config, as a user makes it. */
type Edit = { ctid: string; apply: (entry: Record<string, any>) => void; label: string };

const arbFieldEdit = (ctids: string[]): fc.Arbitrary<Edit> =>
  fc.constantFrom(...ctids).chain((ctid) =>
    fc.oneof(
      fc.integer({ min: 64, max: 65536 }).map((v) => ({ ctid, label: `memory_mb=${v}`, apply: (e: Record<string, any>) => void (e.memory_mb = v) })),
      fc.integer({ min: 1, max: 16 }).map((v) => ({ ctid, label: `cores=${v}`, apply: (e: Record<string, any>) => void (e.cores = v) })),
      fc.integer({ min: 2, max: 250 }).map((v) => ({ ctid, label: `ip .${v}`, apply: (e: Record<string, any>) => void (e.network_config.ip = `10.99.1.${v}/24`) })),
      fc.constantFrom("web", "db", "edge").map((v) => ({ ctid, label: `tags=${v}`, apply: (e: Record<string, any>) => void (e.tags = [v]) })),
      fc.integer({ min: 1, max: 30 }).map((v) => ({ ctid, label: `keep_last=${v}`, apply: (e: Record<string, any>) => void (e.snapshot_retention = { keep_last: v }) })),
    ),
  );

describe("the application script's config: its own entry and the top-level settings it reads", () => {
  it("has the original file's shape with only the container's own entry and the NVIDIA settings", () => {
    const raw = baseConfig();
    const doc = buildAppScriptConfig(load(raw).config, 950);
    assert.deepEqual(Object.keys(doc).sort(), [...APP_SCRIPT_ROOT_KEYS, "lxc_configs"].sort());
    for (const key of APP_SCRIPT_ROOT_KEYS) assert.equal(doc[key], raw[key]);
    const own = (doc.lxc_configs as Record<string, Record<string, unknown>>)["950"]!;
    assert.deepEqual(Object.keys(doc.lxc_configs as object), ["950"]);
    assert.equal(own.memory_mb, raw.lxc_configs["950"].memory_mb);
    assert.equal(own.clone_from_ctid, "901");
    assert.equal(own.unprivileged, true, "defaults are filled in");
    assert.equal(own.snapshot_retention, undefined, "retention configures this tool, not the service");
  });

  it("does not change for any edit of another container or of a top-level key the script does not read", () => {
    fc.assert(
      fc.property(arbFieldEdit(["900", "901", "953", "960"]), fc.integer({ min: 1, max: 20 }), (edit, keepDaily) => {
        const before = appText(baseConfig(), 950);
        const raw = baseConfig();
        edit.apply(raw.lxc_configs[edit.ctid]);
        raw.snapshot_retention.keep_daily = keepDaily;
        raw.$schema = "./elsewhere.schema.json";
        assert.equal(appText(raw, 950), before, edit.label);
      }),
      { numRuns: 60 },
    );
  });

  it("changes for an edit of the container's own service fields, and for a top-level NVIDIA setting", () => {
    const before = appText(baseConfig(), 950);
    fc.assert(
      fc.property(arbFieldEdit(["950"]).filter((e) => !e.label.startsWith("keep_last")), (edit) => {
        const raw = baseConfig();
        edit.apply(raw.lxc_configs["950"]);
        fc.pre(JSON.stringify(raw) !== JSON.stringify(baseConfig())); // the edit set the value it had
        assert.notEqual(appText(raw, 950), before, edit.label);
      }),
      { numRuns: 30 },
    );
    const raw = baseConfig();
    raw.nvidia_driver_version = "580.95.05";
    assert.notEqual(appText(raw, 950), before);
  });

  it("does not change for the container's health checks, tests, pins or retention (steps after the script)", () => {
    const before = appText(baseConfig(), 950);
    const raw = baseConfig();
    Object.assign(raw.lxc_configs["950"], {
      health_check: { command: "true", retries: 2, interval: 1 },
      health_checks: [{ name: "c", script: "checks/c.sh", args: [] }],
      snapshot_pins: ["keep-me"],
      snapshot_retention: { keep_last: 9 },
      final_snapshot: false,
    });
    assert.equal(appText(raw, 950), before);
  });

  it("does not depend on the key order or formatting of the file", () => {
    const raw = baseConfig();
    const reversed = (o: Record<string, any>) => Object.fromEntries(Object.entries(o).reverse());
    const reordered = { ...reversed(raw), lxc_configs: reversed(Object.fromEntries(Object.entries(raw.lxc_configs).map(([k, v]) => [k, reversed(v as Record<string, any>)]))) };
    assert.equal(buildAppScriptConfigText(loadConfigText(JSON.stringify(reordered, null, 4)).config, 950), appText(raw, 950));
  });
});

describe("clone source → clone: a clone is a one-time copy", () => {
  it("a renamed template snapshot of the source is no change for the clones already made", () => {
    const before = load(baseConfig());
    const raw = baseConfig();
    raw.lxc_configs["901"].template_snapshot_name = "golden";
    const after = load(raw);
    const ctx = { node: "pve1", connection: { host: "h", port: 22, user: "root" }, owner: "p/s" };
    const olds = buildContainerInputs(before.specs.get(950)!, ctx);
    const news = buildContainerInputs(after.specs.get(950)!, ctx);
    assert.notDeepEqual(olds.source, news.source, "new clones would come from the new snapshot");
    assert.deepEqual(classifyContainerChanges(olds, news, true).changed, []);
  });

  it("cloning from another container still replaces the clone", () => {
    const ctx = { node: "pve1", connection: { host: "h", port: 22, user: "root" }, owner: "p/s" };
    const raw = baseConfig();
    raw.lxc_configs["950"].clone_from_ctid = "900";
    const olds = buildContainerInputs(load(baseConfig()).specs.get(950)!, ctx);
    const news = buildContainerInputs(load(raw).specs.get(950)!, ctx);
    assert.deepEqual(classifyContainerChanges(olds, news, true).replace, ["source"]);
  });
});

describe("clone sources retention keeps", () => {
  it("are empty when the clones' source snapshot is one retention never deletes (a template snapshot)", () => {
    const { specs } = load(baseConfig());
    assert.deepEqual(planRetainedCloneSources(specs, 900, "phx"), []);
    assert.deepEqual(planRetainedCloneSources(specs, 901, "phx"), []);
  });

  it("name the source snapshot when it has the shape of one this tool owns, only for the source", () => {
    const raw = baseConfig();
    raw.lxc_configs["901"].template_snapshot_name = "phx-20260101T000000Z";
    const { specs } = load(raw);
    assert.deepEqual(planRetainedCloneSources(specs, 901, "phx"), ["phx-20260101T000000Z"]);
    assert.deepEqual(planRetainedCloneSources(specs, 900, "phx"), []);
  });
});

describe("feature variables", () => {
  const nvidia: CatalogFeature = {
    description: "",
    requires: [],
    scripts: { guard: "", install: "", verify: "" },
    env: [
      { name: "PHX_NVIDIA_DRIVER_VERSION", required: true, default: null, source: { kind: "config", field: "nvidia_driver_version" } },
      { name: "PHX_NVIDIA_GPUS", required: false, default: null, source: { kind: "config", field: "lxc_configs.<ctid>.gpu_assignment" } },
    ],
  };
  const docker: CatalogFeature = { ...nvidia, env: [{ name: "PHX_DOCKER_NVIDIA_RUNTIME", required: false, default: null, source: { kind: "derived", rule: "nvidia on the clone chain" } }] };
  const envOf = (raw: Record<string, any>, entry: CatalogFeature, ctid: number) => {
    const { config, specs } = load(raw);
    return buildFeatureEnv("f", entry, { config, spec: specs.get(ctid)!, inheritedFeatures: collectInheritedFeatures(specs, ctid) });
  };

  it("hold only the keys the feature declares: another container's edit or a top-level retention change changes none", () => {
    fc.assert(
      fc.property(arbFieldEdit(["900", "950", "953", "960"]), fc.integer({ min: 1, max: 20 }), (edit, keepLast) => {
        const raw = baseConfig();
        edit.apply(raw.lxc_configs[edit.ctid]);
        raw.snapshot_retention.keep_last = keepLast;
        assert.deepEqual(envOf(raw, nvidia, 901), envOf(baseConfig(), nvidia, 901), edit.label);
      }),
      { numRuns: 40 },
    );
  });

  it("PHX_DOCKER_NVIDIA_RUNTIME follows nvidia on the clone chain (the documented exception), and preview names it", () => {
    const raw = baseConfig();
    raw.lxc_configs["901"].features = ["base_setup"];
    const before = envOf(raw, docker, 950);
    const after = envOf(baseConfig(), docker, 950);
    assert.deepEqual(describeEnvChanges(before, after), ["PHX_DOCKER_NVIDIA_RUNTIME 0 → 1"]);
  });

  it("describe a variable that appears or goes away as unset", () => {
    assert.deepEqual(describeEnvChanges({ A: "1" }, { B: "2" }), ["A 1 → (unset)", "B (unset) → 2"]);
    assert.deepEqual(describeEnvChanges({ A: "1" }, { A: "1" }), []);
  });
});
