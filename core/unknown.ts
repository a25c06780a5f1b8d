/**
 * Pulumi's placeholder for an input that another resource computes and that preview cannot know yet: the SDK
 * hands it to a dynamic provider's `check` and `diff` as this exact string, in any field, at any depth.
 */

/** The value preview passes for an input computed from another resource (the Node SDK's unknown sentinel). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when any part of `value` is still unknown at preview. */
export function containsUnknown(value: unknown): boolean {
  return (JSON.stringify(value) ?? "").includes(UNKNOWN);
}
