/**
 * The benchmark fleet: a phoenix_lxc_configs.json of N containers spread over nodes, shaped like
 * examples/sim-fleet (busybox template with ostype unmanaged, clone chains, custom features, retention).
 * Pure: returns the file contents; the benchmark writes them.
 */

/** Shape of the generated fleet. */
export interface FleetShape {
  /** Node names; containers are split evenly. */
  nodes: string[];
  /** Containers in all. */
  containers: number;
  /** Per node: a chain template → clone → clone … of this many containers (each clone of the one before). @default 3 */
  chainLength?: number;
  /** Per node: extra clones of the node's chain head. @default 4 */
  extraClones?: number;
}

/** The busybox template every simulated node has (testbed/templates). */
export const BENCH_TEMPLATE = "local:vztmpl/busybox-tiny_1.36_amd64.tar.gz";

/** The custom features' scripts, relative to the config file's directory. */
export const BENCH_FEATURE_FILES: Record<string, string> = {
  "features/tools/guard.sh": "#!/bin/sh\ngrep -qx 'version=1' /etc/phx-tools 2>/dev/null || { echo 'tools missing'; exit 1; }\n",
  "features/tools/install.sh": "#!/bin/sh\nset -eu\nprintf 'version=1\\n' > /etc/phx-tools\n",
  "features/tools/verify.sh": "#!/bin/sh\ngrep -qx 'version=1' /etc/phx-tools\n",
  "features/motd/guard.sh": "#!/bin/sh\ntest -f /etc/phx-motd || { echo 'motd missing'; exit 1; }\n",
  "features/motd/install.sh": "#!/bin/sh\necho 'managed by phoenix-lxc' > /etc/phx-motd\n",
  "features/motd/verify.sh": "#!/bin/sh\ntest -s /etc/phx-motd\n",
};

/** One container's role in the fleet, for the critical-path model. */
export interface FleetMember {
  ctid: number;
  node: string;
  /** The clone source, when cloned. */
  cloneOf?: number;
  /** Takes a template snapshot (a clone source). */
  templateSnapshot: boolean;
  features: string[];
}

/** Plans which container is what: per node a chain head created from the template, its chain, extra clones, the rest created. */
export function planFleetMembers(shape: FleetShape): FleetMember[] {
  const chain = shape.chainLength ?? 3;
  const extra = shape.extraClones ?? 4;
  const members: FleetMember[] = [];
  shape.nodes.forEach((node, n) => {
    const count = Math.floor(shape.containers / shape.nodes.length) + (n < shape.containers % shape.nodes.length ? 1 : 0);
    const base = 1000 + n * 1000;
    for (let i = 0; i < count; i++) {
      const ctid = base + i;
      const cloneOf = i === 0 ? undefined : i < chain ? ctid - 1 : i < chain + extra ? base : undefined;
      const templateSnapshot = i < chain - 1;
      members.push({ ctid, node, cloneOf, templateSnapshot, features: i % 2 === 0 ? ["tools", "motd"] : ["tools"] });
    }
  });
  return members;
}

/** The config file text for a fleet. */
export function buildFleetConfig(shape: FleetShape): string {
  const lxc: Record<string, unknown> = {};
  for (const m of planFleetMembers(shape)) {
    lxc[String(m.ctid)] = {
      name: `bench-${m.ctid}`,
      node: m.node,
      memory_mb: 128,
      cores: 1,
      storage_pool: "local-lvm",
      storage_size_gb: 1,
      network_config: { name: "eth0", bridge: "vmbr0", ip: `10.${40 + shape.nodes.indexOf(m.node)}.${Math.floor(m.ctid / 250) % 250}.${(m.ctid % 250) + 2}/16`, gw: `10.${40 + shape.nodes.indexOf(m.node)}.0.1` },
      unprivileged: true,
      ...(m.cloneOf === undefined ? { template: BENCH_TEMPLATE, ostype: "unmanaged" } : { clone_from_ctid: String(m.cloneOf) }),
      ...(m.templateSnapshot ? { template_snapshot_name: "golden" } : {}),
      features: m.features,
      ...(m.ctid % 5 === 0 ? { snapshot_retention: { keep_last: 2 } } : {}),
    };
  }
  const features = Object.fromEntries(["tools", "motd"].map((f) => [f, { guard: `features/${f}/guard.sh`, install: `features/${f}/install.sh`, verify: `features/${f}/verify.sh` }]));
  return JSON.stringify({ snapshot_retention: { keep_last: 3, keep_daily: 7 }, custom_features: features, lxc_configs: lxc }, null, 2);
}
