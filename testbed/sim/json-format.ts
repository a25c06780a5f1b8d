/**
 * JSON as pvesh prints it (docs/pve-behaviour.md §9): `json` = one line, keys sorted (JSON->canonical); `json-pretty` =
 * JSON.pm's pretty style: 3-space indent and `"key" : value`.
 */
import { ApiValue } from "./api-data";

/** One-line canonical JSON. */
export function formatJson(v: ApiValue): string {
  if (Array.isArray(v)) return `[${v.map(formatJson).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${formatJson(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** JSON.pm `pretty` + canonical. */
export function formatJsonPretty(v: ApiValue, indent = ""): string {
  const inner = `${indent}   `;
  if (Array.isArray(v)) {
    if (!v.length) return "[]";
    return `[\n${v.map((x) => inner + formatJsonPretty(x, inner)).join(",\n")}\n${indent}]`;
  }
  if (typeof v === "object" && v !== null) {
    const keys = Object.keys(v).sort();
    if (!keys.length) return "{}";
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)} : ${formatJsonPretty(v[k], inner)}`).join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(v);
}
