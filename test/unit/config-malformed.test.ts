/**
 * A corpus of malformed configurations: each names the exact JSON path and message the user sees. Every case
 * starts from a valid base and breaks one thing. Pure: validateConfig does no I/O and cannot open SSH.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { validateConfig, type LoadOptions } from "../../core/config";
import { baseConfig } from "../fixtures/configs/base-config";

type Cfg = Record<string, any>;
interface Case {
  name: string;
  mutate: (c: Cfg) => void;
  path: string;
  message: string;
  options?: LoadOptions;
}

const ct = (c: Cfg, id: string) => c.lxc_configs[id];
const HOSTNAME = "expected a hostname PVE accepts: letters, digits and inner '-', labels separated by '.' (no '_')";
const IP = 'expected an IPv4 address with /prefix, "dhcp" or "manual"';
const MAC = "expected a unicast MAC address XX:XX:XX:XX:XX:XX (second hex digit even)";
const SNAP = "expected a snapshot name PVE accepts: a letter, then at least one letter, digit, '_' or '-'";
const RESERVED = "'current' and 'vzdump' are reserved snapshot names in PVE; choose another name";
const VMID_KEY = "invalid key: expected a container ID of 3 to 9 digits, first digit 1-9 (PVE VMID 100..999999999)";
const TWO_NODES: LoadOptions = { nodes: ["pve1", "pve2"] };

const CASES: Case[] = [
  { name: "misspelled root key", mutate: (c) => (c.nvidia_driver_versoin = "1.2"), path: "nvidia_driver_versoin", message: "unknown key; did you mean 'nvidia_driver_version'?" },
  { name: "misspelled container key", mutate: (c) => { ct(c, "900").memroy_mb = ct(c, "900").memory_mb; delete ct(c, "900").memory_mb; }, path: "lxc_configs.900.memroy_mb", message: "unknown key; did you mean 'memory_mb'?" },
  { name: "missing memory", mutate: (c) => delete ct(c, "900").memory_mb, path: "lxc_configs.900.memory_mb", message: "required field is missing (expected an integer)" },
  { name: "memory as a string", mutate: (c) => (ct(c, "900").memory_mb = "1024"), path: "lxc_configs.900.memory_mb", message: 'expected an integer, found "1024"' },
  { name: "memory below PVE minimum", mutate: (c) => (ct(c, "900").memory_mb = 8), path: "lxc_configs.900.memory_mb", message: "expected an integer at least 16, found 8" },
  { name: "fractional memory", mutate: (c) => (ct(c, "900").memory_mb = 1.5), path: "lxc_configs.900.memory_mb", message: "expected an integer, found 1.5" },
  { name: "zero cores", mutate: (c) => (ct(c, "900").cores = 0), path: "lxc_configs.900.cores", message: "expected an integer at least 1, found 0" },
  { name: "too many cores", mutate: (c) => (ct(c, "900").cores = 9000), path: "lxc_configs.900.cores", message: "expected an integer at most 8192, found 9000" },
  { name: "zero disk", mutate: (c) => (ct(c, "900").storage_size_gb = 0), path: "lxc_configs.900.storage_size_gb", message: "expected an integer at least 1, found 0" },
  { name: "negative swap", mutate: (c) => (ct(c, "900").swap_mb = -1), path: "lxc_configs.900.swap_mb", message: "expected an integer at least 0, found -1" },
  { name: "underscore in hostname", mutate: (c) => (ct(c, "900").name = "a_b"), path: "lxc_configs.900.name", message: `${HOSTNAME}, found "a_b"` },
  { name: "empty hostname", mutate: (c) => (ct(c, "900").name = ""), path: "lxc_configs.900.name", message: `${HOSTNAME}, found ""` },
  { name: "IPv4 octet out of range", mutate: (c) => (ct(c, "950").network_config.ip = "10.0.0.300/24"), path: "lxc_configs.950.network_config.ip", message: `${IP}, found "10.0.0.300/24"` },
  { name: "IPv4 without prefix", mutate: (c) => (ct(c, "950").network_config.ip = "10.0.0.3"), path: "lxc_configs.950.network_config.ip", message: `${IP}, found "10.0.0.3"` },
  { name: "bad gateway", mutate: (c) => (ct(c, "950").network_config.gw = "10.0.0"), path: "lxc_configs.950.network_config.gw", message: 'expected an IPv4 gateway address or an empty string, found "10.0.0"' },
  { name: "missing bridge", mutate: (c) => delete ct(c, "950").network_config.bridge, path: "lxc_configs.950.network_config.bridge", message: "required field is missing (expected a string)" },
  { name: "interface name too long", mutate: (c) => (ct(c, "950").network_config.name = "eth0123456789012"), path: "lxc_configs.950.network_config.name", message: `expected an interface name of 1 to 15 letters, digits, '_', '.' or '-', found "eth0123456789012"` },
  { name: "network key one letter off", mutate: (c) => (ct(c, "950").network_config.nameserver = "10.99.0.1"), path: "lxc_configs.950.network_config.nameserver", message: "unknown key; did you mean 'nameservers'?" },
  { name: "nameserver not an address", mutate: (c) => (ct(c, "950").network_config.nameservers = ["dns.example"]), path: "lxc_configs.950.network_config.nameservers.0", message: 'expected an IPv4 or IPv6 address, found "dns.example"' },
  { name: "multicast MAC", mutate: (c) => (ct(c, "900").mac_address = "01:00:5E:00:00:01"), path: "lxc_configs.900.mac_address", message: `${MAC}, found "01:00:5E:00:00:01"` },
  { name: "MAC with dashes", mutate: (c) => (ct(c, "900").mac_address = "BC-24-11-99-00-90"), path: "lxc_configs.900.mac_address", message: `${MAC}, found "BC-24-11-99-00-90"` },
  { name: "neither template nor clone", mutate: (c) => delete ct(c, "953").template, path: "lxc_configs.953", message: 'container has neither "template" nor "clone_from_ctid"; set one of them' },
  { name: "template not a volume ID", mutate: (c) => (ct(c, "953").template = "busybox.tar.gz"), path: "lxc_configs.953.template", message: 'expected a template volume ID such as "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst" or an absolute path, found "busybox.tar.gz"' },
  { name: "clone source as a number", mutate: (c) => (ct(c, "950").clone_from_ctid = 901), path: "lxc_configs.950.clone_from_ctid", message: "expected a string, found 901" },
  { name: "clone source below VMID range", mutate: (c) => (ct(c, "950").clone_from_ctid = "42"), path: "lxc_configs.950.clone_from_ctid", message: 'expected a container ID as a string of 3 to 9 digits such as "900", found "42"' },
  { name: "dangling clone source", mutate: (c) => (ct(c, "950").clone_from_ctid = "903"), path: "lxc_configs.950.clone_from_ctid", message: 'container 950 clones from 903, which is not defined in lxc_configs (it may be a VM, or a guest another file manages); clones are made from a container of this file: define container 903 here with a template_snapshot_name, or give 950 a "template" instead' },
  { name: "clone source without snapshot", mutate: (c) => (ct(c, "950").clone_from_ctid = "953"), path: "lxc_configs.950.clone_from_ctid", message: "container 950 clones from 953, which has no template_snapshot_name; add one to 953 so there is a snapshot to clone" },
  { name: "clone across nodes", mutate: (c) => { delete ct(c, "960").template; ct(c, "960").clone_from_ctid = "900"; }, path: "lxc_configs.960.clone_from_ctid", message: "container 960 (node pve2) clones from 900 on node pve1; pct clone works within one node" },
  { name: "dangling dependency", mutate: (c) => (ct(c, "950").dependencies = ["999"]), path: "lxc_configs.950.dependencies.0", message: "container 950 depends on 999, which is not defined in lxc_configs (it may be a VM, or a guest another file manages); only containers of this file are ordered: remove 999 from dependencies, or define container 999 here" },
  { name: "two-container cycle", mutate: (c) => (ct(c, "953").dependencies = ["950"]), path: "lxc_configs.950.dependencies", message: "dependency cycle: 950 → 953 → 950" },
  { name: "self dependency", mutate: (c) => (ct(c, "953").dependencies = ["953"]), path: "lxc_configs.953.dependencies", message: "dependency cycle: 953 → 953" },
  { name: "clone cycle", mutate: (c) => (ct(c, "900").clone_from_ctid = "950"), path: "lxc_configs.900.clone_from_ctid", message: "dependency cycle: 900 → 950 → 901 → 900" },
  { name: "duplicate hostname on a node (case-insensitive)", mutate: (c) => (ct(c, "953").name = "VLLM"), path: "lxc_configs.953.name", message: 'hostname "VLLM" is also used by container 950 on node pve1' },
  { name: "duplicate IPv4 on a node", mutate: (c) => (ct(c, "953").network_config.ip = "10.99.0.150/16"), path: "lxc_configs.953.network_config.ip", message: "IPv4 address 10.99.0.150 is also used by container 950 on node pve1" },
  { name: "duplicate MAC on a node", mutate: (c) => (ct(c, "901").mac_address = "bc:24:11:99:00:90"), path: "lxc_configs.901.mac_address", message: "MAC address BC:24:11:99:00:90 is also used by container 900 on node pve1" },
  { name: "reserved snapshot name", mutate: (c) => (ct(c, "900").template_snapshot_name = "current"), path: "lxc_configs.900.template_snapshot_name", message: RESERVED },
  { name: "snapshot name starting with a digit", mutate: (c) => (ct(c, "900").template_snapshot_name = "1st"), path: "lxc_configs.900.template_snapshot_name", message: `${SNAP}, found "1st"` },
  { name: "one-character snapshot name", mutate: (c) => (ct(c, "900").template_snapshot_name = "a"), path: "lxc_configs.900.template_snapshot_name", message: `${SNAP}, found "a"` },
  { name: "snapshot name over 40 characters", mutate: (c) => (ct(c, "900").template_snapshot_name = "a".repeat(41)), path: "lxc_configs.900.template_snapshot_name", message: `expected at most 40 characters (PVE limit), found "${"a".repeat(41)}"` },
  { name: "pin with a space", mutate: (c) => (ct(c, "950").snapshot_pins = ["pre upgrade"]), path: "lxc_configs.950.snapshot_pins.0", message: `${SNAP}, found "pre upgrade"` },
  { name: "pin named vzdump", mutate: (c) => (ct(c, "950").snapshot_pins = ["vzdump"]), path: "lxc_configs.950.snapshot_pins.0", message: RESERVED },
  { name: "GPU list with semicolons", mutate: (c) => (ct(c, "901").gpu_assignment = "0;1"), path: "lxc_configs.901.gpu_assignment", message: 'expected "none" or a comma list of GPU indices such as "0,1", found "0;1"' },
  { name: "GPU listed twice", mutate: (c) => (ct(c, "901").gpu_assignment = "0,0"), path: "lxc_configs.901.gpu_assignment", message: "GPU 0 is listed more than once" },
  { name: "negative GPU index", mutate: (c) => (ct(c, "901").gpu_assignment = [-1]), path: "lxc_configs.901.gpu_assignment.0", message: "expected an integer at least 0, found -1" },
  { name: "GPU as a boolean", mutate: (c) => (ct(c, "901").gpu_assignment = true), path: "lxc_configs.901.gpu_assignment", message: 'expected "none", a comma list of GPU indices such as "0,1", or an array such as [0, 1], found true' },
  { name: "misspelled feature", mutate: (c) => (ct(c, "953").features = ["dokcer"]), path: "lxc_configs.953.features.0", message: "unknown feature \"dokcer\": not built in and not in custom_features; did you mean 'docker'?" },
  { name: "feature listed twice", mutate: (c) => (ct(c, "953").features = ["docker", "docker"]), path: "lxc_configs.953.features.1", message: 'feature "docker" is listed twice' },
  { name: "upper-case feature", mutate: (c) => (ct(c, "953").features = ["Docker"]), path: "lxc_configs.953.features.0", message: `expected a feature name (lower-case letters, digits, '_' or '-'), found "Docker"` },
  { name: "nvidia without driver version", mutate: (c) => delete c.nvidia_driver_version, path: "nvidia_driver_version", message: "required field is missing: container 901 uses the nvidia feature" },
  { name: "repo URL not a URL", mutate: (c) => (c.nvidia_repo_url = "not a url"), path: "nvidia_repo_url", message: 'expected an http(s) or ftp URL, found "not a url"' },
  { name: "misspelled portainer role", mutate: (c) => (ct(c, "953").portainer_role = "srever"), path: "lxc_configs.953.portainer_role", message: `expected one of "server", "agent", "none", "infrastructure", found "srever"; did you mean 'server'?` },
  { name: "unprivileged as text", mutate: (c) => (ct(c, "953").unprivileged = "yes"), path: "lxc_configs.953.unprivileged", message: 'expected true or false, found "yes"' },
  { name: "pct option without value", mutate: (c) => (ct(c, "953").pct_options = ["nesting"]), path: "lxc_configs.953.pct_options.0", message: 'expected a pct feature such as "nesting=1", "keyctl=1", "fuse=1", "mknod=1" or "mount=nfs;cifs", found "nesting"' },
  { name: "lxc option without lxc. prefix", mutate: (c) => (ct(c, "953").lxc_options = ["mount.entry=x"]), path: "lxc_configs.953.lxc_options.0", message: 'expected a raw LXC option "lxc.<key>=<value>", found "mount.entry=x"' },
  { name: "port mapping without container port", mutate: (c) => (ct(c, "953").ports = ["80"]), path: "lxc_configs.953.ports.0", message: 'expected "<host port>:<container port>" such as "8000:8000", found "80"' },
  { name: "port zero", mutate: (c) => (ct(c, "953").ports = ["0:80"]), path: "lxc_configs.953.ports.0", message: "ports must be between 1 and 65535" },
  { name: "health check without command", mutate: (c) => (ct(c, "953").health_check = { retries: 3 }), path: "lxc_configs.953.health_check.command", message: "required field is missing (expected a string)" },
  { name: "health check with zero retries", mutate: (c) => (ct(c, "953").health_check = { command: "true", retries: 0 }), path: "lxc_configs.953.health_check.retries", message: "expected an integer at least 1, found 0" },
  { name: "firewall port without protocol", mutate: (c) => (ct(c, "953").firewall = { enabled: true, rules: [{ type: "in", action: "ACCEPT", port: "80" }] }), path: "lxc_configs.953.firewall.rules.0.proto", message: '"port" needs "proto" (one of tcp, udp, udplite, dccp, sctp); PVE rejects a port without a protocol' },
  { name: "firewall action in lower case", mutate: (c) => (ct(c, "953").firewall = { enabled: true, rules: [{ type: "in", action: "accept" }] }), path: "lxc_configs.953.firewall.rules.0.action", message: `expected one of "ACCEPT", "DROP", "REJECT", found "accept"; did you mean 'ACCEPT'?` },
  { name: "volume of zero size", mutate: (c) => (ct(c, "953").volumes = [{ name: "d", pool: "local-lvm", size_gb: 0, mount_point: "/data" }]), path: "lxc_configs.953.volumes.0.size_gb", message: "expected an integer at least 1, found 0" },
  { name: "bind mount over a volume", mutate: (c) => { ct(c, "953").volumes = [{ name: "d", pool: "local-lvm", size_gb: 1, mount_point: "/data" }]; ct(c, "953").mount_points = [{ host_path: "/srv", container_path: "/data/" }]; }, path: "lxc_configs.953.mount_points.0.container_path", message: "mount point /data is also used by volumes.0.mount_point" },
  { name: "relative host path", mutate: (c) => (ct(c, "953").mount_points = [{ host_path: "srv", container_path: "/srv" }]), path: "lxc_configs.953.mount_points.0.host_path", message: 'expected an absolute path without commas, found "srv"' },
  { name: "test of an unknown type", mutate: (c) => (ct(c, "953").tests = { smoke: [{ name: "t", type: "python", path: "t.py" }] }), path: "lxc_configs.953.tests.smoke.0.type", message: 'expected "script", found "python"' },
  { name: "retention keeping zero", mutate: (c) => (ct(c, "950").snapshot_retention = { keep_last: 0 }), path: "lxc_configs.950.snapshot_retention.keep_last", message: "expected an integer at least 1, found 0" },
  { name: "unknown retention rule lists the valid ones", mutate: (c) => (c.snapshot_retention = { keep_forever: 1 }), path: "snapshot_retention.keep_forever", message: "unknown key; expected one of keep_last, keep_hourly, keep_daily, keep_weekly, keep_monthly, keep_yearly" },
  { name: "misspelled retention rule", mutate: (c) => (c.snapshot_retention = { keep_dayly: 3 }), path: "snapshot_retention.keep_dayly", message: "unknown key; did you mean 'keep_daily'?" },
  { name: "two-digit container ID", mutate: (c) => (c.lxc_configs["99"] = ct(c, "953")), path: "lxc_configs.99", message: `${VMID_KEY}, found "99"` },
  { name: "container ID with a leading zero", mutate: (c) => (c.lxc_configs["0100"] = ct(c, "953")), path: "lxc_configs.0100", message: `${VMID_KEY}, found "0100"` },
  { name: "no lxc_configs", mutate: (c) => delete c.lxc_configs, path: "lxc_configs", message: "required field is missing (expected an object)" },
  { name: "gateway with dhcp", mutate: (c) => (ct(c, "960").network_config.gw = "10.99.0.1"), path: "lxc_configs.960.network_config.gw", message: 'a gateway cannot be combined with ip "dhcp"; remove "gw" or set a static address' },
  { name: "node outside the stack", mutate: (c) => (ct(c, "960").node = "pve3"), options: TWO_NODES, path: "lxc_configs.960.node", message: "node \"pve3\" is not one of the stack's nodes (pve1, pve2); did you mean 'pve1'?" },
  { name: "no node with two stack nodes", mutate: (c) => delete ct(c, "953").node, options: TWO_NODES, path: "lxc_configs.953.node", message: "required field is missing: the stack has several nodes (pve1, pve2); say which one" },
  { name: "custom feature shadowing a built-in", mutate: (c) => (c.custom_features = { docker: { guard: "g.sh", install: "i.sh", verify: "v.sh" } }), path: "custom_features.docker", message: '"docker" is a built-in feature; give the custom feature another name' },
  { name: "custom feature script missing", mutate: (c) => (c.custom_features = { mon: { guard: "features/guard.sh", install: "i.sh", verify: "v.sh" } }), options: { baseDir: "/cfg", fileExists: () => false }, path: "custom_features.mon.guard", message: "file not found: /cfg/features/guard.sh" },
  { name: "tag starting with a dash", mutate: (c) => (ct(c, "953").tags = ["-bad"]), path: "lxc_configs.953.tags.0", message: `expected a PVE tag (letters, digits, '_', '-', '+', '.'; not starting with '-', '+' or '.'), found "-bad"` },
  { name: "unknown restart policy", mutate: (c) => (ct(c, "953").restart_policy = "always"), path: "lxc_configs.953.restart_policy", message: 'expected one of "restart", "never", found "always"' },
  { name: "GPU memory fraction above one", mutate: (c) => (ct(c, "950").vllm_gpu_memory_utilization = 1.5), path: "lxc_configs.950.vllm_gpu_memory_utilization", message: "expected a number at most 1, found 1.5" },
  { name: "misspelled vLLM model type", mutate: (c) => (ct(c, "950").vllm_model_type = "chatt"), path: "lxc_configs.950.vllm_model_type", message: `expected one of "chat", "embedding", found "chatt"; did you mean 'chat'?` },
  { name: "id map of unknown kind", mutate: (c) => (ct(c, "950").id_maps = [{ type: "x", container_id: 0, host_id: 100000, range: 65536 }]), path: "lxc_configs.950.id_maps.0.type", message: 'expected one of "u", "g", found "x"' },
];

describe("malformed configurations", () => {
  it("has at least 50 cases", () => assert.ok(CASES.length >= 50, `only ${CASES.length} cases`));
  for (const c of CASES) {
    it(`reports ${c.name} at ${c.path}`, () => {
      const cfg = baseConfig();
      c.mutate(cfg);
      const result = validateConfig(cfg, c.options);
      assert.equal(result.ok, false, "the configuration should be rejected");
      const issues = result.ok ? [] : result.issues;
      const atPath = issues.filter((i) => i.path === c.path && i.severity === "error");
      assert.ok(atPath.some((i) => i.message === c.message), `no such error at ${c.path}; got ${JSON.stringify(atPath, null, 1)}`);
    });
  }
});
