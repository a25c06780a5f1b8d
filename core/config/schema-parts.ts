/**
 * Builders for the nested pieces of a container definition (network, volumes, mounts, firewall, checks, tests,
 * retention). Every builder constructs a fresh zod schema on call: nothing here is held at module level, because
 * Pulumi serializes the closures of dynamic providers and a captured zod schema breaks that.
 *
 * Messages that start with "expected" are completed with ", found <value>" by issues.ts.
 */
import { z } from "zod";
import * as P from "./constants";
import { canonicalIdMap, splitNameservers } from "./variants";
import * as FW from "../firewall/grammar";
import { configFieldOf } from "../firewall/rule";

/** A snapshot name PVE accepts (docs/pve-behaviour.md §2): pattern, length and the two reserved names. */
export function buildSnapshotNameSchema() {
  return z
    .string()
    .regex(P.SNAPSHOT_NAME_PATTERN, "expected a snapshot name PVE accepts: a letter, then at least one letter, digit, '_' or '-'")
    .max(P.SNAPSHOT_NAME_MAX, `expected at most ${P.SNAPSHOT_NAME_MAX} characters (PVE limit)`)
    .refine((v) => !(P.RESERVED_SNAPSHOT_NAMES as readonly string[]).includes(v), {
      error: "'current' and 'vzdump' are reserved snapshot names in PVE; choose another name",
    });
}

/** A reference to another container, as the original file writes it: the CTID as a string. */
export function buildCtidRefSchema() {
  return z.string().regex(P.VMID_PATTERN, 'expected a container ID as a string of 3 to 9 digits such as "900"');
}

/** `network_config`: the container's first NIC (`net0`). */
export function buildNetworkSchema() {
  return z
    .object({
      name: z
        .string()
        .regex(P.IFNAME_PATTERN, "expected an interface name of 1 to 15 letters, digits, '_', '.' or '-'")
        .describe('Interface name inside the container, e.g. "eth0".'),
      bridge: z
        .string()
        .regex(P.IFNAME_PATTERN, "expected a bridge name of 1 to 15 letters, digits, '_', '.' or '-'")
        .describe('Host bridge the NIC is attached to, e.g. "vmbr0".'),
      ip: z
        .string()
        .regex(P.NET_IP_PATTERN, 'expected an IPv4 address with /prefix, "dhcp" or "manual"')
        .describe('IPv4 address with prefix ("10.99.0.20/24"), "dhcp" or "manual". Must be unique per node.'),
      gw: z
        .string()
        .refine((v) => v === "" || P.IPV4_PATTERN.test(v), { error: "expected an IPv4 gateway address or an empty string" })
        .optional()
        .describe('Default gateway ("10.99.0.1"). Leave out (or "") with "dhcp" or "manual".'),
      nameservers: z
        .union(
          [
            z.array(z.string().regex(P.NAMESERVER_PATTERN, "expected an IPv4 or IPv6 address")),
            z.string().refine((v) => splitNameservers(v).length > 0 && splitNameservers(v).every((a) => P.NAMESERVER_PATTERN.test(a)), {
              error: "expected IPv4 or IPv6 addresses separated by spaces or commas",
            }),
          ],
          { error: 'expected an array of IPv4 or IPv6 addresses such as ["10.99.0.1"]' },
        )
        .transform((v) => (typeof v === "string" ? splitNameservers(v) : v))
        .optional()
        .describe(
          'DNS servers written into the container (pct --nameserver), e.g. ["10.99.0.1"]; a string "10.99.0.1 1.1.1.1" is read as ' +
            "PVE reads it (split on spaces, commas, semicolons). Default: inherit the host's.",
        ),
    })
    .describe("The container's network interface net0. Applied live (pct set --net0).");
}

