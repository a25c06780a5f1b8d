/**
 * Cross-field checks about values: uniqueness per node (hostname, IPv4, MAC), network coherence, GPUs,
 * features (built-in or custom, nvidia root keys), custom feature files, mount paths, firewall.
 */
import type { ConfigIssue } from "../errors";
import { BUILTIN_FEATURES } from "./constants";
import { didYouMean } from "./did-you-mean";
import { parseGpuAssignment, resolveNode } from "./normalize";
import type { LoadOptions, PhoenixConfig } from "./types";

const err = (path: string, message: string): ConfigIssue => ({ path, message, severity: "error" });
const warn = (path: string, message: string): ConfigIssue => ({ path, message, severity: "warning" });

/** Hostnames, static IPv4 addresses and MACs must be unique within a node (PVE does not check; the LAN breaks). */
export function checkUniqueness(config: PhoenixConfig, options: LoadOptions): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, string>();
  const claim = (kind: string, node: string | undefined, value: string, id: string, path: string, label: string) => {
    const key = `${kind}\u0000${node ?? ""}\u0000${value}`;
    const owner = seen.get(key);
    if (owner === undefined) seen.set(key, id);
    else issues.push(err(path, `${label} is also used by container ${owner}${node === undefined ? "" : ` on node ${node}`}`));
  };
  for (const [id, c] of Object.entries(config.lxc_configs)) {
    const node = resolveNode(c, options);
    const at = `lxc_configs.${id}`;
    claim("name", node, c.name.toLowerCase(), id, `${at}.name`, `hostname "${c.name}"`);
    const ip = c.network_config.ip;
    if (ip !== "dhcp" && ip !== "manual") claim("ip", node, ip.split("/")[0], id, `${at}.network_config.ip`, `IPv4 address ${ip.split("/")[0]}`);
    if (c.mac_address !== undefined) claim("mac", node, c.mac_address.toUpperCase(), id, `${at}.mac_address`, `MAC address ${c.mac_address.toUpperCase()}`);
  }
  return issues;
}

/** A gateway only makes sense with a static address. */
export function checkNetwork(config: PhoenixConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [id, c] of Object.entries(config.lxc_configs)) {
    const { ip, gw } = c.network_config;
    if ((ip === "dhcp" || ip === "manual") && gw !== undefined && gw !== "") {
      issues.push(err(`lxc_configs.${id}.network_config.gw`, `a gateway cannot be combined with ip "${ip}"; remove "gw" or set a static address`));
    }
  }
  return issues;
}

/** `gpu_assignment` is normalized; whitespace is tolerated with a warning, repeats are errors. */
export function checkGpus(config: PhoenixConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [id, c] of Object.entries(config.lxc_configs)) {
    const at = `lxc_configs.${id}.gpu_assignment`;
    const parsed = parseGpuAssignment(c.gpu_assignment);
    if (parsed.hadWhitespace) {
      issues.push(warn(at, `read ${JSON.stringify(c.gpu_assignment)} as [${parsed.gpus.join(", ")}]; write ${JSON.stringify(parsed.gpus.join(",") || "none")} instead`));
    }
    if (parsed.duplicates.length > 0) issues.push(err(at, `GPU ${parsed.duplicates.join(", ")} is listed more than once`));
    if (c.features.includes("nvidia") && parsed.gpus.length === 0) {
      issues.push(warn(at, "the nvidia feature is enabled but no GPU is assigned; the driver is installed without device passthrough"));
    }
  }
  return issues;
}

