/**
 * Keys the schema does not know. Like kubectl's default field validation they are listed and ignored (a
 * warning): files of the original system carry keys for its other tools (`traefik_service`, `is_template`, …).
 * A near miss of a known key (`memroy_mb`, `Memory_MB`) is an error naming the key meant. Objects declared
 * closed (strict; retention) are reported by the schema itself and skipped here.
 */
import type { z } from "zod";
import type { ConfigIssue } from "../errors";
import { findNearMiss } from "./did-you-mean";
import { errorAt, warningAt } from "./issue-kinds";
import { formatPath } from "./issues";

type AnySchema = z.core.$ZodType;
type Def = Record<string, unknown> & { type: string };

const defOf = (s: AnySchema): Def => s._zod.def as unknown as Def;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Looks through optional/default/nullable wrappers and into the input side of pipes (transforms). */
export function unwrapSchema(schema: AnySchema): AnySchema {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(s);
    if (def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "prefault") s = def.innerType as AnySchema;
    else if (def.type === "pipe") s = def.in as AnySchema;
    else break;
  }
  return s;
}

/** What {@link findUnknownKeys} found. */
export interface UnknownKeys {
  /** One finding per unknown key. */
  issues: ConfigIssue[];
  /** JSON paths of the known keys that misspelled keys stand for (their "required" errors are consequences). */
  meantPaths: Set<string>;
}

/** Unknown keys of `value` against `schema`, recursively: warnings, or errors for near misses. */
export function findUnknownKeys(schema: AnySchema, value: unknown): UnknownKeys {
  const found: UnknownKeys = { issues: [], meantPaths: new Set() };
  walk(schema, value, [], found);
  return found;
}

function walk(schema: AnySchema, value: unknown, path: readonly PropertyKey[], found: UnknownKeys): void {
  const s = unwrapSchema(schema);
  const def = defOf(s);
  if (def.type === "object" && isObject(value)) {
    const shape = def.shape as Record<string, AnySchema>;
    const closed = def.catchall !== undefined && defOf(def.catchall as AnySchema).type === "never";
    const known = Object.keys(shape);
    for (const [key, v] of Object.entries(value)) {
      if (key in shape) walk(shape[key]!, v, [...path, key], found);
      else if (!closed) classify(key, known, path, found);
    }
  } else if (def.type === "array" && Array.isArray(value)) {
    value.forEach((v, i) => walk(def.element as AnySchema, v, [...path, i], found));
  } else if (def.type === "record" && isObject(value)) {
    for (const [key, v] of Object.entries(value)) walk(def.valueType as AnySchema, v, [...path, key], found);
  } else if (def.type === "union" && isObject(value)) {
    const option = (def.options as AnySchema[]).find((o) => defOf(unwrapSchema(o)).type === "object");
    if (option) walk(option, value, path, found);
  }
}

function classify(key: string, known: readonly string[], path: readonly PropertyKey[], found: UnknownKeys): void {
  const at = formatPath([...path, key]);
  const meant = findNearMiss(key, known);
  if (meant !== undefined) {
    found.issues.push(errorAt("misspelled-key", at, `unknown key; did you mean '${meant}'?`));
    found.meantPaths.add(formatPath([...path, meant]));
    return;
  }
  const list = known.length <= 8 ? ` (known here: ${known.join(", ")})` : "";
  found.issues.push(warningAt("unknown-key", at, `unknown key, ignored${list}; remove it unless another tool reads it`));
}