/** One entry of `volumes` / `zfs_volumes`: a storage-backed mount point allocated by PVE. */
export function buildVolumeSchema() {
  return z.object({
    name: z.string().min(1, "expected a non-empty volume name").describe("Label of the volume (used in messages and ownership notes)."),
    pool: z
      .string()
      .regex(P.STORAGE_ID_PATTERN, "expected a PVE storage ID such as \"local-zfs\"")
      .describe('PVE storage the volume is allocated on, e.g. "local-zfs". Changing this replaces the volume.'),
    size_gb: z.number().int().min(1).describe("Size in GiB. Growing is applied live; shrinking is refused."),
    mount_point: z
      .string()
      .regex(P.ABSOLUTE_PATH_PATTERN, "expected an absolute path without commas")
      .describe('Absolute path inside the container, e.g. "/data". Must be unique within the container.'),
  });
}

/** One entry of `mount_points`: a host directory bind-mounted into the container. */
export function buildMountPointSchema() {
  return z.object({
    host_path: z
      .string()
      .regex(P.ABSOLUTE_PATH_PATTERN, "expected an absolute path without commas")
      .describe('Directory on the PVE node, e.g. "/tank/shared". Created when missing.'),
    container_path: z
      .string()
      .regex(P.ABSOLUTE_PATH_PATTERN, "expected an absolute path without commas")
      .describe('Where it appears inside the container, e.g. "/mnt/shared".'),
    owner_uid: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("UID (inside the container) that should own host_path; shifted by 100000 for unprivileged containers."),
    owner_gid: z.number().int().min(0).optional().describe("GID (inside the container) that should own host_path."),
    read_only: z.boolean().default(false).describe("Mount read-only (ro=1). @default false"),
  });
}

/**
 * One entry of `id_maps`: a raw `lxc.idmap` range for unprivileged containers. The original's spellings
 * (`uid`/`gid`, `size`) are read as `u`/`g` and `range` (variants.ts).
 */
export function buildIdMapSchema() {
  return z
    .object({
      type: z.enum(["u", "g", "uid", "gid"], { error: 'expected one of "u", "g"' }).describe('"u" for user IDs, "g" for group IDs ("uid"/"gid" are read the same).'),
      container_id: z.number().int().min(0).describe("First ID inside the container."),
      host_id: z.number().int().min(0).describe("First ID on the host it maps to."),
      range: z.number().int().min(1).optional().describe("How many consecutive IDs are mapped. Required (or its older name size)."),
      size: z.number().int().min(1).optional().describe("The original's name for range."),
    })
    .superRefine((m, ctx) => {
      if (m.range !== undefined && m.size !== undefined) ctx.addIssue({ code: "custom", path: ["size"], message: '"size" is the older name of "range"; keep only "range"' });
      if (m.range === undefined && m.size === undefined) ctx.addIssue({ code: "custom", path: ["range"], message: "required field is missing (expected an integer)" });
    })
    .transform(canonicalIdMap);
}

/** `health_check`: one command retried until it succeeds. */
export function buildHealthCheckSchema() {
  return z
    .object({
      command: z.string().min(1, "expected a non-empty command").describe('Command run with pct exec, e.g. "systemctl is-active docker".'),
      retries: z.number().int().min(1).default(3).describe("Attempts before the check fails. @default 3"),
      interval: z.number().int().min(0).default(5).describe("Seconds between attempts. @default 5"),
    })
    .describe("Readiness check run after the application script; the run fails when it never succeeds.");
}

/** One entry of `health_checks`: a named script with arguments. */
export function buildNamedCheckSchema() {
  return z.object({
    name: z.string().min(1, "expected a non-empty name").describe("Name shown in reports."),
    script: z.string().regex(P.FILE_PATH_PATTERN, "expected a script path").describe("Script path (relative to the config file)."),
    args: z.array(z.string()).default([]).describe("Arguments passed to the script. @default []"),
  });
}

