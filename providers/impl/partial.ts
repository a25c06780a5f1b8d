/**
 * Errors that tell the engine "the resource exists but failed to initialise": Pulumi records it in state
 * (with these properties) so the next `up` continues with it instead of creating a second one.
 */

/** Strips `undefined` (the gRPC Struct conversion rejects it) by a JSON round trip. */
export function plainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Wraps `cause` into the shape the dynamic-provider server turns into ErrorResourceInitFailed. */
export function partialFailure(id: string, properties: object, cause: unknown): Error {
  const message = cause instanceof Error ? cause.message : String(cause);
  const error = new Error(message, { cause }) as Error & { id: string; properties: object; reasons: string[] };
  error.id = id;
  error.properties = plainJson(properties);
  error.reasons = [message];
  return error;
}
