/**
 * Snapshots PVE cannot take. `pct snapshot` fails "snapshot feature is not available" for a container with any bind
 * mount point (docs/pve-behaviour.md §3.13), so a container with `mount_points` would fail every up at its final
 * snapshot, and a template with them could never be cloned. Decided here, before any node is touched: a container
 * with mount points takes no final snapshot unless asked ({@link takesFinalSnapshot}; a warning says so), and one
 * that asks for a snapshot is an error naming both fields.
 */
import type { ConfigIssue } from "../errors";
import { containersOf } from "./check-context";
import { errorAt, warningAt } from "./issue-kinds";
import type { ConfigView } from "./salvage";

/** Whether a container takes final snapshots: as `final_snapshot` says; unsaid, unless it has bind mounts. */
export function takesFinalSnapshot(c: { final_snapshot?: boolean; mount_points?: readonly unknown[] }): boolean {
  return c.final_snapshot ?? (c.mount_points ?? []).length === 0;
}

const WHY = `PVE cannot snapshot a container with bind mount points ('pct snapshot' fails "snapshot feature is not available")`;

/** The findings above, one per field. */
export function checkSnapshotsWithBindMounts(config: ConfigView): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [id, c] of containersOf(config)) {
    if ((c.mount_points ?? []).length === 0) continue;
    const at = `lxc_configs.${id}`;
    if (c.template_snapshot_name !== undefined) {
      issues.push(errorAt("snapshot-with-bind-mounts", `${at}.template_snapshot_name`, `${WHY}, and a template is cloned from its snapshot: move the mount_points to the containers cloned from it, or remove template_snapshot_name`));
    }
    if (c.final_snapshot === true) {
      issues.push(errorAt("snapshot-with-bind-mounts", `${at}.final_snapshot`, `${WHY}, so every up would fail at the final snapshot: remove "final_snapshot": true (a container with mount_points takes none), or remove the mount_points`));
    } else if (c.final_snapshot === undefined && c.template_snapshot_name === undefined) {
      issues.push(warningAt("snapshot-with-bind-mounts", `${at}.mount_points`, `${WHY}: this container takes no final snapshot; add "final_snapshot": false to say so`));
    }
  }
  return issues;
}
