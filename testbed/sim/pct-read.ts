/**
 * Read-only pct commands (docs/pve-behaviour.md §3.1–3.4, §3.14): list, status, config, pending, listsnapshot.
 */
import { checkSnapname, checkVmid } from "./cli-args";
import { encodeText } from "./conf-file";
import { paramError } from "./sim-errors";
import { out } from "./sim-env";
import { loadConf } from "./ct-store";
import { ApiValue, configObject, pendingArray, snapshotList, vmList, vmStatus } from "./api-data";
import { PctCommand } from "./pct-command";

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

const list: PctCommand = {
  def: { name: "list", positionals: [], options: {} },
  midpoint: false,
  run(ctx) {
    const cts = vmList(ctx.env);
    if (!cts.length) return 0;
    let text = `${pad("VMID", 10)} ${pad("Status", 10)} ${pad("Lock", 12)} ${pad("Name", 20)}\n`;
    for (const c of cts) text += `${pad(String(c.vmid), 10)} ${pad(String(c.status), 10)} ${pad(String(c.lock ?? ""), 12)} ${pad(String(c.name), 20)}\n`;
    out(text);
    return 0;
  },
};

const status: PctCommand = {
  def: { name: "status", positionals: ["vmid"], options: { verbose: "bool" } },
  midpoint: false,
  run(ctx, a) {
    const vmid = checkVmid(a.pos[0]);
    const st = vmStatus(ctx.env, vmid, loadConf(ctx.env, vmid));
    if (a.opts.verbose !== "1") {
      out(`status: ${st.status}\n`);
      return 0;
    }
    let text = "";
    // `cpu` is left out since fix #4765 (2023).
    for (const k of Object.keys(st).sort()) if (k !== "cpu") text += `${k}: ${String(st[k])}\n`;
    out(text);
    return 0;
  },
};

function printValue(k: string, v: ApiValue): string {
  return k === "description" ? encodeText(String(v)) : String(v);
}

const config: PctCommand = {
  def: { name: "config", positionals: ["vmid"], options: { current: "bool", snapshot: "string" } },
  midpoint: false,
  run(ctx, a) {
    const vmid = checkVmid(a.pos[0]);
    const current = a.opts.current === "1";
    if (a.opts.snapshot !== undefined) checkSnapname(a.opts.snapshot, "snapshot");
    if (current && a.opts.snapshot !== undefined) {
      throw paramError([["current", "cannot use 'snapshot' parameter with 'current'"], ["snapshot", "cannot use 'snapshot' parameter with 'current'"]]);
    }
    const obj = configObject(loadConf(ctx.env, vmid), { current, snapshot: a.opts.snapshot });
    let text = "";
    for (const k of Object.keys(obj).sort()) if (k !== "digest" && k !== "lxc") text += `${k}: ${printValue(k, obj[k])}\n`;
    for (const [k, v] of (obj.lxc as string[][] | undefined) ?? []) text += `${k}: ${v}\n`;
    out(text);
    return 0;
  },
};

const pending: PctCommand = {
  def: { name: "pending", positionals: ["vmid"], options: {} },
  midpoint: false,
  run(ctx, a) {
    const vmid = checkVmid(a.pos[0]);
    const items = pendingArray(loadConf(ctx.env, vmid)).sort((x, y) => (String(x.key) < String(y.key) ? -1 : 1));
    let text = "";
    for (const it of items) {
      const k = String(it.key);
      if (k === "digest") continue;
      const v = it.value === undefined ? undefined : printValue(k, it.value);
      const p = it.pending === undefined ? undefined : printValue(k, it.pending);
      if (v !== undefined) {
        if (it.delete) text += `del ${k}: ${v}\n`;
        else if (p !== undefined) text += `cur ${k}: ${v}\nnew ${k}: ${p}\n`;
        else text += `cur ${k}: ${v}\n`;
      } else if (p !== undefined) {
        text += `new ${k}: ${p}\n`;
      }
    }
    out(text);
    return 0;
  },
};

function two(n: number): string {
  return String(n).padStart(2, "0");
}

/** strftime("%F %H:%M:%S", localtime(t)) in the process time zone (TZ honoured by Node). */
function localTime(epoch: number): string {
  const d = new Date(epoch * 1000);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** print_snapshot_tree (pve-guest-common GuestHelpers.pm), current format: one space per level. */
export function formatSnapshotTree(entries: Array<Record<string, ApiValue>>): string {
  const byName = new Map(entries.map((e) => [String(e.name), e]));
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const e of entries) {
    const p = e.parent === undefined ? undefined : String(e.parent);
    if (p && byName.has(p)) children.set(p, [...(children.get(p) ?? []), String(e.name)]);
    else roots.push(String(e.name));
  }
  const sortTime = (xs: string[]): string[] => [...xs].sort((x, y) => {
    const a = byName.get(x)?.snaptime;
    const b = byName.get(y)?.snaptime;
    if (a === undefined) return 1;
    if (b === undefined) return -1;
    return Number(a) - Number(b);
  });
  let text = "";
  const walk = (prefix: string, name: string): void => {
    const e = byName.get(name) as Record<string, ApiValue>;
    const descr = (String(e.description ?? "") || "no-description").split("\n")[0];
    const time = e.snaptime === undefined ? "" : localTime(Number(e.snaptime));
    const len = Math.max(0, 30 - prefix.length);
    text += `${prefix} ${pad(name, len)} ${pad(time, 23)} ${descr}\n`;
    for (const c of sortTime(children.get(name) ?? [])) walk(` ${prefix}`, c);
  };
  for (const r of sortTime(roots)) walk("`->", r);
  return text;
}

const listsnapshot: PctCommand = {
  def: { name: "listsnapshot", positionals: ["vmid"], options: {} },
  midpoint: false,
  run(ctx, a) {
    const vmid = checkVmid(a.pos[0]);
    out(formatSnapshotTree(snapshotList(ctx.env, vmid, loadConf(ctx.env, vmid))));
    return 0;
  },
};

/** The read-only commands. */
export const READ_COMMANDS: PctCommand[] = [list, status, config, pending, listsnapshot];
