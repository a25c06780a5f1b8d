/**
 * Progress of an engine run from its events: one line per resource step as it finishes, with the time it took
 * (`✓ ct-950-feature-docker  12.3s`, `✗ …`), and, on a terminal, a live view of the steps still in flight that is
 * redrawn in place. Also collects what the commands report afterwards: the `[phoenix]` diagnostics per
 * container, the engine's errors per failed resource, and the ops per container.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { ctidOfUrn, stepNameOfUrn } from "./targets";

/** One resource step of the run. */
export interface StepRecord {
  urn: string;
  /** Resource name, e.g. `ct-950-feature-docker`. */
  name: string;
  /** Container it belongs to, if any. */
  ctid?: number;
  /** Engine op: create, update, same, delete, replace, … */
  op: string;
  startedMs: number;
  endedMs?: number;
  /** True done, false failed, undefined in flight. */
  ok?: boolean;
}

/** Options of {@link ProgressTracker}. */
export interface ProgressOptions {
  /** Where progress lines go (the CLI's stderr). Nothing is written when omitted. */
  write?: (text: string) => void;
  /** Redraw the in-flight steps in place (a terminal, not CI). @default false */
  live?: boolean;
  /** Print step lines at all (preview prints its own report instead). @default true */
  printSteps?: boolean;
  /** Clock in ms. @default Date.now */
  now?: () => number;
}

const PHOENIX_PREFIX = "[phoenix] ";

/** Formats elapsed milliseconds as `12.3s` (or `2m05s` from a minute on). */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, "0")}s`;
}

/** True for resources a user thinks of as steps (not the stack, providers or the grouping components). */
function isStep(type: string): boolean {
  return !type.startsWith("pulumi:") && !type.startsWith("phoenix:lxc:");
}

/** Consumes engine events; see the module comment. */
export class ProgressTracker {
  /** Steps by URN, in the order they started. */
  readonly steps = new Map<string, StepRecord>();
  /** The engine's error messages per URN (failed resources), and under "" those not tied to one. */
  readonly errors = new Map<string, string[]>();
  /** `[phoenix]` diagnostics per container (prefix removed), in arrival order. */
  readonly messages = new Map<number, string[]>();
  /** Warnings not tied to a container (e.g. config warnings). */
  readonly warnings: string[] = [];
  private readonly now: () => number;
  private liveLines = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: ProgressOptions = {}) {
    this.now = options.now ?? Date.now;
    if (options.live && options.write) {
      this.timer = setInterval(() => this.redraw(), 250);
      this.timer.unref();
    }
  }

  /** Feeds one engine event. */
  onEvent(event: EngineEvent): void {
    if (event.resourcePreEvent) this.started(event.resourcePreEvent.metadata.urn, event.resourcePreEvent.metadata.type, event.resourcePreEvent.metadata.op);
    else if (event.resOutputsEvent) this.ended(event.resOutputsEvent.metadata.urn, true);
    else if (event.resOpFailedEvent) this.ended(event.resOpFailedEvent.metadata.urn, false);
    else if (event.diagnosticEvent) this.diagnostic(event.diagnosticEvent.message, event.diagnosticEvent.severity, event.diagnosticEvent.urn);
  }

  /** Stops the live view (clears it); call once the run is over. */
  finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clearLive();
  }

  /** The steps of one op kind that changed something (not `same`), for summaries. */
  changedSteps(): StepRecord[] {
    return [...this.steps.values()].filter((s) => s.op !== "same");
  }

  private started(urn: string, type: string, op: string): void {
    if (!isStep(type)) return;
    this.steps.set(urn, { urn, name: stepNameOfUrn(urn), ctid: ctidOfUrn(urn), op, startedMs: this.now() });
    this.redraw();
  }

  private ended(urn: string, ok: boolean): void {
    const step = this.steps.get(urn);
    if (!step || step.ok !== undefined) return;
    step.endedMs = this.now();
    step.ok = ok;
    if (step.op === "same" && ok) return this.redraw();
    this.print(`${ok ? "✓" : "✗"} ${step.name}${step.op === "create" || step.op === "same" ? "" : ` (${step.op})`}  ${formatElapsed(step.endedMs - step.startedMs)}\n`);
  }

  private diagnostic(raw: string, severity: string, urn: string | undefined): void {
    const message = raw.replace(/\n+$/, "");
    if (severity === "error") {
      const key = urn ?? "";
      this.errors.set(key, [...(this.errors.get(key) ?? []), message]);
      return;
    }
    for (const line of message.split("\n")) {
      const at = line.indexOf(PHOENIX_PREFIX);
      if (at >= 0) {
        const text = line.slice(at + PHOENIX_PREFIX.length);
        const ctid = (urn ? ctidOfUrn(urn) : undefined) ?? Number(/^CT (\d+)\b/.exec(text)?.[1] ?? NaN);
        if (Number.isInteger(ctid)) this.messages.set(ctid, [...(this.messages.get(ctid) ?? []), text]);
        if (this.options.printSteps !== false) this.print(`  ${text}\n`);
      } else if (severity === "warning" && line.trim() !== "") this.warnings.push(line);
    }
  }

  private print(line: string): void {
    if (!this.options.write) return;
    this.clearLive();
    if (this.options.printSteps !== false) this.options.write(line);
    this.drawLive();
  }

  private redraw(): void {
    if (!this.options.live || !this.options.write) return;
    this.clearLive();
    this.drawLive();
  }

  private clearLive(): void {
    if (this.liveLines > 0 && this.options.write) this.options.write(`\x1b[${this.liveLines}A\x1b[J`);
    this.liveLines = 0;
  }

  private drawLive(): void {
    if (!this.options.live || !this.options.write) return;
    const inFlight = [...this.steps.values()].filter((s) => s.ok === undefined && s.op !== "same");
    if (inFlight.length === 0) return;
    const now = this.now();
    this.options.write(inFlight.map((s) => `… ${s.name}  ${formatElapsed(now - s.startedMs)}\n`).join(""));
    this.liveLines = inFlight.length;
  }
}
