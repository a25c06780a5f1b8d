/**
 * The best-effort reading of a file that fails the schema: every part that parses is kept (with its defaults),
 * every part that does not is dropped. The cross-checks run on it, so a schema problem in one container never
 * hides a dangling clone source, a cycle or a duplicate address elsewhere.
 */
import type { z } from "zod";
import type { PhoenixConfig } from "./types";

type AnySchema = z.core.$ZodType;
type Def = Record<string, unknown> & { type: string };

/**
 * A value read as far as it is valid: objects lose their invalid keys (so every key is optional), arrays keep
 * their length with `undefined` where an element is invalid (so JSON paths keep their indices).
 */
export type Salvaged<T> = T extends readonly (infer E)[]
  ? (Salvaged<E> | undefined)[]
  : T extends object
    ? { [K in keyof T]?: Salvaged<T[K]> }
    : T;

/** The configuration as the cross-checks see it: a valid file, or what could be read of an invalid one. */
export type ConfigView = Salvaged<PhoenixConfig>;

/** One container of a {@link ConfigView}. */
export type ContainerView = NonNullable<NonNullable<ConfigView["lxc_configs"]>[string]>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Only the wrappers that keep the value's shape; a transform (pipe) is parsed as a whole, never taken apart. */
function unwrapShapeKeeping(schema: AnySchema): AnySchema {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const def = s._zod.def as unknown as Def;
    if (def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "prefault") s = def.innerType as AnySchema;
    else break;
  }
  return s;
}

/** Salvages `value` against `schema`; `ok: false` when nothing of it can be kept. */
export function salvageValue(schema: AnySchema, value: unknown): { ok: true; value: unknown } | { ok: false } {
  const parsed = (schema as z.ZodType).safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const s = unwrapShapeKeeping(schema);
  const def = s._zod.def as unknown as Def;
  if (def.type === "object" && isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(def.shape as Record<string, AnySchema>)) {
      const r = salvageValue(field, value[key]);
      if (r.ok && r.value !== undefined) out[key] = r.value;
    }
    return { ok: true, value: out };
  }
  if (def.type === "array" && Array.isArray(value)) {
    return { ok: true, value: value.map((v) => { const r = salvageValue(def.element as AnySchema, v); return r.ok ? r.value : undefined; }) };
  }
  if (def.type === "record" && isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (!(def.keyType as z.ZodType).safeParse(key).success) continue;
      const r = salvageValue(def.valueType as AnySchema, v);
      if (r.ok) out[key] = r.value;
    }
    return { ok: true, value: out };
  }
  return { ok: false };
}

/** The {@link ConfigView} of a raw configuration value (empty when the root is not even an object). */
export function salvageConfig(schema: AnySchema, raw: unknown): ConfigView {
  const r = salvageValue(schema, raw);
  return (r.ok && isObject(r.value) ? r.value : {}) as ConfigView;
}
