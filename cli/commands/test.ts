/**
 * `phoenix test <ctid> [--suite NAME]`: runs the container's `tests` suites from the containers file inside the
 * container (`pct exec <ctid> -- sh -c <script>`, exit 0 = pass) and reports PASS/FAIL per test.
 */
import * as path from "node:path";
import { CliIo, ExitCode } from "../io";
import { checkKnownCtids, openSession, runGuarded } from "../command-runner";
import { NodeAccess } from "../node-access";
import { readConfinedText } from "../../host/config-files";
import { COMMON_OPTIONS_HELP, ENGINE_ENV_HELP, parseCommand, parseCtids, UsageError } from "../options";

/** The help text of `phoenix test`. */
export const TEST_HELP = `Usage: phoenix test <ctid> [--suite NAME] [--json] [--stack NAME] [--cwd DIR] [--config FILE]

Run the container's test suites ("tests" in the containers file: suite → [{name, type: "script", path}],
paths relative to the containers file's directory) inside the running container, each script with
'pct exec <ctid> -- sh -c <script>'. Exit status 0 is a pass. Failures show the last lines of output.

Options:
  --suite NAME   run only this suite
  --json         print {passed, failed, tests: [{suite, name, ok, exitCode, seconds, outputTail}]}
${COMMON_OPTIONS_HELP}
  -h, --help     show this help

${ENGINE_ENV_HELP}

Exit codes:
  0  every test passed (or the container has no tests)
  1  a test failed, a script cannot be read, or the container is not running
  2  bad arguments, an unknown suite, or a CTID the containers file does not have
  3  the node was unreachable, no Pulumi CLI, or no nodes in stack config`;

const TAIL_LINES = 20;

/** One test's result. */
export interface TestResult {
  suite: string;
  name: string;
  ok: boolean;
  exitCode: number | null;
  seconds: number;
  outputTail: string;
}

/** The last lines of a test's combined output. */
export function tailOutput(stdout: string, stderr: string, lines = TAIL_LINES): string {
  return `${stdout}${stdout && !stdout.endsWith("\n") ? "\n" : ""}${stderr}`.trimEnd().split("\n").slice(-lines).join("\n");
}

/** Runs `phoenix test`; resolves to the exit code. */
export async function runTestCommand(argv: string[], io: CliIo): Promise<number> {
  return runGuarded("test", io, async () => {
    const { common, values, positionals } = parseCommand(argv, { suite: { type: "string" } });
    if (common.help) {
      io.stdout(`${TEST_HELP}\n`);
      return ExitCode.ok;
    }
    const ctids = parseCtids(positionals);
    if (ctids.length !== 1) throw new UsageError("name exactly one container, e.g. phoenix test 950");
    const ctid = ctids[0]!;
    const session = await openSession(common, io);
    checkKnownCtids(session.config, ctids);
    const spec = session.config.specs.get(ctid)!;
    const suiteName = values.suite as string | undefined;
    const suites = Object.entries(spec.tests).filter(([name]) => suiteName === undefined || name === suiteName);
    if (suiteName !== undefined && suites.length === 0) throw new UsageError(`CT ${ctid} has no test suite '${suiteName}' (it has ${Object.keys(spec.tests).join(", ") || "none"})`);
    const baseDir = path.dirname(session.settings.configFile);
    const access = new NodeAccess(session.settings);
    const results: TestResult[] = [];
    try {
      const client = access.clientFor(spec);
      for (const [suite, tests] of suites) {
        for (const test of tests) {
          const started = Date.now();
          const script = readConfinedText(test.path, `lxc_configs.${ctid}.tests.${suite}.${tests.indexOf(test)}.path`, { configDir: baseDir, roots: session.settings.fileRoots });
          const r = await client.exec(ctid, ["sh", "-c", script], { timeoutMs: 600_000 });
          const result: TestResult = { suite, name: test.name, ok: r.exitCode === 0, exitCode: r.exitCode, seconds: (Date.now() - started) / 1000, outputTail: tailOutput(r.stdout, r.stderr) };
          results.push(result);
          if (!common.json) {
            io.stdout(`${result.ok ? "PASS" : "FAIL"}  ${suite} / ${test.name}  (${result.seconds.toFixed(1)}s)\n`);
            if (!result.ok) io.stdout(`${result.outputTail.split("\n").map((l) => `      ${l}`).join("\n")}\n      exit code: ${r.exitCode ?? r.signal}\n`);
          }
        }
      }
    } finally {
      await access.close();
    }
    const failed = results.filter((r) => !r.ok).length;
    if (common.json) io.stdout(`${JSON.stringify({ passed: results.length - failed, failed, tests: results }, null, 2)}\n`);
    else io.stdout(results.length === 0 ? `CT ${ctid} has no tests\n` : `${results.length - failed} passed, ${failed} failed\n`);
    return failed ? ExitCode.failed : ExitCode.ok;
  });
}
