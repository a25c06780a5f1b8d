import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ParseError } from "../../core/errors";
import { buildBatchCommand, parseBatchOutput } from "../../core/remote-batch";

const NONCE = "abcdef0123456789abcdef0123456789";
const frame = (i: number, out: string, err: string, code: number) =>
  `${NONCE}:${i}:out\n${out}\n${NONCE}:${i}:err\n${err}\n${NONCE}:${i}:exit:${code}\n`;

describe("batch command", () => {
  it("is one sh -c script that runs every argv, quoted", () => {
    const argv = buildBatchCommand([["pct", "config", "100"], ["echo", "a b"]], NONCE);
    assert.deepEqual(argv.slice(0, 2), ["sh", "-c"]);
    assert.match(argv[2]!, /^pct config 100 <\/dev\/null/m);
    assert.match(argv[2]!, /^echo 'a b' <\/dev\/null/m);
  });

  it("never contains the whole nonce, so a process listing cannot leak a marker", () => {
    assert.equal(buildBatchCommand([["true"]], NONCE)[2]!.includes(NONCE), false);
  });

  it("refuses a guessable nonce", () => {
    assert.throws(() => buildBatchCommand([["true"]], "short"), { code: "internal" });
  });
});

describe("batch output parsing", () => {
  it("splits stdout, stderr and exit code per command", () => {
    const text = frame(0, "status: running\n", "", 0) + frame(1, "", "CT is locked (backup)\n", 255);
    assert.deepEqual(parseBatchOutput(text, NONCE, 2), [
      { stdout: "status: running\n", stderr: "", exitCode: 0 },
      { stdout: "", stderr: "CT is locked (backup)\n", exitCode: 255 },
    ]);
  });

  it("keeps output that has no trailing newline exactly", () => {
    assert.deepEqual(parseBatchOutput(frame(0, "no newline", "err", 3), NONCE, 1), [{ stdout: "no newline", stderr: "err", exitCode: 3 }]);
  });

  it("ignores a login banner before the first frame", () => {
    assert.equal(parseBatchOutput("Welcome!\n" + frame(0, "x", "", 0), NONCE, 1)[0]!.stdout, "x");
  });

  it("does not take a marker with another nonce for a frame", () => {
    const forged = `\n${"0".repeat(32)}:0:err\nforged`;
    assert.equal(parseBatchOutput(frame(0, forged, "", 0), NONCE, 1)[0]!.stdout, forged);
  });

  it("reports a batch cut off before its last command", () => {
    const text = frame(0, "a", "", 0) + `${NONCE}:1:out\npartial`;
    assert.throws(() => parseBatchOutput(text, NONCE, 2), (e: unknown) => e instanceof ParseError && /command 2/.test(e.message));
  });
});
