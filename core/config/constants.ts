/**
 * Value formats and fixed vocabularies of the configuration file.
 *
 * The formats are the ones Proxmox VE itself enforces (pve-common `JSONSchema.pm`, see
 * docs/pve-behaviour.md §2), so a file that validates here is not refused later by `pct`. Plain RegExp and
 * string constants only: zod schemas are never held at module level (see schema-root.ts).
 */

/** Features the project ships a guard/install/verify catalog for; `custom_features` may add more. */
export const BUILTIN_FEATURES = [
  "base_setup",
  "nvidia",
  "docker",
  "vllm",
  "portainer",
  "ollama",
  "python_api_service",
] as const;

/** A built-in feature name. */
export type BuiltinFeature = (typeof BUILTIN_FEATURES)[number];

/** Snapshot names PVE refuses outright (`unable to use snapshot name 'current' (reserved name)`). */
export const RESERVED_SNAPSHOT_NAMES = ["current", "vzdump"] as const;

/** PVE `pve-vmid` as a JSON object key: 3–9 digits, first digit 1–9, i.e. 100..999999999. */
export const VMID_PATTERN = /^[1-9][0-9]{2,8}$/;

/** The longest hostname PVE accepts (`pct --hostname`). */
export const HOSTNAME_MAX = 255;

/** The least memory PVE gives a container, in MiB (`pct --memory`). */
export const MEMORY_MIN_MIB = 16;

/** The most CPU cores PVE allows a container (`pct --cores`). */
export const CORES_MAX = 8192;

/** PVE `dns-name`: dot-separated labels of letters/digits with inner hyphens (no underscores). */
export const HOSTNAME_PATTERN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

const OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";

/** A dotted-quad IPv4 address without prefix. */
export const IPV4_PATTERN = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

/** An IPv4 address with a /0–/32 prefix, as `pct --net0 ip=` takes it. */
export const IPV4_CIDR_PATTERN = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}/(?:3[0-2]|[12]?[0-9])$`);

/** `network_config.ip`: `dhcp`, `manual` or IPv4/CIDR (PVE `pve-ipv4-config`). */
export const NET_IP_PATTERN = new RegExp(`^(?:dhcp|manual|${OCTET}(?:\\.${OCTET}){3}/(?:3[0-2]|[12]?[0-9]))$`);

/** An IPv4 address, optionally with a prefix (firewall source/dest). */
export const IPV4_OPTIONAL_CIDR_PATTERN = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}(?:/(?:3[0-2]|[12]?[0-9]))?$`);

/**
 * A nameserver: IPv4 or a plausible IPv6 literal, link-local ones with their `%interface` as PVE allows
 * (`lxc-ip-with-ll-iface`); PVE checks the exact IPv6 syntax.
 */
export const NAMESERVER_PATTERN = new RegExp(`^(?:${OCTET}(?:\\.${OCTET}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(?:%[A-Za-z0-9_.-]+)?)$`);

/** PVE `mac-addr` restricted to unicast: the low bit of the first octet clear, i.e. the 2nd hex digit even. */
export const UNICAST_MAC_PATTERN = /^[0-9A-Fa-f][02468AaCcEe](?::[0-9A-Fa-f]{2}){5}$/;

/** PVE `pve-snapshot-name` character rule: a letter, then one or more letters, digits, `_` or `-`. */
export const SNAPSHOT_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]+$/;

/** PVE snapshot name length limit (`value may only be 40 characters long`). */
export const SNAPSHOT_NAME_MAX = 40;

/** PVE `pve-tag` (case-insensitive). */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_\-+.]*$/;

/** A PVE node name (a single DNS label). */
export const NODE_NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

/** PVE `pve-storage-id` (case-insensitive). */
export const STORAGE_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]*[A-Za-z0-9]$/;

/** An OS template: a volume ID `<storage>:vztmpl/<file>` or an absolute path on the node. */
export const TEMPLATE_PATTERN = /^(?:\/\S+|[A-Za-z][A-Za-z0-9_.-]*:vztmpl\/\S+)$/;

/** A Linux interface or bridge name (PVE `[-_.\w\d]+`, kernel limit 15 characters). */
export const IFNAME_PATTERN = /^[A-Za-z0-9_.-]{1,15}$/;

/** An http(s)/ftp URL (the original schema's rule). */
export const URL_PATTERN = /^(?:https?|ftp):\/\/[^\s/$.?#][^\s]*$/;

/** An absolute path usable inside a PVE property string (no comma, which separates properties). */
export const ABSOLUTE_PATH_PATTERN = /^\/[^,]*$/;

/** A relative or absolute file path without a comma or newline. */
export const FILE_PATH_PATTERN = /^[^,\n]+$/;

/** `ports` entries: `<host>:<container>`. */
export const PORT_MAPPING_PATTERN = /^[0-9]{1,5}:[0-9]{1,5}$/;

/** `pct_options` entries: the keys `pct set --features` accepts, booleans as 0/1, `mount` as fs list. */
export const PCT_FEATURE_PATTERN = /^(?:(?:fuse|keyctl|mknod|nesting|force_rw_sys)=[01]|mount=[a-z0-9]+(?:;[a-z0-9]+)*)$/;

/**
 * `lxc_options` entries, as PVE's config reader accepts raw lines: an `lxc.*` key of lower-case letters, digits,
 * `_`, `-`, `.`, then `:` right after the key or `=` (spaces allowed before it), then the value on one line.
 */
export const LXC_OPTION_PATTERN = /^lxc\.[a-z0-9_.-]+(?::|\s*=).*$/;


/** A feature name (built-in or custom). */
export const FEATURE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

/** A test suite name (the original `tests` object keys). */
export const SUITE_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;

/** An AppArmor profile name (`unconfined` or a file under apparmor/). */
export const APPARMOR_PROFILE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** An NVIDIA driver version such as `580.76.05`. */
export const DRIVER_VERSION_PATTERN = /^[0-9]+(?:\.[0-9]+)+$/;

/** `gpu_assignment` as a string: `none` or a comma list of indices (spaces tolerated, with a warning). */
export const GPU_ASSIGNMENT_PATTERN = /^\s*(?:none|[0-9]+(?:\s*,\s*[0-9]+)*)\s*$/;
