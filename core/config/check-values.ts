/**
 * Cross-field checks about values: uniqueness per node (hostname, IPv4, MAC), network coherence, GPUs,
 * features (built-in or custom, nvidia root keys), mount paths, firewall. They run on the salvaged view too,
 * so every field may be absent.
 */
import { PhoenixError, type ConfigIssue } from "../errors";
import { lxcRawLineProblem } from "../conf-file";
import { normaliseRawLine } from "../container/pve-values";
import { type CheckContext, containersOf } from "./check-context";
import { BUILTIN_FEATURES, LXC_OPTION_PATTERN } from "./constants";
import { didYouMean } from "./did-you-mean";
import { errorAt, warningAt, type ConfigIssueKind } from "./issue-kinds";
import { parseGpuAssignment, resolveNode } from "./normalize";
import type { ConfigView } from "./salvage";

/** Hostnames, static IPv4 addresses and MACs must be unique within a node (PVE does not check; the LAN breaks). */
export function checkUniqueness(config: ConfigView, ctx: CheckContext): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, string>();
  const claim = (kind: ConfigIssueKind, node: string | undefined, value: string, id: string, path: string, label: string) => {
    const key = `${kind}\u0000${node ?? ""}\u0000${value}`;
    const owner = seen.get(key);
    if (owner === undefined) seen.set(key, id);
    else issues.push(errorAt(kind, path, `${label} is also used by container ${owner}${node === undefined ? "" : ` on node ${node}`}`));
  };
  for (const [id, c] of containersOf(config)) {
    const at = `lxc_configs.${id}`;
    if (ctx.invalid(`${at}.node`)) continue; // which node it is on is unknown
    const node = resolveNode(c, ctx.options);
    if (c.name !== undefined) claim("duplicate-hostname", node, c.name.toLowerCase(), id, `${at}.name`, `hostname "${c.name}"`);
    const ip = c.network_config?.ip;
    if (ip !== undefined && ip !== "dhcp" && ip !== "manual") {
      claim("duplicate-ip", node, ip.split("/")[0]!, id, `${at}.network_config.ip`, `IPv4 address ${ip.split("/")[0]}`);
    }
    if (c.mac_address !== undefined) claim("duplicate-mac", node, c.mac_address.toUpperCase(), id, `${at}.mac_address`, `MAC address ${c.mac_address.toUpperCase()}`);
  }
  return issues;
}

/** A gateway only makes sense with a static address. */
export function checkNetwork(config: ConfigView): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [id, c] of containersOf(config)) {
    const { ip, gw } = c.network_config ?? {};
    if ((ip === "dhcp" || ip === "manual") && gw !== undefined && gw !== "") {
      issues.push(errorAt("gateway-without-address", `lxc_configs.${id}.network_config.gw`, `a gateway cannot be combined with ip "${ip}"; remove "gw" or set a static address`));
    }
  }
  return issues;
}

/** `gpu_assignment` is normalized; whitespace is tolerated with a warning, repeats are errors. */
export function checkGpus(config: ConfigView, ctx: CheckContext): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [id, c] of containersOf(config)) {
    const at = `lxc_configs.${id}.gpu_assignment`;
    if (ctx.invalid(at)) continue;
    const gpus = Array.isArray(c.gpu_assignment) ? c.gpu_assignment.filter((g): g is number => g !== undefined) : c.gpu_assignment;
    const parsed = parseGpuAssignment(gpus);
    if (parsed.hadWhitespace) {
      issues.push(warningAt("gpu-spacing", at, `read ${JSON.stringify(c.gpu_assignment)} as [${parsed.gpus.join(", ")}]; write ${JSON.stringify(parsed.gpus.join(",") || "none")} instead`));
    }
    if (parsed.duplicates.length > 0) issues.push(errorAt("gpu-repeated", at, `GPU ${parsed.duplicates.join(", ")} is listed more than once`));
    if ((c.features ?? []).includes("nvidia") && parsed.gpus.length === 0) {
      issues.push(warningAt("gpu-missing", at, "the nvidia feature is enabled but no GPU is assigned; the driver is installed without device passthrough"));
    }
  }
  return issues;
}

