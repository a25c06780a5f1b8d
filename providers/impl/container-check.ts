/**
 * `check` for the container resource: a last structural validation of the inputs before anything reaches a
 * node (the config loader has already checked the file; this guards programs that build inputs by hand).
 * The zod schema is built on first use and kept: this module is loaded only inside the provider process (the
 * serialized provider names it, see providers/lazy-provider.ts), and building it costs ~1 ms per call.
 */
import { z } from "zod";
import { ContainerInputs } from "../../core/container/inputs";

/** The value preview passes for an input computed from another resource (sdk/nodejs/runtime/rpc.ts). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

let inputsSchema: ReturnType<typeof buildInputsSchema> | undefined;

function buildInputsSchema() {
  const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
  return z.object({
    vmid: int(100, 999999999),
    node: z.string().min(1),
    connection: z.object({ host: z.string().min(1), port: int(1, 65535), user: z.string().min(1) }).passthrough(),
    owner: z.string().regex(/^\S+$/, "no spaces"),
    source: z.union([
      z.object({ kind: z.literal("template"), ostemplate: z.string().min(1) }),
      z.object({ kind: z.literal("clone"), fromVmid: int(100, 999999999), snapname: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{1,39}$/) }),
    ]),
    storage: z.string().min(1),
    rootfsGiB: z.number().positive(),
    unprivileged: z.boolean(),
    hostname: z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, "a DNS name"),
    memoryMiB: int(16),
    swapMiB: int(0),
    cores: int(1, 8192),
    lxcOptions: z.array(z.string().regex(/^lxc\.[A-Za-z0-9_.]+\s*(=|:)/, "a raw line 'lxc.key = value'").refine((s) => !/[\r\n]/.test(s), "no newlines")),
    running: z.boolean(),
    restartPolicy: z.enum(["restart", "never"]),
  }).passthrough();
}

/** Validates inputs; values still unknown at preview are not judged. */
export async function checkContainerInputs(_olds: ContainerInputs, news: ContainerInputs) {
  const result = (inputsSchema ??= buildInputsSchema()).safeParse(news);
  if (result.success) return { inputs: news };
  const failures = result.error.issues
    .filter((issue) => !(JSON.stringify(valueAt(news, issue.path)) ?? "").includes(UNKNOWN))
    .map((issue) => ({ property: issue.path.join("."), reason: issue.message }));
  return failures.length ? { inputs: news, failures } : { inputs: news };
}

function valueAt(value: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined), value);
}
