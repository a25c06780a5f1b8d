/**
 * Small text helpers every pct parser shares: line splitting, `key: value` lines, and PVE's percent encoding
 * of descriptions (pve-common `PVE::Tools::encode_text` / `decode_text`).
 */

/** Splits command output into lines; a final newline does not add an empty line, `\r\n` counts as one break. */
export function splitOutputLines(text: string): string[] {
  if (text === "") return [];
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  return body.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

const KEY_VALUE = /^([A-Za-z][A-Za-z0-9_.\-]*):(?: (.*))?$/;

/**
 * Splits a `key: value` line as pct prints it (`"$k: $v\n"`). The value is everything after the first `": "`,
 * untouched: `searchdomain:  ` holds one space (fixture 31) and `lxc.cap.drop: ` an empty value (fixture 29).
 * Returns undefined when the line is not of that form.
 */
export function parseKeyValueLine(line: string): { key: string; value: string } | undefined {
  const m = KEY_VALUE.exec(line);
  if (!m) return undefined;
  return { key: m[1]!, value: m[2] ?? "" };
}

/**
 * Decodes PVE's percent encoding (`%3A` → `:`, `%0A` → newline); bytes are UTF-8. A `%` not followed by two
 * hex digits stays as it is, like Perl's `uri_unescape`.
 */
export function decodePveText(text: string): string {
  // Runs of %XX are decoded together so multi-byte UTF-8 sequences come back as one character.
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ""), "hex").toString("utf8"));
}

/**
 * Encodes text the way PVE writes descriptions: control characters, non-ASCII bytes (as UTF-8), `:` and `%`
 * become `%XX`; everything else, spaces included, is kept (docs/pve-behaviour.md §3.3, §5).
 */
export function encodePveText(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const keep = byte >= 0x20 && byte <= 0x7e && byte !== 0x3a && byte !== 0x25;
    out += keep ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
