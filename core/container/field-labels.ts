/**
 * How a container resource's fields are named to users: by the key they wrote in phoenix_lxc_configs.json
 * (`memory_mb`, `pct_options`), never by the provider's internal field name (`memoryMiB`, `features`). The
 * provider's `features` field holds PVE's `features:` entries, i.e. the config's `pct_options`, which is not
 * the config's own `features` list (the feature installs): saying `features` in a preview would mislead.
 */
import type { ContainerInputs } from "./inputs";

/** The config key (or keys) behind each container input, as a user reads it in a preview. */
export const CONTAINER_FIELD_LABELS = {
  vmid: "ctid",
  node: "node",
  connection: "connection",
  owner: "owner",
  source: "template / clone_from_ctid",
  storage: "storage_pool",
  rootfsGiB: "storage_size_gb",
  ostype: "ostype",
  unprivileged: "unprivileged",
  hostname: "name",
  memoryMiB: "memory_mb",
  swapMiB: "swap_mb",
  cores: "cores",
  net: "network_config",
  nameservers: "network_config.nameservers",
  onboot: "start_at_boot",
  startup: "boot_order / boot_delay",
  features: "pct_options",
  tags: "tags",
  volumes: "volumes",
  bindMounts: "mount_points",
  lxcOptions: "lxc_options / id_maps",
  apparmor: "apparmor_profile",
  apparmorManagesNesting: "apparmor_manages_nesting",
  gpus: "gpu_assignment",
  running: "running",
  started: "started",
  restartPolicy: "restart_policy",
  adopt: "adopt",
} as const satisfies Record<keyof ContainerInputs, string>;

/** Longest value text shown in a change line before it is cut (a whole AppArmor profile is not a preview). */
const MAX_VALUE_CHARS = 60;

/** A value as a user would write it: scalars plain, lists comma-joined, objects as `k=v` pairs. */
export function formatFieldValue(field: keyof ContainerInputs, value: unknown): string {
  let text: string;
  if (value === undefined || value === null) text = "(none)";
  else if (field === "source" && typeof value === "object") {
    const s = value as { kind: string; ostemplate?: string; fromVmid?: number; snapname?: string };
    text = s.kind === "template" ? `template ${s.ostemplate}` : `clone of ${s.fromVmid}@${s.snapname}`;
  } else if (field === "apparmor" && typeof value === "object") text = (value as { fileName: string }).fileName;
  else if (Array.isArray(value)) text = value.length === 0 ? "(none)" : value.map((v) => (typeof v === "object" ? formatObject(v) : String(v))).join(", ");
  else if (typeof value === "object") text = formatObject(value);
  else text = String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function formatObject(value: object): string {
  return Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`).join(" ");
}

/** `memory_mb 256 → 260`: one field's change, named and valued as in the config. */
export function describeFieldChange(field: keyof ContainerInputs, before: unknown, after: unknown): string {
  return `${CONTAINER_FIELD_LABELS[field]} ${formatFieldValue(field, before)} → ${formatFieldValue(field, after)}`;
}
