/**
 * From a validated {@link PhoenixConfig} to the domain model: retention merged field by field, GPU lists
 * normalized, references as numbers, node resolved. Pure; assumes the cross-checks passed.
 */
import { PhoenixError } from "../errors";
import { takesFinalSnapshot } from "./check-snapshots";
import type { ContainerConfig, ContainerSpec, LoadOptions, PhoenixConfig, RetentionPolicy, VolumeSpec } from "./types";

const RETENTION_KEYS = ["keep_last", "keep_hourly", "keep_daily", "keep_weekly", "keep_monthly", "keep_yearly"] as const;

/**
 * The effective retention of one container: the root `snapshot_retention`, overridden key by key by the
 * container's own. An empty result means "keep everything" (the PBS rule when no keep-* is set).
 */
export function resolveRetention(config: PhoenixConfig, ctid: number | string): RetentionPolicy {
  const own = config.lxc_configs[String(ctid)]?.snapshot_retention ?? {};
  const merged: RetentionPolicy = {};
  for (const key of RETENTION_KEYS) {
    const value = own[key] ?? config.snapshot_retention?.[key];
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/** The outcome of reading `gpu_assignment`. */
export interface GpuAssignment {
  /** Sorted, de-duplicated indices; empty for none. */
  gpus: number[];
  /** The string form carried whitespace (the original `"0, 1"` that broke device paths). */
  hadWhitespace: boolean;
  /** Indices listed more than once. */
  duplicates: number[];
}

/** Normalizes `gpu_assignment` (`"none"`, `"0,1"`, `"0, 1"` or `[0, 1]`) into GPU indices. */
export function parseGpuAssignment(value: string | number[] | undefined): GpuAssignment {
  if (value === undefined) return { gpus: [], hadWhitespace: false, duplicates: [] };
  const list = typeof value === "string" ? (value.trim() === "none" ? [] : value.split(",").map((p) => Number(p.trim()))) : value;
  const seen = new Set<number>();
  const duplicates = new Set<number>();
  for (const gpu of list) (seen.has(gpu) ? duplicates : seen).add(gpu);
  return {
    gpus: [...seen].sort((a, b) => a - b),
    hadWhitespace: typeof value === "string" && /\s/.test(value),
    duplicates: [...duplicates],
  };
}

/**
 * The node a container lives on: its own `node`, else the loader's `defaultNode`, else the only node of the
 * stack; undefined when nothing names one (single-node use without a stack).
 */
export function resolveNode(container: Pick<ContainerConfig, "node">, options: LoadOptions): string | undefined {
  if (container.node !== undefined) return container.node;
  if (options.defaultNode !== undefined) return options.defaultNode;
  return options.nodes?.length === 1 ? options.nodes[0] : undefined;
}

/**
 * The node a container is reached on: {@link resolveNode} over the stack's `nodes`, which must then name one of
 * them. What the fleet builds on and the CLI's direct commands (status, snapshots, start/stop) talk to.
 */
export function requireStackNode(ctid: number, node: string | undefined, options: Required<Pick<LoadOptions, "nodes">> & Pick<LoadOptions, "defaultNode">): string {
  const chosen = resolveNode({ node }, options);
  if (chosen !== undefined && options.nodes.includes(chosen)) return chosen;
  throw new PhoenixError("config", `container ${ctid}: node '${chosen ?? "(none)"}' is not among the stack's nodes (${options.nodes.join(", ") || "none"})`, {
    hint: chosen === undefined ? `set "node" on container ${ctid}, or a default node: pulumi config set defaultNode <node>` : `add it: pulumi config set --path 'nodes.${chosen}.host' <address>`,
  });
}

function volumes(c: ContainerConfig): VolumeSpec[] {
  const map = (origin: VolumeSpec["origin"]) => (v: ContainerConfig["volumes"][number]): VolumeSpec => ({
    name: v.name,
    pool: v.pool,
    sizeGiB: v.size_gb,
    mountPoint: v.mount_point,
    origin,
  });
  return [...c.volumes.map(map("volumes")), ...c.zfs_volumes.map(map("zfs_volumes"))];
}

function vllmKeys(c: ContainerConfig): ContainerSpec["vllm"] {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(c)) if (key.startsWith("vllm") && value !== undefined) out[key] = value;
  return out as ContainerSpec["vllm"];
}

/** Builds the {@link ContainerSpec} of `ctid` from a configuration that passed validation. */
export function buildContainerSpec(config: PhoenixConfig, ctid: number, options: LoadOptions = {}): ContainerSpec {
  const c = config.lxc_configs[String(ctid)];
  if (c === undefined) {
    const known = Object.keys(config.lxc_configs);
    throw new PhoenixError("config", `container ${ctid} is not defined in lxc_configs (${known.length ? `defined: ${known.slice(0, 10).join(", ")}${known.length > 10 ? ", …" : ""}` : "none defined"})`, {
      hint: `name a container the file defines, or add "${ctid}" to lxc_configs`,
    });
  }
  const source: ContainerSpec["source"] =
    c.clone_from_ctid !== undefined
      ? {
          kind: "clone",
          fromCtid: Number(c.clone_from_ctid),
          snapshot: config.lxc_configs[c.clone_from_ctid]?.template_snapshot_name ?? "",
        }
      : { kind: "template", template: c.template ?? "" };
  const net = c.network_config;
  return {
    ctid,
    node: resolveNode(c, options),
    hostname: c.name,
    memoryMiB: c.memory_mb,
    swapMiB: c.swap_mb,
    cores: c.cores,
    source,
    storagePool: c.storage_pool,
    rootfsSizeGiB: c.storage_size_gb,
    network: {
      name: net.name,
      bridge: net.bridge,
      ip: net.ip,
      gateway: net.gw === undefined || net.gw === "" ? undefined : net.gw,
      nameservers: net.nameservers ?? [],
      mac: c.mac_address?.toUpperCase(),
    },
    unprivileged: c.unprivileged,
    ostype: c.ostype,
    features: [...c.features],
    gpus: parseGpuAssignment(c.gpu_assignment).gpus,
    portainerRole: c.portainer_role,
    apparmorProfile: c.apparmor_profile,
    apparmorManagesNesting: c.apparmor_manages_nesting,
    pctFeatures: [...c.pct_options],
    lxcOptions: [...c.lxc_options],
    ports: c.ports.map((p) => {
      const [host, container] = p.split(":").map(Number);
      return { host, container };
    }),
    applicationScript: c.application_script,
    healthCheck: c.health_check && { command: c.health_check.command, retries: c.health_check.retries, intervalSec: c.health_check.interval },
    healthChecks: c.health_checks.map((h) => ({ name: h.name, script: h.script, args: [...h.args] })),
    firewall: c.firewall,
    dependencies: c.dependencies.map(Number),
    volumes: volumes(c),
    bindMounts: c.mount_points.map((m) => ({
      hostPath: m.host_path,
      containerPath: m.container_path,
      ownerUid: m.owner_uid,
      ownerGid: m.owner_gid,
      readOnly: m.read_only,
    })),
    idMaps: c.id_maps,
    tests: c.tests ?? {},
    runIntegrationTests: c.run_integration_tests,
    templateSnapshotName: c.template_snapshot_name,
    retention: resolveRetention(config, ctid),
    snapshotPins: [...c.snapshot_pins],
    finalSnapshot: takesFinalSnapshot(c),
    bootOrder: c.boot_order,
    bootDelaySec: c.boot_delay,
    startAtBoot: c.start_at_boot,
    started: c.started,
    tags: [...new Set(c.tags.map((t) => t.toLowerCase()))].sort(),
    restartPolicy: c.restart_policy,
    adopt: c.adopt,
    triggerSyncOnCompletion: c.trigger_sync_on_completion,
    bootstrapCaUrl: c.bootstrap_ca_url,
    vllm: vllmKeys(c),
  };
}
