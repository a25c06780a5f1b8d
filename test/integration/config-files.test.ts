/**
 * The committed artefacts: the generated JSON Schema, the example configuration, and `phoenix validate` on files.
 * These read files from the checkout (no network, no SSH).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_SCHEMA_FILE_NAME, renderConfigJsonSchema } from "../../core/config";
import { loadConfig } from "../../host/load-config-file";
import { ConfigError } from "../../core/errors";
import { runValidate } from "../../cli/commands/validate";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const EXAMPLE = path.join(ROOT, "examples", "phoenix_lxc_configs.json");
const FIXTURES = path.join(ROOT, "test", "fixtures", "configs");

async function run(argv: string[], cwd = ROOT) {
  let stdout = "";
  let stderr = "";
  const code = await runValidate(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd });
  return { code, stdout, stderr };
}

describe("committed configuration artefacts", () => {
  it("has an up-to-date phoenix_lxc_configs.schema.json", () => {
    const committed = fs.readFileSync(path.join(ROOT, CONFIG_SCHEMA_FILE_NAME), "utf8");
    assert.equal(committed, renderConfigJsonSchema(), "stale schema: run `node dist/scripts/gen-schema.js`");
  });
  it("validates the example configuration", () => {
    const { specs } = loadConfig({ file: EXAMPLE });
    assert.deepEqual([...specs.keys()].filter((id) => specs.get(id)?.source.kind === "clone").length > 0, true);
    assert.deepEqual(specs.get(950)?.source, { kind: "clone", fromCtid: 920, snapshot: "final-form" });
  });
  it("rejects the example with a dangling clone source, naming both IDs", () => {
    const text = fs.readFileSync(EXAMPLE, "utf8").replace('"clone_from_ctid": "920"', '"clone_from_ctid": "921"');
    assert.throws(() => loadConfig({ text, file: EXAMPLE }), (e: unknown) =>
      e instanceof ConfigError && e.issues.some((i) => i.path === "lxc_configs.950.clone_from_ctid" && i.message.includes("950") && i.message.includes("921")));
  });
  it("reports a missing custom feature script relative to the config file", () => {
    const text = fs.readFileSync(EXAMPLE, "utf8").replace("features/monitoring/verify.sh", "features/monitoring/nope.sh");
    const file = path.join(ROOT, "examples", "copy.json");
    assert.throws(() => loadConfig({ text, file }, { baseDir: path.dirname(file), fileExists: fs.existsSync }), (e: unknown) =>
      e instanceof ConfigError && e.issues.some((i) => i.path === "custom_features.monitoring.verify" && i.message.endsWith("examples/features/monitoring/nope.sh")));
  });
});

describe("phoenix validate", () => {
  for (const name of ["original-system.json", "later-version.json"]) {
    it(`reports every genuine problem of ${name} in one run, and only those`, async () => {
      const corpus = path.join(FIXTURES, "corpus");
      const expected = JSON.parse(fs.readFileSync(path.join(corpus, "expected.json"), "utf8"))[name] as string[][];
      const r = await run(["--json", "--config", path.join(corpus, name)]);
      assert.equal(r.code, expected.some(([severity]) => severity === "error") ? 1 : 0);
      const found = (JSON.parse(r.stdout) as { severity: string; kind: string; path: string }[]).map((f) => [f.severity, f.kind, f.path].join(" "));
      assert.deepEqual(found.sort(), expected.map((f) => f.join(" ")).sort());
    });
  }
  it("prints the one-line summary and exits 0 for a valid file", async () => {
    const r = await run(["--config", "examples/phoenix_lxc_configs.json"]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "valid: 11 containers on 2 nodes, 5 templates, 2 clone chains (longest 3)\n");
  });
  it("reads phoenix_lxc_configs.json from the working directory by default", async () => {
    const r = await run([], path.join(ROOT, "examples"));
    assert.equal(r.code, 0);
  });
  it("exits 1 and prints every problem as PATH: message", async () => {
    const dir = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "phoenix-validate-"));
    try {
      const cfg = JSON.parse(fs.readFileSync(EXAMPLE, "utf8"));
      cfg.lxc_configs["950"].clone_from_ctid = "921";
      cfg.lxc_configs["953"].memory_mb = 1;
      fs.writeFileSync(path.join(dir, "phoenix_lxc_configs.json"), JSON.stringify(cfg));
      const r = await run([], dir);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^lxc_configs\.953\.memory_mb: expected an integer at least 16, found 1$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it("exits 2 with line:column for a JSON syntax error", async () => {
    const r = await run(["--config", path.join(FIXTURES, "syntax-error.json")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /syntax-error\.json:3:27: invalid JSON/);
  });
  it("exits 2 when the file cannot be read", async () => {
    const r = await run(["--config", "does-not-exist.json"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read the file \(ENOENT\)/);
  });
  it("prints a JSON array with --json and nothing else", async () => {
    const r = await run(["--json", "--config", path.join(FIXTURES, "syntax-error.json")]);
    const issues = JSON.parse(r.stdout) as { path: string; severity: string }[];
    assert.deepEqual(issues.map((i) => i.severity), ["error"]);
    assert.equal(r.stderr, "");
  });
  it("prints [] with --json for a valid file without warnings", async () => {
    const r = await run(["--json", "--config", "examples/phoenix_lxc_configs.json"]);
    assert.deepEqual(JSON.parse(r.stdout), []);
  });
  it("shows help with exit 0 and rejects unknown arguments with exit 2", async () => {
    assert.equal((await run(["--help"])).code, 0);
    assert.equal((await run(["--frobnicate"])).code, 2);
  });
});
