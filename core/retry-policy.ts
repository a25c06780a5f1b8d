/**
 * Which pct failures are worth retrying, and how long to wait: a pure decision, so the sequencer that acts on
 * it stays small and the policy is tested without clocks.
 */
import { PhoenixError } from "./errors";

/** Backoff settings. */
export interface BackoffOptions {
  /** Attempts in all, the first included. @default 6 */
  attempts: number;
  /** Delay before the second attempt. @default 250 */
  baseDelayMs: number;
  /** Upper bound of one delay. @default 4000 */
  maxDelayMs: number;
}

/** Defaults: about 10 s of patience in all, longer than PVE's own 10 s config-flock wait. */
export function defaultBackoff(): BackoffOptions {
  return { attempts: 6, baseDelayMs: 250, maxDelayMs: 4000 };
}

/**
 * Delay before attempt `attempt` (2 = first retry): exponential with "equal jitter", so parallel callers
 * that collided once do not collide again in lockstep. `random` is injected for deterministic tests.
 */
export function planBackoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exp = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 2));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** How the sequencer should treat one failure. */
export type FailureClass =
  /** The config flock was busy (another pct process); it frees itself: retry. */
  | "transient"
  /** The container carries a config lock: retry if a task holds it, report it as stuck otherwise. */
  | "locked"
  /** Anything else: surface it now. */
  | "fatal";

/** Classifies a failure for retry purposes. */
export function classifyForRetry(error: unknown): FailureClass {
  if (!(error instanceof PhoenixError)) return "fatal";
  if (error.code === "pct-lock-timeout") return "transient";
  if (error.code === "pct-locked") return "locked";
  return "fatal";
}
