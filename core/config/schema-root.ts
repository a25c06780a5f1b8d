/**
 * The schema of the whole `phoenix_lxc_configs.json`.
 *
 * Every schema is constructed inside a function and never stored at module level: a Pulumi dynamic provider
 * serializes the closures it captures, and a module-level zod schema (with its prototype chain and registries)
 * breaks that serialization. Building the schema costs well under a millisecond-scale fraction of a run.
 */
import { z } from "zod";
import * as P from "./constants";
import { buildContainerSchema } from "./schema-container";
import { buildRetentionSchema } from "./schema-parts";

/** `custom_features`: user-supplied features with the same guard/install/verify contract as built-ins. */
export function buildCustomFeaturesSchema() {
  const script = (role: string) =>
    z.string().regex(P.FILE_PATH_PATTERN, "expected a script path").describe(`${role} script, relative to the config file.`);
  return z
    .record(
      z.string().regex(P.FEATURE_NAME_PATTERN, "expected a feature name (lower-case letters, digits, '_' or '-')"),
      z.object({
        guard: script("Exits 0 when the feature is already installed (then install is skipped). The"),
        install: script("Installs the feature. The"),
        verify: script("Exits 0 when the installed feature works. The"),
        description: z.string().optional().describe("One line shown in plans."),
      }),
    )
    .describe('Features defined by you, e.g. {"monitoring": {"guard": "features/monitoring/guard.sh", ...}}; containers list them in features.');
}

/** The zod schema of the configuration file. */
export function buildConfigSchema() {
  return z
    .object({
      $schema: z.string().optional().describe('Path of this JSON Schema, e.g. "./phoenix_lxc_configs.schema.json" (for editors).'),
      nvidia_driver_version: z
        .string()
        .regex(P.DRIVER_VERSION_PATTERN, 'expected a driver version such as "580.76.05"')
        .optional()
        .describe('NVIDIA driver version installed in GPU containers, e.g. "580.76.05". Required when a container uses the nvidia feature.'),
      nvidia_repo_url: z
        .string()
        .regex(P.URL_PATTERN, "expected an http(s) or ftp URL")
        .optional()
        .describe("CUDA apt repository URL. Required when a container uses the nvidia feature."),
      nvidia_runfile_url: z
        .string()
        .regex(P.URL_PATTERN, "expected an http(s) or ftp URL")
        .optional()
        .describe("NVIDIA driver .run installer URL. Required when a container uses the nvidia feature."),
      snapshot_retention: buildRetentionSchema().optional(),
      custom_features: buildCustomFeaturesSchema().optional(),
      lxc_configs: z
        .record(
          z.string().regex(P.VMID_PATTERN, "expected a container ID of 3 to 9 digits, first digit 1-9 (PVE VMID 100..999999999)"),
          buildContainerSchema(),
        )
        .describe('The containers, keyed by CTID, e.g. {"900": {...}}.'),
    })
    .describe("Phoenix LXC: the desired state of Proxmox VE containers.");
}
