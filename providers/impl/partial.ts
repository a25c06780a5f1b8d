/**
 * Errors that tell the engine "the resource exists but failed to initialise": Pulumi records it in state
 * (with these properties) so the next `up` continues with it instead of creating a second one.
 */
import { BUG_HINT, PhoenixError } from "../../core/errors";

/** Strips `undefined` (the gRPC Struct conversion rejects it) by a JSON round trip. */
export function plainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Wraps `cause` into the shape the dynamic-provider server turns into ErrorResourceInitFailed: the same message
 * (its `next step:` line included) and the same code, so the failure stays one coded error.
 */
export function partialFailure(id: string, properties: object, cause: unknown): PhoenixError {
  const message = cause instanceof Error ? cause.message : String(cause);
  const coded = cause instanceof PhoenixError;
  const error = new PhoenixError(coded ? cause.code : "internal", message, { cause, hint: coded ? undefined : BUG_HINT }) as PhoenixError & { id: string; properties: object; reasons: string[] };
  error.id = id;
  error.properties = plainJson(properties);
  error.reasons = [message];
  return error;
}
