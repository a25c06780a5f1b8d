/**
 * Conversions between container inputs and the values PVE stores (docs/pve-behaviour.md §2, §6): property strings such as
 * `name=eth0,bridge=vmbr0,ip=dhcp`, sizes such as `8G`, lists such as tags.
 */
import { PhoenixError } from "../errors";

/** Parses a PVE property string `k=v,k=v` (a bare first element is returned under `defaultKey`). */
export function parsePropertyString(value: string, defaultKey?: string): Record<string, string> {
  const out: Record<string, string> = {};
  value.split(",").forEach((part, i) => {
    if (part === "") return;
    const eq = part.indexOf("=");
    if (eq < 0) {
      if (i === 0 && defaultKey) out[defaultKey] = part;
      else out[part] = "1";
    } else out[part.slice(0, eq)] = part.slice(eq + 1);
  });
  return out;
}

/** Parses a PVE disk size (`8G`, `512M`, `1T`, `1024K`, bare bytes) into GiB. */
export function parseSizeGiB(size: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)(?:iB)?$/i.exec(size.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  const unit = m[2]!.toUpperCase();
  const bytes = n * ({ "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 } as Record<string, number>)[unit]!;
  return bytes / 1024 ** 3;
}

/** Normalises one raw LXC line (`key = value` or `key: value`) to PVE's written form `key: value`, value kept whole. */
export function normaliseRawLine(line: string): { key: string; value: string } {
  const m = /^\s*(lxc\.[A-Za-z0-9_.-]+)\s*(?:=|:)\s?(.*)$/.exec(line);
  if (!m) {
    throw new PhoenixError("config", `lxc_options: not a raw LXC line: ${JSON.stringify(line)}`, { hint: 'write it as "lxc.<key>=<value>"' });
  }
  return { key: m[1]!, value: m[2]!.replace(/\s+$/, "") };
}

/** The `key: value` text of a raw line. */
export function formatRawLine(line: { key: string; value: string }): string {
  return `${line.key}: ${line.value}`;
}