/** `firewall`: the container's PVE firewall: options and rules, applied as managed state (core/firewall). */
export function buildFirewallSchema() {
  const addr = (what: string) => z.string().min(1).optional().describe(`${what}: an IP address, CIDR, range 'a-b', comma list, '+ipset' or alias name (PVE's address grammar).`);
  const ports = (what: string) => z.string().min(1).optional().describe(`${what} port(s): "443", "8000:8010" or "80,443" (numbers; at most 15, a range counts 2).`);
  const rule = z
    .object({
      type: z.enum(["in", "out"]).describe("Direction."),
      action: z.enum(["ACCEPT", "DROP", "REJECT"]).describe("What to do with matching packets."),
      source: addr("Source"),
      dest: addr("Destination"),
      proto: z.enum(FW.FIREWALL_PROTOCOLS).optional().describe("Protocol; required with port/sport (tcp, udp, udplite, dccp, sctp) or icmp_type (icmp, icmpv6)."),
      port: ports("Destination"),
      sport: ports("Source"),
      icmp_type: z.string().min(1).optional().describe('ICMP type with proto icmp/icmpv6, e.g. "echo-request".'),
      iface: z.string().regex(/^net[0-9]+$/, 'expected a container interface key such as "net0"').optional().describe('Interface, as the container config names it ("net0").'),
      log: z.enum(FW.FIREWALL_LOG_LEVELS).optional().describe("Log level of matches. @default no logging"),
      enabled: z.boolean().default(true).describe("false stores the rule disabled. @default true"),
      comment: z.string().optional().describe("Free text stored with the rule, after the ownership mark."),
    })
    .superRefine((r, ctx) => {
      // PVE's verify_rule, so the API never refuses a rule validate accepted.
      const fields = { proto: r.proto, dport: r.port, sport: r.sport, "icmp-type": r.icmp_type, source: r.source, dest: r.dest, comment: r.comment };
      for (const [field, message] of FW.checkRule(fields, configFieldOf)) ctx.addIssue({ code: "custom", path: [field], message });
    });
  const policy = (dir: string, def: string) => z.enum(["ACCEPT", "DROP", "REJECT"]).optional().describe(`Default policy for ${dir} traffic. @default ${def} (PVE's)`);
  return z
    .object({
      enabled: z.boolean().describe("Turn the container's PVE firewall on (firewall=1 on net0 and option enable=1); false stores the rules without enforcing them."),
      policy_in: policy("incoming", "DROP"),
      policy_out: policy("outgoing", "ACCEPT"),
      rules: z.array(rule).default([]).describe("Rules, in order. This stack's rules are marked; rules not listed are removed, hand-made rules are kept. @default []"),
    })
    .describe("Per-container PVE firewall, applied as managed state.");
}

/** `tests`: suite name → scripts run inside the container (exit 0 = pass). */
export function buildTestsSchema() {
  const test = z.object({
    name: z.string().min(1, "expected a non-empty test name").describe("Name shown in reports."),
    type: z.literal("script").describe('Only "script" is supported.'),
    path: z.string().regex(P.FILE_PATH_PATTERN, "expected a script path").describe("Script path, relative to the tests directory."),
  });
  return z
    .record(z.string().regex(P.SUITE_NAME_PATTERN, "expected a suite name of letters, digits, '_' or '-'"), z.array(test))
    .describe('Test suites, e.g. {"health_checks": [{"name": "docker up", "type": "script", "path": "docker/check_docker_service.sh"}]}.');
}

/**
 * `snapshot_retention`: the PBS-style keep-* policy. Closed: an unknown key is an error, not a warning, because an
 * ignored keep rule makes retention delete snapshots the user meant to keep.
 */
export function buildRetentionSchema() {
  const keep = (what: string) => z.number().int().min(1).optional().describe(`Keep the newest snapshot of each of the last N ${what}.`);
  return z
    .strictObject({
      keep_last: z.number().int().min(1).optional().describe("Keep the N newest snapshots."),
      keep_hourly: keep("hours that have snapshots"),
      keep_daily: keep("days that have snapshots"),
      keep_weekly: keep("ISO weeks that have snapshots"),
      keep_monthly: keep("months that have snapshots"),
      keep_yearly: keep("years that have snapshots"),
    })
    .describe(
      "Which of this tool's snapshots to keep (Proxmox Backup Server prune rules). A container's policy overrides the " +
        "root one field by field. With no keep_* set at all, nothing is ever deleted. Pinned and template snapshots are never deleted.",
    );
}
