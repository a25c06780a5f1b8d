/**
 * How each input field of a container changes on a live system: the policy table behind `diff`.
 *
 * - `live`: applied without a restart (PVE's fast-plug and hot-plug keys, docs/pve-behaviour.md §7, or a separate command
 *   such as `pct resize` that works on a running container);
 * - `restart`: PVE keeps the change in `[pve:pending]` until the container restarts;
 * - `replace`: the container must be destroyed and created again;
 * - `ignore`: not part of the container's state (how to reach it, what to do on a change).
 *
 * `satisfies Record<keyof ContainerInputs, …>` makes a new field a compile error until it is classified.
 */
import { ContainerInputs } from "./inputs";

/** The class of one field change. */
export type ChangeClass = "live" | "restart" | "replace" | "ignore";

/**
 * The policy table. Classes for a RUNNING container; on a stopped one every non-replace change applies at
 * once. Volumes are special-cased in {@link classifyVolumeChange}: adding one hot-plugs, changing or removing
 * one waits for a restart (docs/pve-behaviour.md §7).
 */
export const CONTAINER_CHANGE_POLICY = {
  vmid: "replace",
  node: "replace",
  source: "replace",
  storage: "replace",
  unprivileged: "replace",
  ostype: "replace",
  rootfsGiB: "live",
  hostname: "live",
  memoryMiB: "live",
  swapMiB: "live",
  cores: "live",
  net: "live",
  onboot: "live",
  startup: "live",
  tags: "live",
  nameservers: "restart",
  features: "restart",
  volumes: "live",
  bindMounts: "live",
  lxcOptions: "restart",
  apparmor: "restart",
  apparmorManagesNesting: "restart",
  gpus: "restart",
  running: "live",
  started: "ignore",
  connection: "ignore",
  owner: "ignore",
  restartPolicy: "ignore",
  adopt: "ignore",
} as const satisfies Record<keyof ContainerInputs, ChangeClass>;

/** Mount-point lists: adding entries is live, changing or removing one needs a restart. */
export function classifyMountListChange<T extends { mountPoint: string }>(before: readonly T[], after: readonly T[]): ChangeClass {
  const key = (x: T) => JSON.stringify(Object.entries(x).sort());
  const afterByPath = new Map(after.map((m) => [m.mountPoint, key(m)]));
  for (const m of before) {
    const now = afterByPath.get(m.mountPoint);
    if (now === undefined) return "restart";
    if (now !== key(m)) {
      // A volume that only grew is resized in place (`pct resize`), which works on a running container.
      if ("sizeGiB" in m && onlySizeGrew(m as unknown as Record<string, unknown>, after.find((a) => a.mountPoint === m.mountPoint) as unknown as Record<string, unknown>)) continue;
      return "restart";
    }
  }
  return "live";
}

function onlySizeGrew(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const { sizeGiB: sa, ...ra } = a;
  const { sizeGiB: sb, ...rb } = b;
  return JSON.stringify(Object.entries(ra).sort()) === JSON.stringify(Object.entries(rb).sort()) && Number(sb) > Number(sa);
}
