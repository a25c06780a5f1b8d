/**
 * Snapshots PVE cannot take. `pct snapshot` fails "snapshot feature is not available" for a container with any bind
 * mount point (docs/pve-behaviour.md §3.13), so a container with `mount_points` would fail every up at its final
 * snapshot, and a template with them could never be cloned. Decided here, before any node is touched: a container
 * with mount points takes no final snapshot unless asked ({@link takesFinalSnapshot}; a warning says so), and one
 * that asks for a snapshot is an error naming both fields. The original system's `enable_lifecycle_snapshots` is a
 * warning.
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

/** The findings above, one per field; and the original system's lifecycle flag, read but not acted on. */
export function checkSnapshots(config: ConfigView): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [id, c] of containersOf(config)) {
    if (c.enable_lifecycle_snapshots === true) {
      // The original took a snapshot before the features and re-took the template's after them; here the final
      // snapshot and the template snapshot do that work, so the flag changes nothing: say so, not accept it silently.
      issues.push(warningAt("lifecycle-snapshots-ignored", `lxc_configs.${id}.enable_lifecycle_snapshots`, `not acted on: no snapshot is taken before the features; each up that changes the container ends with a final snapshot (final_snapshot) and a template keeps its template_snapshot_name; remove the key`));
    }
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
