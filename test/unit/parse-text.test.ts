import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodePveText, encodePveText, parseKeyValueLine, splitOutputLines } from "../../core/parse-text";

describe("PVE text encoding", () => {
  it("decodes what it encodes, for any text", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => decodePveText(encodePveText(s)) === s));
  });

  it("encodes only printable ASCII other than ':' and '%' as itself", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => /^[\x20-\x24\x26-\x39\x3b-\x7e]*$/.test(encodePveText(s).replace(/%[0-9A-F]{2}/g, ""))),
    );
  });

  it("encodes ':', '%', newlines and non-ASCII but keeps spaces", () => {
    assert.equal(encodePveText("web: 100% é\n"), "web%3A 100%25 %C3%A9%0A");
  });

  it("decodes a multi-byte UTF-8 sequence to one character", () => {
    assert.equal(decodePveText("caf%C3%A9 %E2%98%95"), "café ☕");
  });

  it("leaves a '%' that starts no escape alone", () => {
    assert.equal(decodePveText("100% sure %zz"), "100% sure %zz");
  });
});

describe("output lines", () => {
  it("does not add an empty line for the final newline", () => {
    assert.deepEqual(splitOutputLines("a\nb\n"), ["a", "b"]);
  });

  it("splits a value at the first ': ' only", () => {
    assert.deepEqual(parseKeyValueLine("lxc.mount.auto: proc:rw sys:rw"), { key: "lxc.mount.auto", value: "proc:rw sys:rw" });
  });
});
