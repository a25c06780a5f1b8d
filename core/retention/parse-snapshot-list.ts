/**
 * The snapshot list `phoenix retention plan --snapshots FILE` reads: a JSON array of
 * `{name, snaptime, description?, snapstate?, owned?, pinned?, clone_source?}`.
 *
 * The output of `pvesh get /nodes/<node>/lxc/<vmid>/snapshot --output-format json` is accepted as it is: the
 * `current` pseudo-entry is dropped and keys the planner does not use (`parent`, `vmstate`) are ignored.
 */
import { ConfigError, ConfigIssue } from "../errors";
import { RetentionSnapshot } from "./plan";
import { isOwnedSnapshot } from "./snapshot-name";

/** The pseudo-snapshot PVE lists for the running state; it is not a snapshot and cannot be deleted. */
const CURRENT = "current";

type Entry = Record<string, unknown>;

function optionalBoolean(entry: Entry, key: string, fallback: boolean, at: string, issues: ConfigIssue[]): boolean {
  const v = entry[key];
  if (v === undefined) return fallback;
  if (typeof v === "boolean") return v;
  issues.push({ path: `${at}.${key}`, severity: "error", message: `expected true or false, found ${JSON.stringify(v)}` });
  return fallback;
}

function optionalString(entry: Entry, key: string, at: string, issues: ConfigIssue[]): string | undefined {
  const v = entry[key];
  if (v === undefined || v === null || typeof v === "string") return (v as string | null) ?? undefined;
  issues.push({ path: `${at}.${key}`, severity: "error", message: `expected a string, found ${JSON.stringify(v)}` });
  return undefined;
}

/** `snaptime`: epoch seconds; missing, null and 0 all mean unknown (PVE writes 0 when it lost the time). */
function parseSnaptime(entry: Entry, at: string, issues: ConfigIssue[]): number | undefined {
  const v = entry.snaptime;
  if (v === undefined || v === null || v === 0) return undefined;
  if (typeof v === "number" && Number.isFinite(v) && v > 0) return v;
  issues.push({ path: `${at}.snaptime`, severity: "error", message: `expected epoch seconds (a number ≥ 0), found ${JSON.stringify(v)}` });
  return undefined;
}

/**
 * The snapshots of an untrusted JSON value, or a ConfigError listing every problem (index and field), e.g.
 * `[3].snaptime: expected epoch seconds (a number ≥ 0), found "yesterday"`. `owned` defaults to the rule the
 * converge itself applies ({@link isOwnedSnapshot}: a `phx-<UTC time>` name AND the ownership marker in the
 * description), so a `vzdump…` or hand-made snapshot is never shown as removable; `pinned` and `clone_source`
 * default to false.
 * @param file - the file name, for the message
 */
export function parseSnapshotList(value: unknown, file: string): RetentionSnapshot[] {
  if (!Array.isArray(value)) {
    const found = value === null ? "null" : typeof value;
    throw new ConfigError([{ path: "(top level)", severity: "error", message: `expected a JSON array of snapshots, found ${found}` }], file);
  }
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, number>();
  const snapshots: RetentionSnapshot[] = [];
  value.forEach((raw: unknown, index) => {
    const at = `[${index}]`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      issues.push({ path: at, severity: "error", message: `expected an object with a name, found ${JSON.stringify(raw)}` });
      return;
    }
    const entry = raw as Entry;
    if (typeof entry.name !== "string" || entry.name === "") {
      issues.push({ path: `${at}.name`, severity: "error", message: `expected a snapshot name, found ${JSON.stringify(entry.name) ?? "nothing"}` });
      return;
    }
    if (entry.name === CURRENT) return;
    const first = seen.get(entry.name);
    if (first !== undefined) issues.push({ path: `${at}.name`, severity: "error", message: `'${entry.name}' is listed twice (also at [${first}])` });
    else seen.set(entry.name, index);
    const description = optionalString(entry, "description", at, issues);
    snapshots.push({
      name: entry.name,
      snaptime: parseSnaptime(entry, at, issues),
      description,
      snapstate: optionalString(entry, "snapstate", at, issues),
      owned: optionalBoolean(entry, "owned", isOwnedSnapshot({ name: entry.name, description }), at, issues),
      pinned: optionalBoolean(entry, "pinned", false, at, issues),
      cloneSource: optionalBoolean(entry, "clone_source", false, at, issues),
    });
  });
  if (issues.length > 0) throw new ConfigError(issues, file);
  return snapshots;
}
