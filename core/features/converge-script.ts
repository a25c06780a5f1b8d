/**
 * A feature's guard → install → verify in ONE command inside the container (one `pct exec`, one SSH round trip)
 * instead of three: every `pct` call is a perl start-up of a few hundred ms on a real node, and a cold fleet
 * installs every feature once. The install still runs only when the guard fails, and verify only after a
 * successful install, exactly as three separate runs would.
 *
 * Each step's output (stdout and stderr together, in the order written) is followed by a marker line
 * `<nonce>:<step>:<exit code>` on stdout. The nonce is passed in two halves and never appears whole in the
 * command line, so a step that prints the process list cannot forge a marker by accident.
 */
import { internalError } from "../errors";

/** The three scripts of a feature. */
export interface FeatureScripts {
  guard: string;
  install: string;
  verify: string;
}

/** The steps, in order. */
export type ConvergeStep = "guard" | "install" | "verify";

// $1 $2: nonce halves; $3–$5: the scripts; $6: the feature name (for $0 of each step, as single runs have).
const DRIVER = [
  'a=$1; b=$2; f=$6',
  "mark() { printf '\\n%s%s:%s:%s\\n' \"$a\" \"$b\" \"$1\" \"$2\"; }",
  'sh -c "$3" "phoenix-$f-guard" </dev/null 2>&1; rc=$?; mark guard $rc',
  '[ $rc -eq 0 ] && exit 0',
  'sh -c "$4" "phoenix-$f-install" </dev/null 2>&1; rc=$?; mark install $rc',
  '[ $rc -eq 0 ] || exit $rc',
  'sh -c "$5" "phoenix-$f-verify" </dev/null 2>&1; rc=$?; mark verify $rc',
  'exit $rc',
].join("\n");

/** The argv (inside the container) that converges one feature; `env` is passed to every step. */
export function buildFeatureConvergeArgv(feature: string, scripts: FeatureScripts, env: Record<string, string>, nonce: string): string[] {
  if (!/^[A-Za-z0-9]{16,128}$/.test(nonce)) throw internalError("a converge nonce is 16 to 128 random letters and digits");
  const half = Math.floor(nonce.length / 2);
  const name = feature.replace(/[^A-Za-z0-9_.-]/g, "-");
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return ["env", ...vars, "sh", "-c", DRIVER, `phoenix-${name}-converge`, nonce.slice(0, half), nonce.slice(half), scripts.guard, scripts.install, scripts.verify, name];
}

/** What one step printed and how it ended. */
export interface StepOutcome {
  step: ConvergeStep;
  exitCode: number;
  /** Its output, the last `maxOutput` characters. */
  output: string;
}

/**
 * Splits the streamed output of {@link buildFeatureConvergeArgv} into steps as it arrives: `onLine` gets each
 * complete line of the step running now, `onStep` each finished step. Pure; feed it every stdout chunk in order.
 */
export class ConvergeOutputParser {
  private pending = "";
  private current = "";
  private step: ConvergeStep = "guard";
  /** The steps finished so far, in order. */
  readonly finished: StepOutcome[] = [];
  private readonly marker: RegExp;

  constructor(
    nonce: string,
    private readonly handlers: { onLine?: (step: ConvergeStep, line: string) => void; onStep?: (outcome: StepOutcome) => void } = {},
    private readonly maxOutput = 64 * 1024,
  ) {
    this.marker = new RegExp(`^${nonce}:(guard|install|verify):(\\d+)$`);
  }

  /** Feeds one chunk of stdout. */
  push(chunk: string): void {
    this.pending += chunk;
    const lines = this.pending.split("\n");
    this.pending = lines.pop() ?? "";
    for (const line of lines) this.line(line);
  }

  /** What the step that never finished printed (the command was cut off or failed before its marker). */
  unfinished(): { step: ConvergeStep; output: string } {
    return { step: this.step, output: (this.current + this.pending).slice(-this.maxOutput) };
  }

  private line(line: string): void {
    const m = this.marker.exec(line);
    if (!m) {
      this.current = (this.current + line + "\n").slice(-this.maxOutput);
      this.handlers.onLine?.(this.step, line);
      return;
    }
    // The marker is printed after a newline of its own: drop that blank line from the step's output.
    const output = this.current.endsWith("\n\n") || this.current === "\n" ? this.current.slice(0, -1) : this.current;
    const outcome: StepOutcome = { step: m[1] as ConvergeStep, exitCode: Number(m[2]), output };
    this.finished.push(outcome);
    this.handlers.onStep?.(outcome);
    this.current = "";
    this.step = outcome.step === "guard" ? "install" : "verify";
  }
}
