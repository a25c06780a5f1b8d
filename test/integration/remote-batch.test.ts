import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { buildBatchCommand, parseBatchOutput } from "../../core/remote-batch";

/** Runs the batch with the local /bin/sh, as the node would, and parses it. */
function roundTrip(argvs: string[][]) {
  const nonce = randomBytes(16).toString("hex");
  const [cmd, ...args] = buildBatchCommand(argvs, nonce);
  const run = spawnSync(cmd!, args, { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return parseBatchOutput(run.stdout, nonce, argvs.length);
}

/** An argv that prints `out` on stdout, `err` on stderr and exits with `code`. */
const emit = (out: string, err: string, code: number) => [
  "sh",
  "-c",
  'printf "%s" "$1"; printf "%s" "$2" >&2; exit "$3"',
  "emit",
  out,
  err,
  String(code),
];

describe("batch over a real sh", () => {
  it("gives every command its own stdout, stderr and exit code", () => {
    assert.deepEqual(roundTrip([emit("a\n", "", 0), emit("", "boom\n", 255), emit("x", "y", 2)]), [
      { stdout: "a\n", stderr: "", exitCode: 0 },
      { stdout: "", stderr: "boom\n", exitCode: 255 },
      { stdout: "x", stderr: "y", exitCode: 2 },
    ]);
  });

  it("round-trips any text without NUL, binary-ish bytes included", () => {
    const text = fc.string({ unit: "binary", maxLength: 200 }).filter((s) => !s.includes("\0"));
    fc.assert(
      fc.property(text, text, fc.integer({ min: 0, max: 255 }), (out, err, code) => {
        assert.deepEqual(roundTrip([emit(out, err, code)]), [{ stdout: out, stderr: err, exitCode: code }]);
      }),
      { numRuns: 40 },
    );
  });

  it("survives bytes that are not UTF-8", () => {
    const [result] = roundTrip([["printf", "\\377\\001x"]]);
    assert.equal(result!.stdout, "\uFFFD\u0001x");
  });

  it("keeps a command's stdin away from the script", () => {
    assert.deepEqual(roundTrip([["cat"], emit("after", "", 0)]).map((r) => r.stdout), ["", "after"]);
  });

  it("reports a missing program as exit 127 and runs the next command", () => {
    const [missing, next] = roundTrip([["phoenix-no-such-program"], emit("ok", "", 0)]);
    assert.equal(missing!.exitCode, 127);
    assert.equal(next!.stdout, "ok");
  });
});
