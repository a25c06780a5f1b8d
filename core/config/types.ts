/**
 * Types of the configuration: the file as parsed (inferred from the zod schema, defaults applied) and the
 * normalized domain model the provider consumes.
 */
import type { z } from "zod";
import type { ConfigIssue } from "../errors";
import type { ConfigView } from "./salvage";
import type { buildConfigSchema } from "./schema-root";
import type { buildContainerSchema } from "./schema-container";
import type { buildRetentionSchema } from "./schema-parts";

/** The configuration file after validation, with defaults filled in. */
export type PhoenixConfig = z.output<ReturnType<typeof buildConfigSchema>>;

/** One container definition after validation (`lxc_configs."<ctid>"`), with defaults filled in. */
export type ContainerConfig = z.output<ReturnType<typeof buildContainerSchema>>;

/** A keep-* retention policy; an empty object keeps everything. */
export type RetentionPolicy = z.output<ReturnType<typeof buildRetentionSchema>>;

/** How a container is created: from an OS template, or by cloning another container's snapshot. */
export type ContainerSource =
  | { kind: "template"; template: string }
  | { kind: "clone"; fromCtid: number; snapshot: string };

/** A storage-backed mount point (`volumes` and `zfs_volumes` merged, in that order). */
export interface VolumeSpec {
  name: string;
  pool: string;
  sizeGiB: number;
  mountPoint: string;
  /** Which list it came from, so messages can name the key the user wrote. */
  origin: "volumes" | "zfs_volumes";
}

/** A host bind mount. */
export interface BindMountSpec {
  hostPath: string;
  containerPath: string;
  ownerUid?: number;
  ownerGid?: number;
  readOnly: boolean;
}

/**
 * The validated, normalized model of one container: what providers and planners consume. Units are in the
 * field names; references are numbers; lists are never undefined.
 */
export interface ContainerSpec {
  /** The CTID (PVE VMID). */
  ctid: number;
  /** PVE node name; undefined when neither the file nor the loader options name one (single-node use). */
  node?: string;
  hostname: string;
  memoryMiB: number;
  /** Undefined: leave PVE's default. */
  swapMiB?: number;
  cores: number;
  source: ContainerSource;
  storagePool: string;
  rootfsSizeGiB: number;
  network: {
    name: string;
    bridge: string;
    /** `dhcp`, `manual` or IPv4/CIDR. */
    ip: string;
    /** Undefined when absent or empty. */
    gateway?: string;
    nameservers: string[];
    /** Upper-case, as PVE stores it; undefined lets PVE generate one. */
    mac?: string;
  };
  unprivileged: boolean;
  /** PVE OS type; undefined lets PVE detect it from the template. */
  ostype?: string;
  /** Feature names in install order (built-in or custom). */
  features: string[];
  /** GPU indices, sorted, no duplicates; empty for none. */
  gpus: number[];
  portainerRole: ContainerConfig["portainer_role"];
  apparmorProfile?: string;
  apparmorManagesNesting: boolean;
  /** `pct --features` entries. */
  pctFeatures: string[];
  lxcOptions: string[];
  ports: { host: number; container: number }[];
  applicationScript?: string;
  healthCheck?: { command: string; retries: number; intervalSec: number };
  healthChecks: { name: string; script: string; args: string[] }[];
  firewall?: ContainerConfig["firewall"];
  /** Explicit dependencies (not the clone source). */
  dependencies: number[];
  volumes: VolumeSpec[];
  bindMounts: BindMountSpec[];
  idMaps: ContainerConfig["id_maps"];
  tests: NonNullable<ContainerConfig["tests"]>;
  runIntegrationTests: boolean;
  templateSnapshotName?: string;
  /** Root policy merged with the container's, field by field. */
  retention: RetentionPolicy;
  snapshotPins: string[];
  finalSnapshot: boolean;
  bootOrder?: number;
  bootDelaySec?: number;
  startAtBoot: boolean;
  /** Keep it running: the up starts it when it is found stopped (`started`). */
  started: boolean;
  /** Lower-cased, de-duplicated and sorted, as PVE stores them by default. */
  tags: string[];
  restartPolicy: ContainerConfig["restart_policy"];
  adopt: boolean;
  triggerSyncOnCompletion: boolean;
  bootstrapCaUrl?: string;
  /** The vllm_* keys as written, for the vLLM application script. */
  vllm: Partial<Pick<ContainerConfig, Extract<keyof ContainerConfig, `vllm${string}`>>>;
}

/** Options of the loader and of {@link ContainerSpec} normalization. */
export interface LoadOptions {
  /** Node names the stack defines; with more than one, every container must name its node. */
  nodes?: readonly string[];
  /** Node for containers that do not name one. */
  defaultNode?: string;
  /** Directory `custom_features` paths are relative to (the config file's directory). */
  baseDir?: string;
  /** Existence test for custom feature scripts; injected so validation itself stays pure. Skipped when absent. */
  fileExists?: (path: string) => boolean;
  /** Directories the files the config names must lie in (absolute). @default the project holding the config file */
  fileRoots?: readonly string[];
  /** Checks of the files the config names (placement, size, content); injected so validation stays pure. */
  checkFiles?: (config: ConfigView) => ConfigIssue[];
}