/** Features are built-in (a script set in the catalog) or custom; nvidia needs the root nvidia_* keys. */
export function checkFeatures(config: ConfigView): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const custom = Object.keys(config.custom_features ?? {});
  const known = [...BUILTIN_FEATURES, ...custom];
  const nvidiaUsers: string[] = [];
  for (const [id, c] of containersOf(config)) {
    const seen = new Set<string>();
    (c.features ?? []).forEach((f, i) => {
      if (f === undefined) return;
      const at = `lxc_configs.${id}.features.${i}`;
      if (seen.has(f)) issues.push(errorAt("feature-repeated", at, `feature "${f}" is listed twice`));
      seen.add(f);
      if (!known.includes(f)) {
        const hint = didYouMean(f, known);
        const fix = hint || `; add custom_features.${f} with its guard, install and verify scripts, or remove it`;
        issues.push(errorAt("feature-unknown", at, `unknown feature "${f}": not built in and not in custom_features${fix}`));
      }
    });
    if ((c.features ?? []).includes("nvidia")) nvidiaUsers.push(id);
  }
  for (const name of BUILTIN_FEATURES) {
    if (custom.includes(name)) issues.push(errorAt("feature-shadows-builtin", `custom_features.${name}`, `"${name}" is a built-in feature; give the custom feature another name`));
  }
  if (nvidiaUsers.length > 0) {
    for (const key of ["nvidia_driver_version", "nvidia_repo_url", "nvidia_runfile_url"] as const) {
      if (config[key] === undefined) {
        const many = nvidiaUsers.length > 1;
        issues.push(errorAt("nvidia-setting-missing", key, `required field is missing: container${many ? "s" : ""} ${nvidiaUsers.join(", ")} use${many ? "" : "s"} the nvidia feature`));
      }
    }
  }
  return issues;
}

/** Mount points inside one container must not collide (volumes, zfs_volumes and bind mounts share mpN). */
export function checkMounts(config: ConfigView): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [id, c] of containersOf(config)) {
    const seen = new Map<string, string>();
    const claim = (path: string | undefined, where: string) => {
      if (path === undefined) return;
      const norm = path.length > 1 ? path.replace(/\/+$/, "") : path;
      const owner = seen.get(norm);
      if (owner !== undefined) issues.push(errorAt("mount-collision", `lxc_configs.${id}.${where}`, `mount point ${norm} is also used by ${owner}`));
      else seen.set(norm, where);
    };
    (c.volumes ?? []).forEach((v, i) => claim(v?.mount_point, `volumes.${i}.mount_point`));
    (c.zfs_volumes ?? []).forEach((v, i) => claim(v?.mount_point, `zfs_volumes.${i}.mount_point`));
    (c.mount_points ?? []).forEach((m, i) => claim(m?.container_path, `mount_points.${i}.container_path`));
    if (c.firewall?.enabled && (c.firewall.rules ?? []).length === 0) {
      issues.push(warningAt("firewall-without-rules", `lxc_configs.${id}.firewall.rules`, "firewall enabled without rules: only the default policy applies"));
    }
    // PVE copies a clone source's firewall file to the clone: rules this stack marks on the source would sit
    // on the clone unmanaged, unless the clone has a firewall of its own.
    if (!c.firewall) {
      const seen = new Set<string>();
      for (let src = c.clone_from_ctid === undefined ? undefined : String(c.clone_from_ctid); src !== undefined && !seen.has(src); ) {
        seen.add(src);
        const s = config.lxc_configs?.[src];
        if (s?.firewall) {
          issues.push(warningAt("firewall-inherited", `lxc_configs.${id}.firewall`, `cloned from CT ${src}, whose firewall rules PVE copies to the clone; add "firewall" here to manage them ({"enabled": false, "rules": []} removes them)`));
          break;
        }
        src = s?.clone_from_ctid === undefined ? undefined : String(s.clone_from_ctid);
      }
    }
    const ruleCount = (c.firewall?.rules ?? []).length;
    if (c.firewall && !c.firewall.enabled && ruleCount > 0) {
      issues.push(warningAt("firewall-disabled", `lxc_configs.${id}.firewall.enabled`, `firewall disabled: its ${ruleCount} rule(s) are stored on the node but not enforced; set "enabled": true to enforce them`));
    }
  }
  return issues;
}

/**
 * Raw `lxc_options` lines the converge would refuse (the rule of core/conf-file, which applies it again when it
 * edits the config): found here, with the field, before any node is contacted.
 */
export function checkLxcOptions(config: ConfigView): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [id, c] of containersOf(config)) {
    (c.lxc_options ?? []).forEach((line, i) => {
      if (typeof line !== "string" || !LXC_OPTION_PATTERN.test(line)) return; // the schema reports those
      const at = `lxc_configs.${id}.lxc_options.${i}`;
      try {
        const found = lxcRawLineProblem(normaliseRawLine(line));
        if (found) issues.push(errorAt("raw-line-refused", at, `${found.problem}; ${found.fix}`));
      } catch (e) {
        if (!(e instanceof PhoenixError)) throw e; // a line the schema refuses too: its message is the schema's
      }
    });
  }
  return issues;
}
