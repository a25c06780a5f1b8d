import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ParseError } from "../../core/errors";
import { parsePctList } from "../../core/parse-list";

const fixture = (name: string) => readFileSync(join(__dirname, "../../../test/fixtures", name), "utf8");

describe("pct list parsing", () => {
  it("reads padded rows with trailing spaces and an overflowing name (fixture 08)", () => {
    const list = parsePctList(fixture("pct-real/08-list-homelabcfg-9cts-trailing-spaces.txt"));
    assert.equal(list.length, 9);
    assert.deepEqual(list[3], { vmid: 104, status: "running", name: "prometheus-pve-exporter" });
    assert.deepEqual(list[8], { vmid: 110, status: "stopped", name: "ntrop.pve.local" });
  });

  it("keeps both rows of a duplicated name (fixture 24)", () => {
    const list = parsePctList(fixture("pct-real/24-list-homeservarr-12cts-long-names-dup-hostname.txt"));
    assert.deepEqual(
      list.filter((e) => e.name === "homebridge").map((e) => [e.vmid, e.status]),
      [
        [110, "stopped"],
        [111, "running"],
      ],
    );
    assert.equal(list.find((e) => e.vmid === 106)!.name, "twingate-connector");
  });

  it("reads the Lock column, an overflowing lock included", () => {
    const list = parsePctList(fixture("pct-synthetic/list-with-locks.txt"));
    assert.deepEqual(list.map((e) => e.lock), [undefined, "snapshot", "snapshot-delete"]);
    assert.equal(list[2]!.name, "retention-test-host");
  });

  it("reads empty output as no containers", () => {
    assert.deepEqual(parsePctList(""), []);
  });

  it("rejects output without the header", () => {
    assert.throws(() => parsePctList("100        running                 web01\n"), (e: unknown) => e instanceof ParseError && e.line === 1);
  });

  it("rejects a row that is not '<vmid> <status> [<lock>] <name>'", () => {
    const text = "VMID       Status     Lock         Name                \n100 running\n";
    assert.throws(() => parsePctList(text), (e: unknown) => e instanceof ParseError && e.line === 2);
  });
});
