/**
 * The plain-JSON shape a container resource's provider receives (its inputs) and stores (its outputs). The
 * component derives it from the validated config (`ContainerSpec`); the provider never sees the config file.
 */

/** How the provider reaches the node; kept in state so refresh and destroy work without the program. */
export interface NodeConnection {
  /** Host name or address of the node's SSH server. */
  host: string;
  /** SSH port. */
  port: number;
  /** SSH user. */
  user: string;
  /** Pinned host key fingerprint (`SHA256:…`). */
  hostKeyFingerprint?: string;
  /** known_hosts file to verify against when no fingerprint is pinned. */
  knownHostsFile?: string;
}

/** Where the container's root filesystem comes from. Changing it replaces the container. */
export type ContainerSource =
  | { kind: "template"; ostemplate: string }
  | { kind: "clone"; fromVmid: number; snapname: string };

/** `net0`. */
export interface NetInputs {
  /** Interface name inside the container, e.g. `eth0`. */
  name: string;
  /** Host bridge, e.g. `vmbr0`. */
  bridge: string;
  /** `dhcp`, `manual` or an IPv4 address with prefix. */
  ip: string;
  /** IPv4 gateway. */
  gw?: string;
  /** Fixed MAC address; PVE generates one when absent. */
  hwaddr?: string;
  /** Enable the PVE firewall on this interface. */
  firewall?: boolean;
  /** VLAN tag. */
  tag?: number;
}

/** A volume allocated on a storage and mounted at `mountPoint` (PVE `mpN` with `STORAGE:SIZE`). */
export interface VolumeInputs {
  /** Path inside the container; the stable identity of the volume. */
  mountPoint: string;
  /** Storage ID the volume is allocated on. */
  storage: string;
  /** Size in GiB; grows in place, never shrinks. */
  sizeGiB: number;
}

/** A host directory bind-mounted into the container (PVE `mpN` with a host path). */
export interface BindMountInputs {
  /** Absolute path on the node. */
  hostPath: string;
  /** Path inside the container; the stable identity of the mount. */
  mountPoint: string;
  /** Mount read-only. @default false */
  readOnly?: boolean;
}

/** A custom AppArmor profile pushed to the node. */
export interface AppArmorInputs {
  /** Profile name as declared inside the file (`profile <name> …`), used for `lxc.apparmor.profile`. */
  name: string;
  /** File name under /etc/apparmor.d on the node. */
  fileName: string;
  /** The profile text. */
  content: string;
}

/** Everything the container resource converges. */
export interface ContainerInputs {
  /** Container ID. Changing it replaces the container. */
  vmid: number;
  /** PVE node name. Changing it replaces the container. */
  node: string;
  /** How to reach the node. Not part of the container's desired state: never causes an update. */
  connection: NodeConnection;
  /** Ownership marker value written into the description, e.g. `phoenix-lxc/dev`. */
  owner: string;
  /** Template or clone source. Changing it replaces the container. */
  source: ContainerSource;
  /** Storage of the root filesystem. Changing it replaces the container. */
  storage: string;
  /** Root filesystem size in GiB: grown in place, never shrunk. */
  rootfsGiB: number;
  /** PVE OS type given at creation; undefined lets PVE detect it. Changing it replaces the container. */
  ostype?: string;
  /** Unprivileged container. Changing it replaces the container (PVE refuses to modify it). */
  unprivileged: boolean;
  /** Host name. */
  hostname: string;
  /** Memory in MiB. */
  memoryMiB: number;
  /** Swap in MiB. */
  swapMiB: number;
  /** CPU cores. */
  cores: number;
  /** First network interface. */
  net?: NetInputs;
  /** DNS servers. */
  nameservers: string[];
  /** Start at node boot. */
  onboot: boolean;
  /** Boot order and delays. */
  startup?: { order?: number; up?: number; down?: number };
  /** PVE `features` entries, e.g. `nesting=1` (the config's `pct_options`). */
  features: string[];
  /** PVE tags. */
  tags: string[];
  /** Allocated volumes (`volumes`, `zfs_volumes`). */
  volumes: VolumeInputs[];
  /** Host bind mounts (`mount_points`). */
  bindMounts: BindMountInputs[];
  /** Raw LXC lines from `lxc_options` and `id_maps`, as `key: value`; the managed set, main section only. */
  lxcOptions: string[];
  /** Custom AppArmor profile, or the literal `"unconfined"`, or undefined for PVE's default profile. */
  apparmor?: AppArmorInputs | "unconfined";
  /** Add the nesting lines that a custom profile needs (`apparmor_manages_nesting`). */
  apparmorManagesNesting: boolean;
  /** GPU indices passed through (`gpu_assignment`). */
  gpus: number[];
  /** Desired power state. */
  running: boolean;
  /**
   * Keep it running: a container found stopped is started by the next up (config `started`, default true).
   * False leaves its run state to the operator (core/container/run-state.ts). Absent in older state: true.
   */
  started?: boolean;
  /** What to do with a change that needs a restart: `restart` now, or leave it `pending`. */
  restartPolicy: "restart" | "never";
  /** Take over an existing container that lacks this stack's ownership marker. */
  adopt: boolean;
}
