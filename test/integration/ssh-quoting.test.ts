/**
 * The acceptance property of the command layer: any argv (no NUL) reaches the remote program unchanged through
 * quoteArgv, a real sshd and the node's bash. printf '%s\0' echoes each argument NUL-terminated.
 *
 * One exec costs ~10 ms of CPU (sshd fork, three bash start-ups) on a 2-core machine, so the 10,000-argv run sends
 * several quoted command lines per exec, one per line, exactly as quoteArgv made them; a smaller run sends one per
 * exec, the shape the product uses.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { quoteArgv } from "../../core/shell-quote";
import { SshPool } from "../../host/ssh-pool";
import type { NodeTarget } from "../../host/transport";
import { startTestNodes, type TestNodes } from "../helpers/sshd";

const PARALLEL = 8;
const LINES_PER_EXEC = 8;
const ARGVS = 10_000;
const SINGLE_ARGVS = 512;

/** One character, biased towards what a shell would interpret. */
const shellChar = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(..." '\"$()`\n;|&<>*?~#!-\\\t{}[]=%^,.:@+/\r") },
  { weight: 3, arbitrary: fc.constantFrom(..."abcXYZ019_") },
  { weight: 2, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }).filter((c) => c !== "\0") },
);
/** Whole arguments that are classic injection or option-parsing traps. */
const trap = fc.constantFrom("", "-n", "-e", "--", "-", "$(id)", "`id`", "'", "''", "\\", "*", "~root", "!!", "${HOME}", "a b", "$'x'", "%s", "%b", "\\0");
const arg = fc.oneof({ weight: 4, arbitrary: fc.string({ unit: shellChar, maxLength: 24 }) }, { weight: 1, arbitrary: trap });
const argv = fc.array(arg, { minLength: 1, maxLength: 6 });

function printfArgv(args: readonly string[]): string[] {
  return ["printf", "%s\\0", ...args];
}

/** Splits the concatenated output of several printf lines back into their argument lists, by their known lengths. */
function splitByLengths(stdout: string, lengths: readonly number[]): string[][] {
  const fields = stdout.split("\0");
  assert.equal(fields.pop(), "", "output must end with a NUL");
  let at = 0;
  return lengths.map((n) => fields.slice(at, (at += n)));
}

describe("argv round-trip through sshd and the remote bash", () => {
  let t: TestNodes;
  let pool: SshPool;
  let node: NodeTarget;
  before(async () => {
    t = await startTestNodes(1);
    node = t.nodes[0]!;
    pool = new SshPool({ credentials: t.credentials, maxChannelsPerConnection: PARALLEL });
  });
  after(async () => {
    await pool?.close();
    await t?.stop();
  });

  it(`delivers ${SINGLE_ARGVS} generated argv arrays, one per exec, byte for byte`, { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(argv, { minLength: PARALLEL, maxLength: PARALLEL }), async (batch) => {
        const results = await Promise.all(batch.map((args) => pool.exec(node, printfArgv(args))));
        results.forEach((r, i) => {
          assert.equal(r.exitCode, 0, r.stderr);
          assert.deepEqual(splitByLengths(r.stdout, [batch[i]!.length])[0], batch[i]);
        });
      }),
      { numRuns: SINGLE_ARGVS / PARALLEL },
    );
  });

  it(`delivers ${ARGVS} generated argv arrays, ${LINES_PER_EXEC} quoted lines per exec, byte for byte`, { timeout: 300_000 }, async () => {
    const script = fc.array(argv, { minLength: LINES_PER_EXEC, maxLength: LINES_PER_EXEC });
    await fc.assert(
      fc.asyncProperty(fc.array(script, { minLength: PARALLEL, maxLength: PARALLEL }), async (batch) => {
        const results = await Promise.all(
          batch.map((lines) => pool.exec(node, ["bash", "-c", lines.map((args) => quoteArgv(printfArgv(args))).join("\n")])),
        );
        results.forEach((r, i) => {
          assert.equal(r.exitCode, 0, r.stderr);
          assert.deepEqual(splitByLengths(r.stdout, batch[i]!.map((a) => a.length)), batch[i]);
        });
      }),
      { numRuns: Math.ceil(ARGVS / (PARALLEL * LINES_PER_EXEC)) },
    );
    assert.equal(pool.stats().connectionsOpened, 1, "every exec shared one connection");
  });
});
