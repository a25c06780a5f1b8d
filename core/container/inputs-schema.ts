/**
 * The last structural validation of a container resource's inputs before anything reaches a node (the provider's
 * `check`). The config loader has already checked the file; this guards programs that build inputs by hand. Every
 * value format is the config schema's own (core/config/constants.ts), so one fact has one pattern. The zod schema
 * is built on first use and kept (building it costs ~1 ms per call, once per container on every preview); it is
 * never built at load time, so the module stays safe for closure serialization.
 */
import { z } from "zod";
import * as P from "../config/constants";
import { buildSnapshotNameSchema } from "../config/schema-parts";
import { containsUnknown } from "../unknown";
import { ContainerInputs } from "./inputs";

/** The zod schema of {@link ContainerInputs}; fields it does not name pass through unchecked. */
export function buildContainerInputsSchema() {
  const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
  // The config writes a VMID as a key string; the inputs carry it as a number: the same digits rule.
  const vmid = () => z.number().int().refine((n) => P.VMID_PATTERN.test(String(n)), "a PVE VMID from 100 to 999999999");
  return z.object({
    vmid: vmid(),
    node: z.string().min(1),
    connection: z.object({ host: z.string().min(1), port: int(1, 65535), user: z.string().min(1) }).passthrough(),
    owner: z.string().regex(/^\S+$/, "no spaces"),
    source: z.union([
      z.object({ kind: z.literal("template"), ostemplate: z.string().regex(P.TEMPLATE_PATTERN, "a template volume ID or an absolute path") }),
      z.object({ kind: z.literal("clone"), fromVmid: vmid(), snapname: buildSnapshotNameSchema() }),
    ]),
    storage: z.string().regex(P.STORAGE_ID_PATTERN, "a PVE storage ID"),
    rootfsGiB: z.number().positive(),
    unprivileged: z.boolean(),
    hostname: z.string().max(P.HOSTNAME_MAX).regex(P.HOSTNAME_PATTERN, "a DNS name"),
    memoryMiB: int(P.MEMORY_MIN_MIB),
    swapMiB: int(0),
    cores: int(1, P.CORES_MAX),
    lxcOptions: z.array(z.string().regex(P.LXC_OPTION_PATTERN, "a raw line 'lxc.key = value'").refine((s) => !/[\r\n]/.test(s), "no newlines")),
    running: z.boolean(),
    restartPolicy: z.enum(["restart", "never"]),
  }).passthrough();
}

let inputsSchema: ReturnType<typeof buildContainerInputsSchema> | undefined;

/** One input the schema refuses: its dotted path and why. */
export interface InputFailure {
  /** Dotted path of the input, e.g. `source.snapname`. */
  property: string;
  /** What is wrong with it. */
  reason: string;
}

/** The inputs' failures, [] when they are fine; a value still unknown at preview is not judged. */
export function findContainerInputFailures(news: ContainerInputs): InputFailure[] {
  const result = (inputsSchema ??= buildContainerInputsSchema()).safeParse(news);
  if (result.success) return [];
  // One failure per input: a value can break several rules (a raw line with a newline fails the pattern and the
  // newline rule), and the engine prints each failure as its own line.
  const reasons = new Map<string, string[]>();
  for (const issue of result.error.issues) {
    if (containsUnknown(valueAt(news, issue.path))) continue;
    const property = issue.path.join(".");
    reasons.set(property, [...(reasons.get(property) ?? []), issue.message]);
  }
  return [...reasons].map(([property, list]) => ({ property, reason: list.join("; ") }));
}

function valueAt(value: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined), value);
}
