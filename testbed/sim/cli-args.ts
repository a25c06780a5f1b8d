/**
 * Argument parsing as PVE's CLIHandler + Getopt::Long do it (docs/pve-behaviour.md §1.1): `--opt` or `-opt`, `--opt=v`,
 * unique prefixes, booleans with an optional value, options before or after positionals, `--` ends options.
 */
import { Param400, paramError } from "./sim-errors";
import { parseBoolean } from "./value-formats";

/** Option kinds: booleans take an optional value (Getopt `:s`), everything else a required one (`=s`). */
export type OptKind = "bool" | "string";

/** One sub-command's CLI shape. */
export interface CmdDef {
  name: string;
  /** Fixed positional parameters, in order. */
  positionals: readonly string[];
  /** True when the rest of the arguments form an `extra-args` array (`pct exec`). */
  extraArgs?: boolean;
  options: Record<string, OptKind>;
}

/** Parsed arguments. Boolean option values are already normalised to "1"/"0". */
export interface ParsedArgs {
  pos: string[];
  extra: string[];
  opts: Record<string, string>;
}

/** The short usage line, e.g. `pct set <vmid> [OPTIONS]`. */
export function usageLine(tool: string, def: CmdDef): string {
  let s = `${tool} ${def.name}`;
  for (const p of def.positionals) s += ` <${p}>`;
  if (def.extraArgs) s += " [<extra-args>]";
  if (Object.keys(def.options).length) s += " [OPTIONS]";
  return s;
}

function resolveOption(def: CmdDef, name: string): string {
  if (name in def.options) return name;
  const matches = Object.keys(def.options).filter((o) => o.startsWith(name));
  if (matches.length === 1) return matches[0];
  const e = new Param400("unable to parse option");
  e.prefix = matches.length > 1 ? `Option ${name} is ambiguous (${matches.slice(0, 8).join(", ")})\n` : `Unknown option: ${name}\n`;
  throw e;
}

/** Parses `args` for `def`; throws Param400 exactly as the real CLI fails. */
export function parseArgs(def: CmdDef, args: string[]): ParsedArgs {
  const res: ParsedArgs = { pos: [], extra: [], opts: Object.create(null) };
  const loose: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      i++;
      break;
    }
    const m = /^--?([^=]+)(?:=(.*))?$/s.exec(a);
    if (!m || a === "-" || /^-\d/.test(a)) {
      loose.push(a);
      continue;
    }
    const name = resolveOption(def, m[1]);
    let value = m[2];
    if (def.options[name] === "bool") {
      if (value === undefined && i + 1 < args.length && !args[i + 1].startsWith("-")) value = args[++i];
      const b = parseBoolean(value ?? "1");
      if (b === undefined) throw new Param400("unable to parse boolean option");
      res.opts[name] = String(b);
    } else {
      if (value === undefined) {
        if (i + 1 >= args.length) {
          const e = new Param400("unable to parse option");
          e.prefix = `Option ${name} requires an argument\n`;
          throw e;
        }
        value = args[++i];
      }
      res.opts[name] = value;
    }
  }
  loose.push(...args.slice(i));
  const n = def.positionals.length;
  if (loose.length < n) throw new Param400("not enough arguments");
  res.pos = loose.slice(0, n);
  res.extra = loose.slice(n);
  if (res.extra.length && !def.extraArgs) throw new Param400("too many arguments");
  return res;
}

/** Validates a `<vmid>` parameter (pve-vmid); throws the 400 block on failure. */
export function checkVmid(v: string, param = "vmid"): number {
  if (!/^[+-]?\d+$/.test(v)) throw paramError([[param, `type check ('integer') failed - got '${v}'`]]);
  if (!/^[1-9]\d{2,8}$/.test(v)) throw paramError([[param, "invalid format - value does not look like a valid VM ID\n"]]);
  return Number(v);
}

/** Validates a snapshot name (pve-snapshot-name); throws the 400 block on failure. */
export function checkSnapname(v: string, param = "snapname"): string {
  if (v.length > 40) throw paramError([[param, "value may only be 40 characters long"]]);
  if (!/^[a-z][a-z0-9_-]+$/i.test(v)) throw paramError([[param, `invalid format - invalid configuration ID '${v}'\n`]]);
  return v;
}
