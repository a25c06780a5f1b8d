/**
 * The schema of one container definition (`lxc_configs."<ctid>"`). Built on call, never held at module level.
 *
 * Key names are the original Phoenix Hypervisor names (users already have those files). Unknown keys are
 * stripped here and reported by unknown-keys.ts (a warning, or an error when the key is a near miss of a known
 * one). "Changing this replaces the container" marks the fields the diff policy treats as replace.
 */
import { z } from "zod";
import * as P from "./constants";
import * as S from "./schema-parts";
import { buildVllmShape } from "./schema-vllm";
import { canonicalRawLxcLine } from "./variants";

/** The zod schema of one container definition. */
export function buildContainerSchema() {
  return z
    .object({
      name: z
        .string()
        .max(P.HOSTNAME_MAX, `expected at most ${P.HOSTNAME_MAX} characters`)
        .regex(P.HOSTNAME_PATTERN, "expected a hostname PVE accepts: letters, digits and inner '-', labels separated by '.' (no '_')")
        .describe('Hostname (pct --hostname), e.g. "vllm-qwen". Unique per node. Applied live.'),
      node: z
        .string()
        .regex(P.NODE_NAME_PATTERN, "expected a PVE node name (letters, digits, inner '-')")
        .optional()
        .describe('PVE node the container lives on, e.g. "pve1". Required when the stack defines several nodes. Changing this replaces the container.'),
      memory_mb: z.number().int().min(P.MEMORY_MIN_MIB).describe(`Memory limit in MiB (pct --memory), minimum ${P.MEMORY_MIN_MIB}. Applied live.`),
      swap_mb: z.number().int().min(0).optional().describe("Swap in MiB (pct --swap). Default: PVE's (512). Applied live."),
      cores: z.number().int().min(1).max(P.CORES_MAX).describe("CPU cores (pct --cores). Applied live."),
      template: z
        .string()
        .regex(P.TEMPLATE_PATTERN, 'expected a template volume ID such as "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst" or an absolute path')
        .optional()
        .describe(
          'OS template for pct create, e.g. "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst". ' +
            "Required unless clone_from_ctid is set. Changing this replaces the container.",
        ),
      clone_from_ctid: S.buildCtidRefSchema()
        .optional()
        .describe(
          'Create by cloning this container\'s template snapshot (its template_snapshot_name), e.g. "900". ' +
            "Also a dependency: the source is built first. Changing this replaces the container.",
        ),
      template_snapshot_name: S.buildSnapshotNameSchema()
        .optional()
        .describe('Makes this container a clone source: after it converges, snapshot it under this name (e.g. "final-form"). Clones use it as --snapname.'),
      storage_pool: z
        .string()
        .regex(P.STORAGE_ID_PATTERN, 'expected a PVE storage ID such as "local-lvm"')
        .describe('Storage for the root filesystem, e.g. "local-lvm". Changing this replaces the container.'),
      storage_size_gb: z.number().int().min(1).describe("Root filesystem size in GiB. Growing is live (pct resize); shrinking is refused."),
      network_config: S.buildNetworkSchema(),
      mac_address: z
        .string()
        .regex(P.UNICAST_MAC_PATTERN, "expected a unicast MAC address XX:XX:XX:XX:XX:XX (second hex digit even)")
        .optional()
        .describe('MAC of net0, e.g. "BC:24:11:99:00:20". Default: PVE generates one. Unique per node.'),
      ostype: z
        .enum(["debian", "devuan", "ubuntu", "centos", "fedora", "opensuse", "archlinux", "alpine", "gentoo", "nixos", "unmanaged"])
        .optional()
        .describe("PVE OS type (pct --ostype). @default detected from the template; needed (\"unmanaged\") for templates PVE cannot detect, such as busybox. Changing this replaces the container."),
      unprivileged: z.boolean().default(true).describe("Run unprivileged (pct --unprivileged). @default true. Changing this replaces the container."),
      features: z
        .array(z.string().regex(P.FEATURE_NAME_PATTERN, "expected a feature name (lower-case letters, digits, '_' or '-')"))
        .default([])
        .describe(
          `Features installed in order: ${P.BUILTIN_FEATURES.join(", ")}, or a name from custom_features. ` +
            "Each has a guard, so a converged container is left alone. @default []",
        ),
      gpu_assignment: z
        .union([z.string().regex(P.GPU_ASSIGNMENT_PATTERN, 'expected "none" or a comma list of GPU indices such as "0,1"'), z.array(z.number().int().min(0))], {
          error: 'expected "none", a comma list of GPU indices such as "0,1", or an array such as [0, 1]',
        })
        .optional()
        .describe('GPUs passed through for the nvidia feature: "none", "0,1" or [0, 1]. @default "none"'),
      portainer_role: z
        .enum(["server", "agent", "none", "infrastructure"])
        .default("none")
        .describe('Role for the portainer feature. @default "none"'),
      apparmor_profile: z
        .string()
        .regex(P.APPARMOR_PROFILE_PATTERN, "expected an AppArmor profile name")
        .optional()
        .describe(
          '"unconfined", or the name of a profile file under apparmor/ (e.g. "lxc-phoenix-v2") loaded on the node. ' +
            "Default: PVE's generated profile. Needs a restart.",
        ),
      apparmor_manages_nesting: z
        .boolean()
        .default(false)
        .describe("With a custom profile, let the profile allow nesting (lxc.apparmor.allow_nesting) instead of nesting=1. @default false"),
      pct_options: z
        .array(z.string().regex(P.PCT_FEATURE_PATTERN, 'expected a pct feature such as "nesting=1", "keyctl=1", "fuse=1", "mknod=1" or "mount=nfs;cifs"'))
        .default([])
        .describe('PVE container features (pct --features), e.g. ["nesting=1", "keyctl=1"]. Needs a restart. @default []'),
      lxc_options: z
        .array(z.string().regex(P.LXC_OPTION_PATTERN, 'expected a raw LXC option "lxc.<key>=<value>"').transform(canonicalRawLxcLine))
        .default([])
        .describe(
          'Raw LXC keys for the main section of the container config, e.g. ["lxc.mount.entry=/dev/fuse dev/fuse none bind,create=file"]. ' +
            'Also read: "lxc.key: value" and "lxc.key:value" (as PVE reads them; a warning says how to write them). Needs a restart. @default []',
        ),
      ports: z
        .array(
          z
            .string()
            .regex(P.PORT_MAPPING_PATTERN, 'expected "<host port>:<container port>" such as "8000:8000"')
            .refine((v) => v.split(":").every((p) => Number(p) >= 1 && Number(p) <= 65535), { error: "ports must be between 1 and 65535" }),
        )
        .default([])
        .describe('Port mappings "host:container" read by application scripts. @default []'),
      application_script: z
        .string()
        .regex(P.FILE_PATH_PATTERN, "expected a script path")
        .optional()
        .describe("Script pushed into the container and run after the features, to start the service."),
      health_check: S.buildHealthCheckSchema().optional(),
      health_checks: z.array(S.buildNamedCheckSchema()).default([]).describe("Named check scripts run after the application script. @default []"),
      firewall: S.buildFirewallSchema().optional(),
      dependencies: z
        .array(S.buildCtidRefSchema())
        .default([])
        .describe('Containers that must be converged first, e.g. ["953"]. Only ordering, no runtime check. @default []'),
      run_integration_tests: z.boolean().default(false).describe("Run integration_tests after converging. @default false"),
      integration_tests: z.unknown().optional().describe("Free-form integration test settings (any JSON value; not read by this tool)."),
      tests: S.buildTestsSchema().optional(),
      volumes: z.array(S.buildVolumeSchema()).default([]).describe("Storage-backed mount points (mpN) allocated by PVE. @default []"),
      zfs_volumes: z.array(S.buildVolumeSchema()).default([]).describe("Same as volumes, kept for old files. @default []"),
      mount_points: z.array(S.buildMountPointSchema()).default([]).describe("Host directories bind-mounted into the container. Bind mounts block PVE snapshots. @default []"),
      id_maps: z.array(S.buildIdMapSchema()).default([]).describe("lxc.idmap ranges for unprivileged containers. Needs a restart. @default []"),
      enable_lifecycle_snapshots: z.boolean().default(false).describe("The original system's snapshot before features and after converging; read and not acted on (a warning when true): final_snapshot and template_snapshot_name take its place. @default false"),
      snapshot_retention: S.buildRetentionSchema().optional(),
      snapshot_pins: z
        .array(S.buildSnapshotNameSchema())
        .default([])
        .describe("Snapshot names retention must never delete, e.g. [\"before-upgrade\"]. @default []"),
      final_snapshot: z.boolean().optional().describe("Take a snapshot (phx-<UTC time>) at the end of every up that changed the container or one of its steps; retention then prunes the old ones. An up that changes nothing takes none. @default true, false for a container with mount_points (PVE cannot snapshot bind mounts)"),
      boot_order: z.number().int().min(0).optional().describe("Start order at boot (pct --startup order=N); lower starts first."),
      boot_delay: z.number().int().min(0).optional().describe("Seconds to wait after starting it (pct --startup up=N)."),
      start_at_boot: z.boolean().default(false).describe("Start when the node boots (pct --onboot). @default false"),
      started: z
        .boolean()
        .default(true)
        .describe("Keep the container running: an up that finds it stopped (node reboot, phoenix stop; seen with --refresh) starts it. false leaves its run state to you (phoenix start/stop); a new container is started either way. @default true"),
      tags: z
        .array(z.string().regex(P.TAG_PATTERN, "expected a PVE tag (letters, digits, '_', '-', '+', '.'; not starting with '-', '+' or '.')"))
        .default([])
        .describe('PVE tags, e.g. ["gpu", "llm"]. PVE lower-cases and sorts them. @default []'),
      restart_policy: z
        .enum(["restart", "never"])
        .default("restart")
        .describe('When a change needs a restart: "restart" does it, "never" reports it and leaves the container running. @default "restart"'),
      adopt: z
        .boolean()
        .default(false)
        .describe("Take over an existing container with this ID that lacks this tool's ownership marker. @default false"),
      trigger_sync_on_completion: z.boolean().default(false).describe("Run the post-converge sync hook. @default false"),
      bootstrap_ca_url: z.string().regex(P.URL_PATTERN, "expected an http(s) URL").optional().describe("CA bootstrap URL passed to features."),
      ...buildVllmShape(),
    })
    .describe("One LXC container, keyed by its CTID.");
}
