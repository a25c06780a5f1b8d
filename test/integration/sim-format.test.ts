import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { CtConfig, decodeText, encodeText, newSection, parseConfig, writeConfig } from "../../testbed/sim/conf-file";
import { formatSize, parseSize } from "../../testbed/sim/value-formats";
import { normalizeTags } from "../../testbed/sim/conf-schema";

const arbKey = fc.stringMatching(/^[a-z][a-z_]{0,8}\d{0,2}$/).filter((k) => !["delete", "snapstate", "description"].includes(k));
const arbValue = fc.stringMatching(/^[!-~]([ -~]{0,20}[!-~])?$/);
const arbDescr = fc.array(fc.string({ unit: "binary", maxLength: 20 }).filter((l) => !l.includes("\n")), { minLength: 1, maxLength: 3 })
  .map((lines) => `${lines.join("\n")}\n`);
const arbSection = fc.record({
  keys: fc.dictionary(arbKey, arbValue, { maxKeys: 6 }),
  description: fc.option(arbDescr, { nil: undefined }),
  lxc: fc.array(fc.tuple(fc.stringMatching(/^lxc\.[a-z]{1,6}(\.[a-z]{1,6})?$/), arbValue), { maxLength: 2 }),
});

describe("simulator config format", () => {
  it("decodes what it encodes, for any text", () => fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => decodeText(encodeText(s)) === s)));

  it("encodes every colon, percent sign and control character", () => fc.assert(fc.property(fc.string({ unit: "binary" }), (s) =>
    !/[:\x00-\x1f\x7f]/.test(encodeText(s)))));

  it("a written config parses back to the same file", () => fc.assert(fc.property(
    arbSection, fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_-]{1,8}$/).filter((n) => n !== "pve"), arbSection, { maxKeys: 3 }),
    (main, snaps) => {
      const conf: CtConfig = { main: { ...newSection(), ...main, keys: { ...main.keys } }, pending: newSection(), snapshots: {}, digest: "" };
      for (const [n, s] of Object.entries(snaps)) conf.snapshots[n] = { ...newSection(), ...s, keys: { ...s.keys } };
      const text = writeConfig(conf);
      return writeConfig(parseConfig(text, 100, () => true, () => undefined)) === text;
    })));

  it("format_size output parses back to the same byte count", () => fc.assert(fc.property(
    fc.integer({ min: 1, max: 2 ** 40 }), fc.constantFrom(1, 1024, 1024 ** 2, 1024 ** 3), (n, unit) => parseSize(formatSize(n * unit)) === n * unit)));

  it("prints sizes in the largest exact unit", () => {
    assert.deepEqual([8 * 1024 ** 3, 512 * 1024 ** 2, 1536 * 1024 ** 2, 1000].map(formatSize), ["8G", "512M", "1536M", "1000"]);
  });

  it("normalised tags are sorted, unique and lower-case", () => fc.assert(fc.property(
    fc.array(fc.stringMatching(/^[a-zA-Z0-9_][a-zA-Z0-9_+.-]{0,6}$/), { minLength: 1, maxLength: 6 }), (tags) => {
      const out = normalizeTags(tags.join(",")).split(";");
      return out.join(";") === [...new Set(tags.map((t) => t.toLowerCase()))].sort().join(";");
    })));
});
