/**
 * What `pct config --current`, `pct pending` and pvesh `…/snapshot` report, derived from the config file itself.
 *
 * All three are views of `/etc/pve/lxc/<vmid>.conf` (pve-container `PVE::API2::LXC::Config` `vm_config`,
 * pve-guest-common `GuestHelpers::config_with_pending_array`, `PVE::API2::LXC::Snapshot` `list` all start from
 * `load_config`), so one `cat` of the file answers them all. On a real node each pct/pvesh call is a perl
 * start-up of a few hundred ms; reading the file instead turns a container's read from four such processes into
 * one (`pct status`, the only fact not in the file) — or none, when a node-wide `pct list` answers it.
 */
import { createHash } from "node:crypto";
import { ConfFile, parseConfFile } from "./conf-file";
import type { PctConfig, SnapshotInfo, SnapshotList } from "./pct-model";

/** SHA-1 of a config text: the digest PVE computes over the raw file for `--digest` checks. */
export function confDigest(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** `pct config <vmid> --current 1` as {@link PctConfig}: the main section (digest included, as pvesh reports it). */
export function currentConfigOf(conf: ConfFile, text?: string): PctConfig {
  const config: PctConfig = { options: { ...conf.main.options }, lxc: conf.main.lxc.map((l) => ({ ...l })) };
  if (conf.main.description !== undefined) config.description = conf.main.description;
  if (text !== undefined) config.digest = confDigest(text);
  return config;
}

/**
 * Pending changes as key → new value, or `null` for a pending deletion (`delete: a,!b` — `!` forces it), the
 * way `pct pending` reports them with `new` and `del` lines. Raw `lxc.*` lines are never pending.
 */
export function pendingChangesOf(conf: ConfFile): Record<string, string | null> {
  const pending: Record<string, string | null> = {};
  const section = conf.pending;
  if (!section) return pending;
  for (const [key, value] of Object.entries(section.options)) {
    if (key !== "delete") pending[key] = value;
  }
  if (section.description !== undefined) pending.description = section.description;
  for (const item of (section.options.delete ?? "").split(/[,;\s]+/)) {
    const key = item.replace(/^!/, "");
    // As `config_with_pending_array`: a deletion shows only for a key that is set, and a key that pending also
    // sets shows its new value instead.
    const isSet = key === "description" ? conf.main.description !== undefined : key in conf.main.options;
    if (key && isSet && !(key in pending)) pending[key] = null;
  }
  return pending;
}

/**
 * The snapshot list pvesh `…/snapshot` reports: every snapshot section (time, parent, description, state) and
 * the head — the main section's `parent`. `running` is not in the file; pass it when known.
 */
export function snapshotListOf(conf: ConfFile, text: string, running = false): SnapshotList {
  const snapshots = conf.snapshots.map((section) => {
    const snap: SnapshotInfo = { name: section.name, description: section.description ?? "" };
    const { parent, snaptime, snapstate } = section.options;
    if (parent !== undefined) snap.parent = parent;
    const time = Number(snaptime);
    // pvesh reports a missing snaptime as 0, which parsePveshSnapshots leaves out as "unknown" too.
    if (snaptime !== undefined && Number.isFinite(time) && time > 0) snap.snaptime = time;
    if (snapstate !== undefined) snap.snapstate = snapstate;
    return snap;
  });
  const head: SnapshotList["head"] = { running, digest: confDigest(text) };
  if (conf.main.options.parent !== undefined) head.parent = conf.main.options.parent;
  return { snapshots, head };
}

/** Parses a config file text for the views above; `vmid` names the file in parse errors. */
export function parseConfText(text: string, vmid: number): ConfFile {
  return parseConfFile(text, `/etc/pve/lxc/${vmid}.conf`);
}
