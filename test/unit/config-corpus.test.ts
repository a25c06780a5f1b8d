/**
 * The corpus: real-shaped configuration files (test/fixtures/configs/corpus), one accepted variant or genuine
 * problem each, plus a file of the original system and one of its later version. Each file's findings are
 * compared with corpus/expected.json by severity, kind and JSON path (messages may improve freely). Files are
 * loaded the way `phoenix validate` loads them: script paths relative to the file, existence on disk.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadConfigText } from "../../core/config";
import { ConfigError, type ConfigIssue } from "../../core/errors";

const CORPUS = path.join(__dirname, "../../../test/fixtures/configs/corpus");
const expected = JSON.parse(fs.readFileSync(path.join(CORPUS, "expected.json"), "utf8")) as Record<string, [string, string, string][]>;
const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith(".json") && f !== "expected.json").sort();

function findingsOf(file: string): ConfigIssue[] {
  const text = fs.readFileSync(path.join(CORPUS, file), "utf8");
  try {
    return loadConfigText(text, { baseDir: CORPUS, fileExists: (p) => fs.existsSync(p) }, file).warnings;
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
}

const key = (f: readonly string[]) => f.join(" ");

describe("configuration corpus", () => {
  it("has at least 30 files, each with its expected findings, among them an original and a later-version file", () => {
    assert.ok(files.length >= 30, `only ${files.length} files`);
    assert.deepEqual(files, Object.keys(expected).sort());
    assert.ok(files.includes("original-system.json") && files.includes("later-version.json"));
  });
  for (const file of files) {
    it(`${file}: reports exactly the expected findings, in one run`, () => {
      const found = findingsOf(file);
      for (const f of found) assert.ok(f.kind !== undefined && f.message.length > 0, `finding without kind or message: ${JSON.stringify(f)}`);
      const actual = found.map((f) => key([f.severity, f.kind ?? "", f.path])).sort();
      assert.deepEqual(actual, (expected[file] ?? []).map(key).sort(), JSON.stringify(found, null, 1));
    });
  }
});