/** Features are built-in or custom; nvidia needs the root nvidia_* keys; custom feature scripts must exist. */
export function checkFeatures(config: PhoenixConfig, options: LoadOptions): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const custom = Object.keys(config.custom_features ?? {});
  const known = [...BUILTIN_FEATURES, ...custom];
  const nvidiaUsers: string[] = [];
  for (const [id, c] of Object.entries(config.lxc_configs)) {
    const seen = new Set<string>();
    c.features.forEach((f, i) => {
      const at = `lxc_configs.${id}.features.${i}`;
      if (seen.has(f)) issues.push(err(at, `feature "${f}" is listed twice`));
      seen.add(f);
      if (!known.includes(f)) issues.push(err(at, `unknown feature "${f}": not built in and not in custom_features${didYouMean(f, known)}`));
    });
    if (c.features.includes("nvidia")) nvidiaUsers.push(id);
  }
  for (const name of BUILTIN_FEATURES) {
    if (custom.includes(name)) issues.push(err(`custom_features.${name}`, `"${name}" is a built-in feature; give the custom feature another name`));
  }
  if (nvidiaUsers.length > 0) {
    for (const key of ["nvidia_driver_version", "nvidia_repo_url", "nvidia_runfile_url"] as const) {
      if (config[key] === undefined) {
        issues.push(err(key, `required field is missing: container${nvidiaUsers.length > 1 ? "s" : ""} ${nvidiaUsers.join(", ")} use${nvidiaUsers.length > 1 ? "" : "s"} the nvidia feature`));
      }
    }
  }
  if (options.fileExists !== undefined) {
    for (const [name, f] of Object.entries(config.custom_features ?? {})) {
      for (const role of ["guard", "install", "verify"] as const) {
        const full = joinPath(options.baseDir, f[role]);
        if (!options.fileExists(full)) issues.push(err(`custom_features.${name}.${role}`, `file not found: ${full}`));
      }
    }
  }
  return issues;
}

/** Mount points inside one container must not collide (volumes, zfs_volumes and bind mounts share mpN). */
export function checkMounts(config: PhoenixConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [id, c] of Object.entries(config.lxc_configs)) {
    const seen = new Map<string, string>();
    const claim = (path: string, where: string) => {
      const norm = path.length > 1 ? path.replace(/\/+$/, "") : path;
      const owner = seen.get(norm);
      if (owner !== undefined) issues.push(err(`lxc_configs.${id}.${where}`, `mount point ${norm} is also used by ${owner}`));
      else seen.set(norm, where);
    };
    c.volumes.forEach((v, i) => claim(v.mount_point, `volumes.${i}.mount_point`));
    c.zfs_volumes.forEach((v, i) => claim(v.mount_point, `zfs_volumes.${i}.mount_point`));
    c.mount_points.forEach((m, i) => claim(m.container_path, `mount_points.${i}.container_path`));
    if (c.firewall?.enabled && c.firewall.rules.length === 0) {
      issues.push(warn(`lxc_configs.${id}.firewall.rules`, "firewall enabled without rules: only the default policy applies"));
    }
    // PVE copies a clone source's firewall file to the clone: rules this stack marks on the source would sit
    // on the clone unmanaged, unless the clone has a firewall of its own.
    if (!c.firewall) {
      const seen = new Set<string>();
      for (let src = c.clone_from_ctid === undefined ? undefined : String(c.clone_from_ctid); src !== undefined && !seen.has(src); ) {
        seen.add(src);
        const s = config.lxc_configs[src];
        if (s?.firewall) {
          issues.push(warn(`lxc_configs.${id}.firewall`, `cloned from CT ${src}, whose firewall rules PVE copies to the clone; add "firewall" here to manage them ({"enabled": false, "rules": []} removes them)`));
          break;
        }
        src = s?.clone_from_ctid === undefined ? undefined : String(s.clone_from_ctid);
      }
    }
    const ruleCount = (c.firewall?.rules ?? []).length;
    if (c.firewall && !c.firewall.enabled && ruleCount > 0) {
      issues.push(warn(`lxc_configs.${id}.firewall.enabled`, `firewall disabled: its ${ruleCount} rule(s) are stored on the node but not enforced; set "enabled": true to enforce them`));
    }
  }
  return issues;
}

/** Joins a relative path onto `base` with `/` (POSIX; the tool runs on Linux). Absolute paths stay as they are. */
function joinPath(base: string | undefined, path: string): string {
  if (path.startsWith("/") || base === undefined || base === "") return path;
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\.\//, "")}`;
}
