/**
 * Turns zod issues into {@link ConfigIssue}s a person can act on: `PATH: expected …, found …`, one issue per
 * unknown key with "did you mean". Messages written in the schema as "expected …" are completed with the value
 * found; zod's own defaults are replaced per issue code.
 */
import type { z } from "zod";
import type { ConfigIssue } from "../errors";
import { didYouMean } from "./did-you-mean";
import { errorAt } from "./issue-kinds";

type Issue = z.core.$ZodIssue & { input?: unknown };
type AnySchema = z.core.$ZodType;

/** A JSON path for messages: `lxc_configs.950.network_config.ip`; odd keys quoted; `(root)` when empty. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path
    .map((k, i) => {
      const s = String(k);
      if (/^[A-Za-z0-9_$-]+$/.test(s)) return i === 0 ? s : `.${s}`;
      return `[${JSON.stringify(s)}]`;
    })
    .join("");
}

/** A short rendering of a found value: strings quoted (truncated), containers by kind. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return value.length === 0 ? "an empty array" : `an array of ${value.length}`;
  if (typeof value === "object") return "an object";
  return String(value);
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  array: "an array",
  object: "an object",
  record: "an object",
  null: "null",
};

/** The child schema at `key`, looking through optional/default/nullable wrappers. */
function child(schema: AnySchema | undefined, key: PropertyKey): AnySchema | undefined {
  const s = unwrap(schema);
  if (!s) return undefined;
  const def = s._zod.def as unknown as Record<string, unknown>;
  switch (def.type) {
    case "object":
      return (def.shape as Record<string, AnySchema>)[String(key)];
    case "record":
      return def.valueType as AnySchema;
    case "array":
      return def.element as AnySchema;
    case "union":
      for (const option of def.options as AnySchema[]) {
        const hit = child(option, key);
        if (hit) return hit;
      }
      return undefined;
    default:
      return undefined;
  }
}

function unwrap(schema: AnySchema | undefined): AnySchema | undefined {
  let s = schema;
  for (let i = 0; s && i < 10; i++) {
    const def = s._zod.def as unknown as Record<string, unknown>;
    if (def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "prefault") {
      s = def.innerType as AnySchema;
    } else if (def.type === "pipe") {
      s = def.in as AnySchema;
    } else return s;
  }
  return s;
}

function schemaAt(root: AnySchema, path: readonly PropertyKey[]): AnySchema | undefined {
  let s: AnySchema | undefined = root;
  for (const key of path) s = child(s, key);
  return unwrap(s);
}

/** True when the number schema at `path` only accepts integers (zod reports those as plain "number"). */
function isIntegerAt(root: AnySchema, path: readonly PropertyKey[]): boolean {
  const s = schemaAt(root, path) as { _zod: { def: { checks?: { _zod: { def: { format?: string } } }[] } } } | undefined;
  return (s?._zod.def.checks ?? []).some((c) => c._zod.def.format === "safeint" || c._zod.def.format === "int32");
}

/** The keys an object schema accepts at `path` (for did-you-mean). */
export function knownKeysAt(root: AnySchema, path: readonly PropertyKey[]): string[] {
  const u = schemaAt(root, path);
  if (!u || (u._zod.def as { type: string }).type !== "object") return [];
  return Object.keys((u._zod.def as unknown as { shape: object }).shape);
}

function bound(kind: "min" | "max", issue: { minimum?: number | bigint; maximum?: number | bigint; inclusive?: boolean; origin: string; exact?: boolean }, input: unknown): string {
  const n = Number(kind === "min" ? issue.minimum : issue.maximum);
  const word = kind === "min" ? (issue.inclusive === false ? "more than" : "at least") : issue.inclusive === false ? "less than" : "at most";
  switch (issue.origin) {
    case "string":
      if (kind === "min" && n === 1) return `expected a non-empty string, found ""`;
      return `expected ${word} ${n} characters, found ${describeValue(input)}`;
    case "array":
      return `expected ${word} ${n} item${n === 1 ? "" : "s"}, found ${Array.isArray(input) ? input.length : describeValue(input)}`;
    default:
      return `expected ${issue.origin === "int" ? "an integer" : "a number"} ${word} ${n}, found ${describeValue(input)}`;
  }
}

function withIntOrigin<T extends { origin: string; path: PropertyKey[] }>(issue: T, root: AnySchema | undefined): T {
  return issue.origin === "number" && root !== undefined && isIntegerAt(root, issue.path) ? { ...issue, origin: "int" } : issue;
}

/** One human message for a zod issue (the path is formatted separately). */
function messageFor(issue: Issue, root?: AnySchema): string {
  const found = describeValue(issue.input);
  if (issue.message.startsWith("expected ")) return `${issue.message}, found ${found}`;
  switch (issue.code) {
    case "invalid_type": {
      const integer = issue.expected === "number" && root !== undefined && isIntegerAt(root, issue.path);
      const want = integer ? TYPE_NAMES.int : (TYPE_NAMES[issue.expected] ?? issue.expected);
      if (issue.input === undefined) return `required field is missing (expected ${want})`;
      return `expected ${want}, found ${found}`;
    }
    case "too_small":
      return bound("min", withIntOrigin(issue, root), issue.input);
    case "too_big":
      return bound("max", withIntOrigin(issue, root), issue.input);
    case "invalid_value": {
      const list = issue.values.map((v) => JSON.stringify(v)).join(", ");
      const hint = typeof issue.input === "string" ? didYouMean(issue.input, issue.values.map(String)) : "";
      return `expected ${issue.values.length === 1 ? list : `one of ${list}`}, found ${found}${hint}`;
    }
    case "invalid_format":
      return `expected a string matching ${issue.pattern ?? issue.format}, found ${found}`;
    case "not_multiple_of":
      return `expected a multiple of ${issue.divisor}, found ${found}`;
    default:
      return issue.message;
  }
}

/**
 * Converts zod issues into config issues (errors). Unknown keys reach here only from closed objects (the others
 * are stripped and reported by unknown-keys.ts); they expand into one issue each.
 */
export function convertZodIssues(issues: readonly z.core.$ZodIssue[], schema: AnySchema): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const raw of issues) {
    const issue = raw as Issue;
    if (issue.code === "unrecognized_keys") {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const hint = didYouMean(key, known);
        const list = !hint && known.length > 0 && known.length <= 8 ? `; expected one of ${known.join(", ")}` : "";
        out.push(errorAt(hint ? "misspelled-key" : "unknown-key", formatPath([...issue.path, key]), `unknown key${hint}${list}`));
      }
    } else if (issue.code === "invalid_key") {
      // The record key itself is wrong: report it at the key, with the key's own message.
      const inner = issue.issues.map((i) => messageFor({ ...i, input: (i as Issue).input } as Issue));
      out.push(errorAt("invalid-key", formatPath(issue.path), `invalid key: ${inner.join("; ")}`));
    } else if (issue.code === "invalid_element") {
      out.push(errorAt("schema", formatPath(issue.path), issue.message));
    } else {
      const message = messageFor(issue, schema);
      out.push(errorAt(message.startsWith("required field is missing") ? "required" : "schema", formatPath(issue.path), message));
    }
  }
  return out;
}
