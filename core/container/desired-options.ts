/**
 * The ordinary PVE config keys a container should have, derived from its inputs, and how to compare them
 * with what `pct config` reports (PVE adds `type=veth` and a MAC to `net0`, lower-cases and sorts tags, …).
 */
import { ContainerInputs } from "./inputs";
import { parsePropertyString } from "./pve-values";

/** The first line of the description: who owns the container. Checked before adopting an existing CT. */
export function ownershipMarker(owner: string): string {
  return `phoenix-lxc managed-by=${owner}`;
}

/** True when a live description carries the ownership marker of `owner`. */
export function hasOwnershipMarker(description: string | undefined, owner: string): boolean {
  return (description ?? "").split("\n").some((l) => l.trim() === ownershipMarker(owner));
}

/** Some owner's marker in the description, if any (for the "owned by another stack" message). */
export function findOwner(description: string | undefined): string | undefined {
  const m = /^phoenix-lxc managed-by=(\S+)$/m.exec(description ?? "");
  return m?.[1];
}

/** Keys this tool manages with `pct set` (mount points and rootfs are planned separately). */
export const MANAGED_KEYS = ["hostname", "memory", "swap", "cores", "net0", "nameserver", "onboot", "startup", "features", "tags", "description"] as const;

/** One managed key. */
export type ManagedKey = (typeof MANAGED_KEYS)[number];

/** Keys PVE applies to a running container at once (fast-plug and hot-plug, docs/pve-behaviour.md §7); the rest wait for a restart. */
export const LIVE_KEYS: ReadonlySet<string> = new Set(["hostname", "memory", "swap", "cores", "net0", "onboot", "startup", "tags", "description"]);

/** The desired values of the managed keys; an absent key means "must not be set". */
export function buildDesiredOptions(inputs: ContainerInputs): Partial<Record<ManagedKey, string>> {
  const out: Partial<Record<ManagedKey, string>> = {
    hostname: inputs.hostname,
    memory: String(inputs.memoryMiB),
    swap: String(inputs.swapMiB),
    cores: String(inputs.cores),
    onboot: inputs.onboot ? "1" : "0",
    description: ownershipMarker(inputs.owner),
  };
  if (inputs.net) {
    const n = inputs.net;
    const parts = [`name=${n.name}`, `bridge=${n.bridge}`];
    if (n.firewall !== undefined) parts.push(`firewall=${n.firewall ? 1 : 0}`);
    if (n.gw) parts.push(`gw=${n.gw}`);
    if (n.hwaddr) parts.push(`hwaddr=${n.hwaddr.toUpperCase()}`);
    parts.push(`ip=${n.ip}`);
    if (n.tag !== undefined) parts.push(`tag=${n.tag}`);
    out.net0 = parts.join(",");
  }
  if (inputs.nameservers.length) out.nameserver = inputs.nameservers.join(" ");
  if (inputs.startup && Object.values(inputs.startup).some((v) => v !== undefined)) {
    const s = inputs.startup;
    out.startup = [s.order !== undefined && `order=${s.order}`, s.up !== undefined && `up=${s.up}`, s.down !== undefined && `down=${s.down}`].filter(Boolean).join(",");
  }
  if (inputs.features.length) out.features = inputs.features.join(",");
  if (inputs.tags.length) out.tags = [...new Set(inputs.tags.map((t) => t.toLowerCase()))].sort().join(";");
  return out;
}

const splitList = (v: string) => v.split(/[\s,;]+/).filter(Boolean);

/** Whether a live value satisfies a desired one, by PVE's rules for that key. */
export function sameOptionValue(key: ManagedKey, desired: string | undefined, live: string | undefined): boolean {
  if (desired === undefined || live === undefined) return desired === live;
  switch (key) {
    case "net0": {
      // PVE adds type=veth and a generated hwaddr; only the keys we ask for must match.
      const want = parsePropertyString(desired);
      const have = parsePropertyString(live);
      return Object.entries(want).every(([k, v]) => (k === "hwaddr" ? (have[k] ?? "").toUpperCase() === v : have[k] === v));
    }
    case "features":
    case "tags":
    case "nameserver": {
      const norm = (v: string) => [...new Set(splitList(key === "tags" ? v.toLowerCase() : v))].sort().join(" ");
      return norm(desired) === norm(live);
    }
    case "startup":
      return JSON.stringify(Object.entries(parsePropertyString(desired, "order")).sort()) === JSON.stringify(Object.entries(parsePropertyString(live, "order")).sort());
    case "description":
      // Users may add their own notes below the marker line.
      return live.split("\n").some((l) => l.trim() === desired);
    default:
      return desired === live;
  }
}
