/**
 * The on-disk CT config format (docs/pve-behaviour.md §5), an independent re-implementation of pve-container
 * `PVE::LXC::Config::parse_pct_config` / `write_pct_config` and pve-common `encode_text`/`decode_text`.
 */
import { createHash } from "node:crypto";

/** One section of a config file: the main config, `[pve:pending]` or a `[snapshot]`. */
export interface ConfSection {
  /** Ordinary `key: value` lines (incl. parent, lock, snaptime, snapstate; `delete` in pending). */
  keys: Record<string, string>;
  /** Decoded description; read from `#` lines, so it ends in "\n". */
  description?: string;
  /** Raw `lxc.*` lines in stored order. */
  lxc: Array<[string, string]>;
}

/** A parsed `<vmid>.conf`. */
export interface CtConfig {
  main: ConfSection;
  /** The `[pve:pending]` section (empty when there is none). */
  pending: ConfSection;
  /** Snapshot sections by name. */
  snapshots: Record<string, ConfSection>;
  /** SHA-1 of the raw file, for `--digest` checks and the API `digest` field. */
  digest: string;
}

/** An empty section. */
export function newSection(): ConfSection {
  return { keys: Object.create(null) as Record<string, string>, lxc: [] };
}

/** Deep copy of a section. */
export function cloneSection(s: ConfSection): ConfSection {
  const c = newSection();
  Object.assign(c.keys, s.keys);
  c.lxc = s.lxc.map(([k, v]) => [k, v]);
  if (s.description !== undefined) c.description = s.description;
  return c;
}

/** True when the section has no content at all. */
export function sectionIsEmpty(s: ConfSection): boolean {
  return Object.keys(s.keys).length === 0 && s.lxc.length === 0 && !s.description;
}

/** pve-common encode_text: control/high bytes, `:` and `%` percent-encoded (uppercase hex), per UTF-8 byte. */
export function encodeText(text: string): string {
  let outp = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const ch = String.fromCharCode(byte);
    outp += byte < 0x20 || byte >= 0x7f || ch === ":" || ch === "%" ? `%${byte.toString(16).toUpperCase().padStart(2, "0")}` : ch;
  }
  return outp;
}

/** pve-common decode_text: `%XX` → byte; the bytes are then read back as UTF-8. */
export function decodeText(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const m = /^%([0-9a-fA-F]{2})/.exec(text.slice(i, i + 3));
    if (m) {
      bytes.push(parseInt(m[1], 16));
      i += 2;
    } else {
      for (const b of Buffer.from(text[i], "utf8")) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/**
 * Parses a config file like parse_pct_config in non-strict mode. `warn` receives the warnings a real host
 * prints on stderr (`vm <id> - unable to parse ...`); `knownKey` says whether a key exists in the schema.
 */
export function parseConfig(raw: string, vmid: number, knownKey: (k: string) => boolean, warn: (msg: string) => void): CtConfig {
  const conf: CtConfig = { main: newSection(), pending: newSection(), snapshots: Object.create(null), digest: sha1(raw) };
  let cur = conf.main;
  let section = "";
  let descr = "";
  const flushDescr = (): void => {
    if (descr) cur.description = descr;
    descr = "";
  };
  for (const line of raw.split("\n")) {
    if (/^\s*$/.test(line)) continue;
    let m: RegExpExecArray | null;
    if (/^\[pve:pending\]\s*$/i.test(line)) {
      flushDescr();
      section = "pending";
      cur = conf.pending = newSection();
      continue;
    }
    if ((m = /^\[([a-z][a-z0-9_-]+)\]\s*$/i.exec(line))) {
      flushDescr();
      section = m[1];
      cur = conf.snapshots[section] = newSection();
      continue;
    }
    if ((m = /^#(.*)$/.exec(line))) {
      descr += `${decodeText(m[1])}\n`;
    } else if ((m = /^(lxc\.[a-z0-9_\-.]+)(:|\s*=)\s*(.*?)\s*$/.exec(line))) {
      cur.lxc.push([m[1], m[3]]);
    } else if ((m = /^(description):\s*(.*\S)\s*$/.exec(line))) {
      descr += decodeText(m[2]);
    } else if ((m = /^snapstate:\s*(prepare|delete)\s*$/.exec(line))) {
      if (section === "pending") warn(`vm ${vmid} - unable to parse config: ${line}`);
      else cur.keys.snapstate = m[1];
    } else if ((m = /^delete:\s*(.*\S)\s*$/.exec(line))) {
      if (section === "pending") cur.keys.delete = m[1];
      else warn(`vm ${vmid} - property 'delete' is only allowed in [pve:pending]`);
    } else if ((m = /^([a-z][a-z_]*\d*):\s*(.+?)\s*$/.exec(line))) {
      if (!knownKey(m[1])) warn(`vm ${vmid} - unable to parse value of '${m[1]}' - unknown setting '${m[1]}'`);
      cur.keys[m[1]] = m[2];
    } else {
      warn(`vm ${vmid} - unable to parse config: ${line}`);
    }
  }
  flushDescr();
  delete conf.main.keys.snapstate;
  return conf;
}

function rawSection(s: ConfSection): string {
  let raw = "";
  // Perl's split(/\n/) drops trailing empty fields, so "a\n" gives one `#a` line and "" gives none.
  const lines = (s.description ?? "").split("\n");
  while (lines.length && lines[lines.length - 1] === "") lines.pop();
  for (const l of lines) raw += `#${encodeText(l)}\n`;
  for (const k of Object.keys(s.keys).sort()) {
    const v = s.keys[k];
    if (v.includes("\n")) throw new Error(`detected invalid newline inside property '${k}'`);
    raw += `${k}: ${v}\n`;
  }
  for (const [k, v] of s.lxc) raw += `${k}: ${v}\n`;
  return raw;
}

/** Serialises like write_pct_config: main, `[pve:pending]` if any, then snapshots sorted by name. */
export function writeConfig(conf: CtConfig): string {
  delete conf.main.keys.snapstate;
  let raw = rawSection(conf.main);
  if (!sectionIsEmpty(conf.pending)) raw += `\n[pve:pending]\n${rawSection(conf.pending)}`;
  for (const name of Object.keys(conf.snapshots).sort()) raw += `\n[${name}]\n${rawSection(conf.snapshots[name])}`;
  return raw;
}

/** SHA-1 hex, as Digest::SHA::sha1_hex. */
export function sha1(raw: string): string {
  return createHash("sha1").update(raw).digest("hex");
}
