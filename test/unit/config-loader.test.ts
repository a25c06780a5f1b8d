import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../core/errors";
import { ConfigSyntaxError, loadConfigText, resolveRetention, validateConfig } from "../../core/config";
import { baseConfig } from "../fixtures/configs/base-config";

const warningsOf = (mutate: (c: Record<string, any>) => void) => {
  const cfg = baseConfig();
  mutate(cfg);
  const r = validateConfig(cfg);
  assert.ok(r.ok, JSON.stringify(r.ok ? [] : r.issues));
  return r.warnings;
};

describe("configuration loader", () => {
  it("gives line and column of a JSON syntax error", () => {
    const text = '{\n  "lxc_configs": {\n    "900": { "name": "a", }\n  }\n}\n';
    assert.throws(() => loadConfigText(text, {}, "x.json"), (e: unknown) => {
      assert.ok(e instanceof ConfigSyntaxError);
      assert.deepEqual([e.line, e.column], [3, 27]);
      assert.match(e.issues[0].path, /^x\.json:3:27$/);
      return true;
    });
  });
  it("points at the end of the text when the JSON is truncated", () => {
    assert.throws(() => loadConfigText('{\n "lxc_configs": {'), (e: unknown) => e instanceof ConfigSyntaxError && e.line === 2);
  });
  it("rejects a container ID defined twice, which JSON.parse would silently merge", () => {
    const text = JSON.stringify(baseConfig(), null, 1).replace('"953": {', '"950": {"name": "dup"},\n"953": {');
    assert.throws(() => loadConfigText(text), (e: unknown) =>
      e instanceof ConfigError && e.issues.some((i) => i.path === "lxc_configs.950" && i.message.startsWith('key "950" appears more than once')));
  });
  it("reports every schema problem at once", () => {
    const cfg = baseConfig();
    cfg.lxc_configs["900"].cores = 0;
    cfg.lxc_configs["950"].memory_mb = 1;
    cfg.lxc_configs["953"].name = "a_b";
    const r = validateConfig(cfg);
    assert.deepEqual(r.ok ? [] : r.issues.map((i) => i.path), ["lxc_configs.900.cores", "lxc_configs.950.memory_mb", "lxc_configs.953.name"]);
  });
  it("warns and normalizes a GPU list written with spaces", () => {
    const warnings = warningsOf((c) => (c.lxc_configs["901"].gpu_assignment = "0, 1"));
    assert.deepEqual(warnings, [{ path: "lxc_configs.901.gpu_assignment", message: 'read "0, 1" as [0, 1]; write "0,1" instead', severity: "warning", kind: "gpu-spacing" }]);
    const { specs } = loadConfigText(JSON.stringify({ ...baseConfig(), lxc_configs: { ...baseConfig().lxc_configs, "901": { ...baseConfig().lxc_configs["901"], gpu_assignment: "1, 0" } } }));
    assert.deepEqual(specs.get(901)?.gpus, [0, 1]);
  });
  it("warns that a template is ignored on a clone", () => {
    const warnings = warningsOf((c) => (c.lxc_configs["950"].template = "local:vztmpl/x.tar.gz"));
    assert.deepEqual(warnings.map((w) => w.path), ["lxc_configs.950.template"]);
  });
  it("warns about an enabled firewall without rules", () => {
    const warnings = warningsOf((c) => (c.lxc_configs["953"].firewall = { enabled: true }));
    assert.deepEqual(warnings.map((w) => w.path), ["lxc_configs.953.firewall.rules"]);
  });
  it("warns that rules stored with enabled false are not enforced, and that clones inherit a source's firewall", () => {
    const rules = [{ type: "in", action: "ACCEPT", proto: "tcp", port: "22" }];
    assert.deepEqual(warningsOf((c) => (c.lxc_configs["953"].firewall = { enabled: false, rules })).map((w) => w.message), [
      'firewall disabled: its 1 rule(s) are stored on the node but not enforced; set "enabled": true to enforce them',
    ]);
    const warnings = warningsOf((c) => {
      c.lxc_configs["900"].firewall = { enabled: true, rules };
      c.lxc_configs["901"].firewall = { enabled: false, rules: [] };
    });
    assert.deepEqual(warnings.map((w) => w.path), ["lxc_configs.950.firewall"]);
    assert.equal(warnings[0]!.message, 'cloned from CT 901, whose firewall rules PVE copies to the clone; add "firewall" here to manage them ({"enabled": false, "rules": []} removes them)');
  });
  it("accepts the same hostname on two different nodes", () => {
    const cfg = baseConfig();
    cfg.lxc_configs["960"].name = "vllm";
    assert.equal(validateConfig(cfg).ok, true);
  });
  it("accepts the original CRUD test container (8 GB, dhcp, empty gw)", () => {
    const cfg = { lxc_configs: { "9999": { name: "test-container", template: "local:vztmpl/ubuntu-22.04-standard_22.04-1_amd64.tar.gz", storage_pool: "local-zfs", storage_size_gb: 8, memory_mb: 512, cores: 1, network_config: { name: "eth0", bridge: "vmbr0", ip: "dhcp", gw: "" }, unprivileged: true } } };
    const r = validateConfig(cfg);
    assert.ok(r.ok);
    assert.equal(r.specs.get(9999)?.network.gateway, undefined);
  });
  it("resolves retention field by field, container over root", () => {
    const r = validateConfig(baseConfig());
    assert.ok(r.ok);
    assert.deepEqual(resolveRetention(r.config, 950), { keep_last: 5, keep_daily: 7 });
    assert.deepEqual(resolveRetention(r.config, "953"), { keep_last: 3, keep_daily: 7 });
  });
  it("builds clone sources with the parent's snapshot name", () => {
    const r = validateConfig(baseConfig());
    assert.ok(r.ok);
    assert.deepEqual(r.specs.get(950)?.source, { kind: "clone", fromCtid: 901, snapshot: "final-form" });
  });
  it("lower-cases, de-duplicates and sorts tags as PVE stores them", () => {
    const cfg = baseConfig();
    cfg.lxc_configs["953"].tags = ["Web", "db", "web"];
    const r = validateConfig(cfg);
    assert.ok(r.ok);
    assert.deepEqual(r.specs.get(953)?.tags, ["db", "web"]);
  });
  it("loads no SSH or host module (validation cannot open a connection)", () => {
    const loaded = Object.keys(require.cache);
    assert.deepEqual(loaded.filter((m) => /[\\/](ssh2|host)[\\/]/.test(m) && !m.includes("node_modules/zod")), []);
  });
});

