/**
 * The one-command feature converge, run by a real `sh` here (the same driver a container runs): the install only
 * when the guard fails, verify only after a good install, each step's output and exit code, markers that step
 * output cannot fake, and the output split correctly however the stream is chunked.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { buildFeatureConvergeArgv, ConvergeOutputParser, ConvergeStep, StepOutcome } from "../../core/features/converge-script";

const NONCE = "0123456789abcdef0123456789abcdef";

/** Runs the argv with a real sh and parses its stdout, fed in chunks of `chunk` characters. */
function run(scripts: { guard: string; install: string; verify: string }, chunk = 7) {
  const argv = buildFeatureConvergeArgv("demo", scripts, { PHX_NAME: "demo value" }, NONCE);
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
  const lines: [ConvergeStep, string][] = [];
  const parser = new ConvergeOutputParser(NONCE, { onLine: (step, line) => lines.push([step, line]) });
  for (let i = 0; i < r.stdout.length; i += chunk) parser.push(r.stdout.slice(i, i + chunk));
  return { exit: r.status, steps: parser.finished, lines, argv };
}

const steps = (xs: StepOutcome[]) => xs.map((s) => [s.step, s.exitCode, s.output]);

describe("feature converge in one command", () => {
  it("stops after a passing guard: nothing is installed", () => {
    const r = run({ guard: 'echo "have $PHX_NAME"', install: "echo SHOULD-NOT-RUN", verify: "echo SHOULD-NOT-RUN" });
    assert.equal(r.exit, 0);
    assert.deepEqual(steps(r.steps), [["guard", 0, "have demo value\n"]]);
  });

  it("installs and verifies when the guard fails, with stderr in the step's output", () => {
    const r = run({ guard: "echo missing >&2; exit 3", install: "echo one; echo two >&2; printf 'no newline'", verify: "echo ok; exit 0" });
    assert.equal(r.exit, 0);
    assert.deepEqual(steps(r.steps), [["guard", 3, "missing\n"], ["install", 0, "one\ntwo\nno newline\n"], ["verify", 0, "ok\n"]]);
    assert.deepEqual(r.lines.filter(([s, l]) => s === "install" && l !== ""), [["install", "one"], ["install", "two"], ["install", "no newline"]]);
  });

  it("does not verify after a failed install, and exits with the install's code", () => {
    const r = run({ guard: "exit 1", install: "echo E: broken; exit 100", verify: "echo SHOULD-NOT-RUN" });
    assert.equal(r.exit, 100);
    assert.deepEqual(steps(r.steps), [["guard", 1, ""], ["install", 100, "E: broken\n"]]);
  });

  it("reports a failing verify with its code", () => {
    const r = run({ guard: "false", install: "true", verify: "echo 'service did not answer'; exit 4" });
    assert.equal(r.exit, 4);
    assert.deepEqual(steps(r.steps).at(-1), ["verify", 4, "service did not answer\n"]);
  });

  it("a step printing a marker of another nonce, or half of this one, is output, not a step", () => {
    const r = run({ guard: `echo 'ffffffffffffffffffffffffffffffff:guard:0'; echo '${NONCE.slice(0, 16)}:guard:0'; exit 2`, install: "true", verify: "true" }, 1);
    assert.deepEqual(r.steps.map((s) => s.step), ["guard", "install", "verify"]);
    assert.equal(r.steps[0]!.exitCode, 2);
    assert.equal(r.argv.some((a) => a.includes(NONCE)), false, "the whole nonce is never on the command line");
  });

  it("keeps the unfinished step's output when the command is cut off", () => {
    const parser = new ConvergeOutputParser(NONCE);
    parser.push(`\n${NONCE}:guard:1\nstep 1 of 3\nstep 2`);
    assert.deepEqual(parser.unfinished(), { step: "install", output: "step 1 of 3\nstep 2" });
  });
});
