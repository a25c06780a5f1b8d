/**
 * Spellings the original system (or Proxmox VE itself) accepts for a value that this tool reads in one canonical
 * form. The schema accepts every spelling and converts it with the functions here; {@link findVariantSpellings}
 * uses the same functions to tell the user, as a warning, how to write the value. One home per spelling rule.
 */
import type { ConfigIssue } from "../errors";
import { warningAt } from "./issue-kinds";

/**
 * A nameserver list as PVE's `--nameserver` reads it: PVE splits list options on commas, semicolons and
 * whitespace (pve-common `PVE::Tools::split_list`), so `"10.0.0.13"`, `"1.1.1.1 8.8.8.8"` and `"1.1.1.1,8.8.8.8"`
 * are all lists.
 */
export function splitNameservers(value: string): string[] {
  return value.split(/[\s,;]+/).filter((s) => s !== "");
}

/**
 * A raw LXC line split the way PVE's config reader splits it (pve-container `PVE::LXC::Config::parse_pct_config`:
 * `^(lxc\.[a-z0-9_\-.]+)(:|\s*=)\s*(.*?)\s*$`): the key ends at the first `:` or `=`, a `:` must follow the key
 * directly, and the value is trimmed. So `lxc.mount.auto:sys:rw` is key `lxc.mount.auto`, value `sys:rw`.
 * Undefined when PVE would not read the line as a raw LXC key.
 */
export function splitRawLxcLine(line: string): { key: string; value: string } | undefined {
  const m = /^(lxc\.[a-z0-9_.-]+)(?::|\s*=)\s*(.*?)\s*$/.exec(line);
  return m ? { key: m[1]!, value: m[2]! } : undefined;
}

/**
 * The canonical spelling of a raw LXC line: the `=` form the original documented (`lxc.key=value`). PVE's `:`
 * forms are rewritten to it; `=` lines stay exactly as written, so a stack deployed from them sees no change.
 */
export function canonicalRawLxcLine(line: string): string {
  const parts = /^lxc\.[a-z0-9_.-]+:/.test(line) ? splitRawLxcLine(line) : undefined;
  return parts ? `${parts.key}=${parts.value}` : line;
}

/** `id_maps[].type` spellings of the original (`uid`/`gid`) and the lxc.idmap letters (`u`/`g`). */
export const ID_MAP_TYPES = { u: "u", g: "g", uid: "u", gid: "g" } as const;

/** An id map entry as written: `type` in any spelling, the length as `range` or (the original's) `size`. */
export interface IdMapInput {
  type: keyof typeof ID_MAP_TYPES;
  container_id: number;
  host_id: number;
  range?: number;
  size?: number;
}

/** The canonical id map: `type` `u`/`g`, length in `range`. Assumes exactly one of range/size (the schema checks). */
export function canonicalIdMap(m: IdMapInput): { type: "u" | "g"; container_id: number; host_id: number; range: number } {
  return { type: ID_MAP_TYPES[m.type], container_id: m.container_id, host_id: m.host_id, range: (m.range ?? m.size) as number };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Warnings for values written in an accepted but non-canonical spelling, each saying how to write it. Reads the
 * raw JSON; values the schema refuses are reported there (the loader drops these warnings under an error).
 */
export function findVariantSpellings(raw: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const containers = isObject(raw) && isObject(raw.lxc_configs) ? raw.lxc_configs : {};
  for (const [id, c] of Object.entries(containers)) {
    if (!isObject(c)) continue;
    const at = `lxc_configs.${id}`;
    const ns = isObject(c.network_config) ? c.network_config.nameservers : undefined;
    if (typeof ns === "string") {
      issues.push(warningAt("variant-spelling", `${at}.network_config.nameservers`, `read ${JSON.stringify(ns)} as ${JSON.stringify(splitNameservers(ns))}; write the list as a JSON array`));
    }
    if (Array.isArray(c.lxc_options)) {
      c.lxc_options.forEach((line, i) => {
        if (typeof line !== "string" || splitRawLxcLine(line) === undefined) return;
        const canonical = canonicalRawLxcLine(line);
        if (canonical === line) return;
        issues.push(warningAt("variant-spelling", `${at}.lxc_options.${i}`, `read ${JSON.stringify(line)} as ${JSON.stringify(canonical)}; write it that way`));
      });
    }
    if (Array.isArray(c.id_maps)) {
      c.id_maps.forEach((m, i) => {
        if (!isObject(m)) return;
        const type = typeof m.type === "string" ? m.type : "";
        if (type === "uid" || type === "gid") issues.push(warningAt("variant-spelling", `${at}.id_maps.${i}.type`, `read "${type}" as "${type[0]}"; write "type": "${type[0]}"`));
        if ("size" in m && !("range" in m)) issues.push(warningAt("variant-spelling", `${at}.id_maps.${i}.size`, `read "size" as "range"; write "range": ${JSON.stringify(m.size)}`));
      });
    }
  }
  return issues;
}