describe("configuration loader: one pass, accepted variants", () => {
  it("ignores an unknown key that is no near miss, with a warning", () => {
    const warnings = warningsOf((c) => (c.lxc_configs["950"].network_config.gateway = "10.99.0.1"));
    assert.deepEqual(warnings.map((w) => [w.kind, w.path]), [["unknown-key", "lxc_configs.950.network_config.gateway"]]);
  });
  it("reports a schema problem in one container and a dangling clone source in another together", () => {
    const cfg = baseConfig();
    cfg.lxc_configs["953"].memory_mb = "lots";
    cfg.lxc_configs["950"].clone_from_ctid = "903";
    cfg.lxc_configs["960"].vllm = [{ name: "legacy test list" }];
    const r = validateConfig(cfg);
    assert.deepEqual(r.ok ? [] : r.issues.map((i) => [i.kind, i.path]), [
      ["schema", "lxc_configs.953.memory_mb"],
      ["clone-source-missing", "lxc_configs.950.clone_from_ctid"],
    ]);
  });
  it("refuses the raw lxc_options lines the converge would refuse, naming the line and the fix, before any node", () => {
    const cfg = baseConfig();
    cfg.lxc_configs["950"].lxc_options = ["lxc.mount.auto = proc:rw sys:rw", "lxc.environment.runtime=A=1", "lxc.cap.drop =  sys_time", "lxc.apparmor.profile=unconfined"];
    const r = validateConfig(cfg);
    const issues = r.ok ? [] : r.issues;
    assert.deepEqual(issues.map((i) => [i.kind, i.path]), [
      ["raw-line-refused", "lxc_configs.950.lxc_options.1"],
      ["raw-line-refused", "lxc_configs.950.lxc_options.2"],
    ]);
    assert.match(issues[1]!.message, /" sys_time" has a newline or surrounding whitespace .*; write it as "lxc\.cap\.drop=sys_time"$/);
  });
  it("checks the references of a container whose own schema fails", () => {
    const cfg = baseConfig();
    cfg.lxc_configs["950"].cores = 0;
    cfg.lxc_configs["950"].dependencies = ["953", 42, "999"];
    const r = validateConfig(cfg);
    assert.deepEqual(r.ok ? [] : r.issues.map((i) => [i.kind, i.path]), [
      ["schema", "lxc_configs.950.cores"],
      ["schema", "lxc_configs.950.dependencies.1"],
      ["dependency-missing", "lxc_configs.950.dependencies.2"],
    ]);
  });
  it("does not report a consequence of a refused value (a bad template is not 'no template')", () => {
    const cfg = baseConfig();
    cfg.lxc_configs["953"].template = "busybox.tar.gz";
    cfg.lxc_configs["953"].memroy_mb = 512;
    delete cfg.lxc_configs["953"].memory_mb;
    const r = validateConfig(cfg);
    assert.deepEqual(r.ok ? [] : r.issues.map((i) => [i.kind, i.path]), [
      ["schema", "lxc_configs.953.template"],
      ["misspelled-key", "lxc_configs.953.memroy_mb"],
    ]);
  });
  it("reads PVE's spellings into one form: nameserver string, raw line separators, id map names", () => {
    const cfg = baseConfig();
    cfg.lxc_configs["953"].network_config.nameservers = "10.99.0.1, 1.1.1.1;9.9.9.9 8.8.8.8";
    cfg.lxc_configs["953"].lxc_options = ["lxc.mount.auto:sys:rw", "lxc.apparmor.allow_nesting: 1", "lxc.cap.drop = ", "lxc.mount.entry=/dev/fuse dev/fuse none bind,create=file"];
    cfg.lxc_configs["953"].id_maps = [{ type: "gid", container_id: 33, host_id: 33, size: 1 }, { type: "u", container_id: 0, host_id: 100000, range: 65536 }];
    const r = validateConfig(cfg);
    assert.ok(r.ok, JSON.stringify(r.ok ? [] : r.issues));
    const spec = r.specs.get(953)!;
    assert.deepEqual(spec.network.nameservers, ["10.99.0.1", "1.1.1.1", "9.9.9.9", "8.8.8.8"]);
    assert.deepEqual(spec.lxcOptions, ["lxc.mount.auto=sys:rw", "lxc.apparmor.allow_nesting=1", "lxc.cap.drop = ", "lxc.mount.entry=/dev/fuse dev/fuse none bind,create=file"]);
    assert.deepEqual(spec.idMaps, [{ type: "g", container_id: 33, host_id: 33, range: 1 }, { type: "u", container_id: 0, host_id: 100000, range: 65536 }]);
    assert.deepEqual(r.warnings.map((w) => w.path), [
      "lxc_configs.953.network_config.nameservers",
      "lxc_configs.953.lxc_options.0",
      "lxc_configs.953.lxc_options.1",
      "lxc_configs.953.id_maps.0.type",
      "lxc_configs.953.id_maps.0.size",
    ]);
  });
  it("takes firewall ports as PVE does (single, a:b, comma lists) and refuses what it refuses", () => {
    const rule = (port: string) => ({ type: "in", action: "ACCEPT", proto: "tcp", port });
    const withPorts = (...ports: string[]) => { const c = baseConfig(); c.lxc_configs["953"].firewall = { enabled: true, rules: ports.map(rule) }; return validateConfig(c); };
    assert.ok(withPorts("22", "8000:8010", "80,443", "80,443,8000:8010").ok);
    for (const bad of ["80,", "80;443", "9:1", "70000", "1:70000", "http"]) {
      const r = withPorts(bad);
      assert.deepEqual(r.ok ? [] : r.issues.map((i) => i.path), ["lxc_configs.953.firewall.rules.0.port"], bad);
    }
  });
  it("a container with bind mounts takes no final snapshot unless asked (PVE cannot snapshot it), and asking is refused", () => {
    const finalOf = (mutate: (c: Record<string, any>) => void) => {
      const cfg = baseConfig();
      mutate(cfg);
      return loadConfigText(JSON.stringify(cfg)).specs.get(953)?.finalSnapshot;
    };
    const mounts = [{ host_path: "/tank/shared", container_path: "/mnt/shared" }];
    assert.equal(finalOf(() => {}), true);
    assert.equal(finalOf((c) => { c.lxc_configs["953"].mount_points = mounts; }), false);
    assert.equal(finalOf((c) => { c.lxc_configs["953"].mount_points = mounts; c.lxc_configs["953"].final_snapshot = false; }), false);
    assert.deepEqual(warningsOf((c) => { c.lxc_configs["953"].mount_points = mounts; }).map((w) => w.path), ["lxc_configs.953.mount_points"]);
    assert.deepEqual(warningsOf((c) => { c.lxc_configs["953"].mount_points = mounts; c.lxc_configs["953"].final_snapshot = false; }), []);
    const cfg = baseConfig();
    Object.assign(cfg.lxc_configs["953"], { mount_points: mounts, final_snapshot: true });
    const r = validateConfig(cfg);
    assert.deepEqual(r.ok ? [] : r.issues.map((i) => [i.path, i.kind]), [["lxc_configs.953.final_snapshot", "snapshot-with-bind-mounts"]]);
    assert.match(r.ok ? "" : r.issues[0]!.message, /snapshot feature is not available.*remove "final_snapshot": true/);
  });
});
