/**
 * The bookkeeping of the simulator's stress test: runs tool invocations on a node over real SSH, and judges each
 * against what real PVE may answer. A command either succeeds with the expected stderr, or fails with one of the
 * PVE errors it was written to collide into; anything else (a crash, a torn file, an error nobody asked for) is
 * recorded as unexpected. The verdict does not depend on timing: every interleaving has its allowed answers.
 */
import { SshPool } from "../../host/ssh-pool";
import type { NodeTarget } from "../../host/transport";

/** One invocation and the answers real PVE may give it under concurrency. */
export interface StressOp {
  /** The tool's argv, e.g. `["pct", "set", "201", "--memory", "512"]`. */
  argv: string[];
  /** Whole stderr texts (lock-wait lines removed) a failure may print: the collisions the op was meant to hit. */
  mayFail?: RegExp[];
  /** Whole stderr texts a success may print (a warning). @default only "" */
  mayWarn?: RegExp[];
}

/** What an invocation returned. */
export interface StressResult {
  node: string;
  argv: string[];
  exitCode: number | null;
  stdout: string;
  /** stderr without PVE's `trying to acquire lock...` / ` OK` lines (waiting for a flock is normal). */
  stderr: string;
  /** True when it succeeded cleanly (exit 0, no stderr beyond an allowed warning). */
  ok: boolean;
}

/** Lock waits are not failures: `lock_file_full` prints these when it had to wait and then got the lock. */
function stripLockWait(stderr: string): string {
  return stderr.replace(/^trying to acquire lock\.\.\.\n/gm, "").replace(/^ OK\n/gm, "");
}

/** Runs ops on nodes and keeps every result and every unexpected one. */
export class StressRunner {
  readonly results: StressResult[] = [];
  readonly unexpected: string[] = [];

  /**
   * @param pool the SSH pool to the nodes
   * @param lockTimeoutS the simulator's flock timeout for these commands: long, so a slow machine cannot turn a
   *   lock wait into a timeout the op was not meant to hit
   */
  constructor(private readonly pool: SshPool, private readonly lockTimeoutS = 120) {}

  /** Runs one op and judges its answer. */
  async run(node: NodeTarget, op: StressOp): Promise<StressResult> {
    const r = await this.pool.exec(node, ["env", `PHOENIX_SIM_LOCK_TIMEOUT_S=${this.lockTimeoutS}`, ...op.argv], { timeoutMs: 300_000 });
    const stderr = stripLockWait(r.stderr);
    // pct resize and push have no $upid_exit: their task errors exit 0 with the error on stderr.
    const clean = r.exitCode === 0 && (stderr === "" || (op.mayWarn ?? []).some((re) => re.test(stderr)));
    const result: StressResult = { node: node.name, argv: op.argv, exitCode: r.exitCode, stdout: r.stdout, stderr, ok: clean };
    this.results.push(result);
    if (!clean && !(op.mayFail ?? []).some((re) => re.test(stderr))) {
      this.unexpected.push(`${node.name}: ${op.argv.join(" ")} → exit ${r.exitCode}: ${JSON.stringify(stderr)}`);
    }
    return result;
  }

  /** Runs ops all at once. */
  all(node: NodeTarget, ops: StressOp[]): Promise<StressResult[]> {
    return Promise.all(ops.map((op) => this.run(node, op)));
  }

  /** Records a broken invariant (a state real PVE could not end in). */
  fail(what: string): void {
    this.unexpected.push(what);
  }
}

/** `pct <args>`. */
export function pct(...args: string[]): StressOp {
  return { argv: ["pct", ...args] };
}

/** Adds allowed failures to an op. */
export function mayFail(op: StressOp, ...errors: RegExp[]): StressOp {
  return { ...op, mayFail: [...(op.mayFail ?? []), ...errors] };
}
