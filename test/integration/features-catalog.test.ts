import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BUILTIN_FEATURES } from "../../core/config/constants";
import { FeatureRootfs, FeatureScript, findRepoRoot } from "../fixtures/feature-states/rootfs";
import * as S from "../fixtures/feature-states/states";

interface CatalogEnv {
  name: string;
  required: boolean;
  default: string | null;
  meaning: string;
  readBy: FeatureScript[];
  source: { kind: "config" | "derived" | "provider" | "none"; field?: string; rule?: string };
}
interface Catalog {
  features: Record<string, { description: string; requires: string[]; scripts: Record<FeatureScript, string>; env: CatalogEnv[] }>;
}

const repo = findRepoRoot();
const catalog = JSON.parse(readFileSync(join(repo, "features/catalog.json"), "utf8")) as Catalog;
const SCRIPTS: FeatureScript[] = ["guard", "install", "verify"];
const scriptText = (feature: string, script: FeatureScript) => readFileSync(join(repo, "features", feature, `${script}.sh`), "utf8");

describe("feature catalog", () => {
  it("passes shellcheck -s sh on every shipped script", () => {
    const files = Object.keys(catalog.features).flatMap((f) => SCRIPTS.map((s) => join(repo, "features", f, `${s}.sh`)));
    const run = spawnSync("shellcheck", ["-s", "sh", ...files], { encoding: "utf8" });
    assert.equal(run.error, undefined, "shellcheck is not installed (scripts/setup.sh installs it)");
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });

  it("lists exactly the built-in features the config schema accepts", () => {
    assert.deepEqual(Object.keys(catalog.features).sort(), [...BUILTIN_FEATURES].sort());
  });

  it("names each feature's three scripts at features/<name>/<script>.sh", () => {
    for (const [name, feature] of Object.entries(catalog.features)) {
      assert.deepEqual(feature.scripts, { guard: `${name}/guard.sh`, install: `${name}/install.sh`, verify: `${name}/verify.sh` });
      assert.deepEqual(readdirSync(join(repo, "features", name)).sort(), ["guard.sh", "install.sh", "verify.sh"]);
    }
  });

  it("declares every PHX_ variable each script reads, and no variable a script does not read", () => {
    for (const [name, feature] of Object.entries(catalog.features)) {
      for (const script of SCRIPTS) {
        const read = new Set(scriptText(name, script).match(/\bPHX_[A-Z0-9_]+\b/g) ?? []);
        const declared = new Set(feature.env.filter((e) => e.readBy.includes(script)).map((e) => e.name));
        assert.deepEqual([...read].sort(), [...declared].sort(), `${name}/${script}.sh`);
      }
    }
  });

  it("gives a default to every optional variable and none to a required one", () => {
    for (const feature of Object.values(catalog.features)) {
      for (const env of feature.env) assert.equal(env.default === null, env.required || env.source.kind === "provider", env.name);
    }
  });

  it("only requires features that exist", () => {
    for (const feature of Object.values(catalog.features)) {
      for (const dep of feature.requires) assert.ok(dep in catalog.features, dep);
    }
  });

  it("runs installs under set -eu and documents inputs at the top of every script", () => {
    for (const name of Object.keys(catalog.features)) {
      for (const script of SCRIPTS) {
        const text = scriptText(name, script);
        assert.ok(text.startsWith("#!/bin/sh\n"), `${name}/${script}.sh shebang`);
        assert.match(text, /^# Inputs \(environment\):/m, `${name}/${script}.sh documents its inputs`);
      }
      assert.match(scriptText(name, "install"), /^set -eu$/m, `${name}/install.sh`);
    }
  });
});

/** Every path under `dir` with its type, size, mode and modification time. */
function snapshotTree(dir: string, rel = ""): string[] {
  // phx/ holds the copied-in scripts (rewritten on every run), not container state.
  return readdirSync(join(dir, rel)).filter((entry) => rel !== "" || entry !== "phx").flatMap((entry) => {
    const path = join(rel, entry);
    const st = lstatSync(join(dir, path));
    const line = `${path} ${st.mode} ${st.size} ${st.mtimeMs}`;
    return st.isDirectory() ? [line, ...snapshotTree(dir, path)] : [line];
  });
}

describe("feature guards", () => {
  let root: FeatureRootfs;
  const env = { PHX_NVIDIA_DRIVER_VERSION: "580.76.05", PHX_NVIDIA_GPUS: "0", PHX_PORTAINER_ROLE: "server" };
  before(() => {
    // A root where every guard gets past its first checks, so the read-only property covers most of each script.
    root = FeatureRootfs.create();
    S.withDpkgPackages(root, { curl: "install ok installed" });
    S.withLocale(root, ["en_US.utf8"], "LANG=en_US.UTF-8\n");
    S.withSystemd(root, { docker: "active", ollama: "inactive" });
    S.withDockerCli(root, true);
    S.withDockerContainer(root, "portainer", true, "portainer/portainer-ce:lts");
    S.withDaemonJson(root, '{"storage-driver": "overlay2"}');
    S.withGpuDevices(root, [0]);
    S.withNvidiaSmi(root, ["580.76.05"]);
    S.withNvcc(root);
    S.withVllmVenv(root, "0.10.2");
  });
  after(() => root.remove());

  for (const name of BUILTIN_FEATURES) {
    it(`${name}: the guard changes nothing in the container`, () => {
      const before = snapshotTree(root.dir);
      const run = root.runScript(name, "guard", env);
      assert.ok(run.code === 0 || run.code === 1, `${name} guard exited ${run.code}: ${run.stderr}`);
      assert.deepEqual(snapshotTree(root.dir), before);
    });
  }
});
