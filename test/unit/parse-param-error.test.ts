import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ParseError } from "../../core/errors";
import { parseParameterError } from "../../core/parse-param-error";

const fixture = (name: string) => readFileSync(join(__dirname, "../../../test/fixtures", name), "utf8");

describe("400 block parsing", () => {
  it("reads every field of a real pct create block, the dotted subkey included (fixture 22)", () => {
    const block = parseParameterError(fixture("pct-real/22-error-400-param-verification-pct-create-my5t3ry5.txt"));
    assert.deepEqual(block, {
      summary: "Parameter verification failed.",
      fields: {
        rootfs: "invalid format - format error",
        "rootfs.volume": "property is missing and it is not optional",
        memory: "type check ('integer') failed - got ''",
        vmid: "type check ('integer') failed - got ''",
        net0: "invalid format - missing key in comma-separated list property",
        storage: "invalid format - storage ID '' contains illegal characters",
      },
      usage: "pct create <vmid> <ostemplate> [OPTIONS]",
    });
  });

  it("skips the blank lines between messages", () => {
    const block = parseParameterError(fixture("pct-synthetic/error-400-set-nameserver-net0.txt"));
    assert.deepEqual(Object.keys(block.fields), ["nameserver", "net0"]);
    assert.equal(block.usage, "pct set <vmid> [OPTIONS]");
  });

  it("ignores the Getopt line before the block and reads a block without fields", () => {
    assert.deepEqual(parseParameterError(fixture("pct-synthetic/error-400-unknown-option.txt")), {
      summary: "unable to parse option",
      fields: {},
      usage: "pct config <vmid> [OPTIONS]",
    });
  });

  it("rejects text without a 400 line", () => {
    assert.throws(() => parseParameterError("CT is locked (backup)\n"), ParseError);
  });
});
