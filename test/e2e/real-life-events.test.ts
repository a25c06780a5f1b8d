/**
 * Events between runs, through `phoenix` on the real engine against a simulated node: the node restarts on a new
 * port with its containers stopped (refresh, up, destroy reach it by name; up --refresh starts what should run),
 * two ups at once (the second is refused naming the first), and a `phoenix up` killed with SIGKILL while it
 * creates containers (its provider exits by itself; the printed command removes the stale lock; the next up
 * converges with no stray or duplicate container, no lost snapshot and no process left).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { mutatingSince, readCommandLog } from "../helpers/sim-node";
import { CliProject, CliRun, makeCliProject, statusByCtid } from "./cli-project";

const TEMPLATE = "local:vztmpl/busybox-tiny_1.36_amd64.tar.gz";
const base = { memory_mb: 256, cores: 1, ostype: "unmanaged", template: TEMPLATE, storage_pool: "local-lvm", storage_size_gb: 1, network_config: { name: "eth0", bridge: "vmbr0", ip: "dhcp" } };
const CONFIG = {
  lxc_configs: {
    "9201": { ...base, name: "ev-a" },
    "9202": { ...base, name: "ev-b" },
    "9203": { ...base, name: "ev-kept-stopped", started: false },
  },
};

let project: CliProject;
const simRoot = () => path.join(project.dir, ".phoenix", "sim");
const logLength = () => readCommandLog(simRoot(), "pve1").length;
const confText = (ctid: number) => fs.readFileSync(path.join(simRoot(), "etc", "pve", "nodes", "pve1", "lxc", `${ctid}.conf`), "utf8");
const snapshotsOf = (ctid: number) => [...confText(ctid).matchAll(/^\[([^\]]+)\]$/gm)].map((m) => m[1]!).filter((s) => s !== "pve:pending").sort();
const lockFiles = () => {
  const dir = path.join(project.dir, ".phoenix", "state", ".pulumi", "locks", "organization", "phoenix-lxc", "dev");
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
};
const setLatency = (ms: Record<string, number>) => fs.writeFileSync(path.join(simRoot(), "nodes", "pve1", "latency.json"), JSON.stringify(ms));
const currentPort = () => (JSON.parse(fs.readFileSync(path.join(simRoot(), "nodes.json"), "utf8")) as { nodes: { port: number }[] }).nodes[0]!.port;

/** Polls `condition` (a file or process event) every 100 ms; `what` may say, at the timeout, what is still missing. */
async function until(condition: () => boolean, what: string | (() => string), timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Collects a spawned run's output and exit code. */
function collect(child: ChildProcess): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr })));
}

/** A process as `ps` showed it, with its start time so that a recycled pid is not taken for it. */
interface Proc {
  pid: number;
  args: string;
  start?: string;
}

/** Every descendant of `pid` with its command line (`ps`), the process itself included. */
function processTree(pid: number): Proc[] {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" }).split("\n").filter(Boolean).map((l) => {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l)!;
    return { pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! };
  });
  const out = rows.filter((r) => r.pid === pid);
  for (let i = 0; i < out.length; i++) out.push(...rows.filter((r) => r.ppid === out[i]!.pid));
  return out.map(({ pid: p, args }) => ({ pid: p, args, start: statOf(p)?.start }));
}

/** State and start time (clock ticks since boot) from /proc/<pid>/stat, or undefined when the pid is gone. */
function statOf(pid: number): { state: string; start: string } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces; the state is field 3, the start time field 22.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0]!, start: fields[22 - 3]! };
  } catch {
    return undefined;
  }
}

/**
 * True while the process runs; a zombie (dead, not yet reaped by whoever inherited it) holds nothing and counts as
 * gone, and so does a new process that got the same pid.
 */
const isAlive = (p: Proc | number) => {
  const proc: Proc = typeof p === "number" ? { pid: p, args: "" } : p;
  const stat = statOf(proc.pid);
  return stat !== undefined && stat.state !== "Z" && (proc.start === undefined || stat.start === proc.start);
};

before(async () => {
  project = makeCliProject(JSON.stringify(CONFIG, null, 2));
  const sim = await project.phoenix("sim", "start", "--nodes", "pve1");
  assert.equal(sim.code, 0, sim.stderr);
  const up = await project.phoenix("up");
  assert.equal(up.code, 0, up.stderr);
});
after(async () => {
  await project?.dispose();
});

describe("a node restarted on a new port with its containers stopped", () => {
  it("preview --refresh reaches it at the new port and shows the start of the containers that should run", async () => {
    const oldPort = currentPort();
    assert.equal((await project.phoenix("sim", "stop")).code, 0);
    assert.equal((await project.phoenix("sim", "start", "--nodes", "pve1")).code, 0);
    assert.notEqual(currentPort(), oldPort, "the restarted node listens on another port");
    assert.deepEqual(statusByCtid(await project.phoenix("status", "--json")), { 9201: "stopped", 9202: "stopped", 9203: "stopped" });
    const r = await project.phoenix("preview", "--refresh");
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr + r.stdout, /ECONNREFUSED/);
    assert.match(r.stderr + r.stdout, /CT 9201 on pve1: running: false → true/);
    assert.match(r.stderr + r.stdout, /CT 9202 on pve1: running: false → true/);
    assert.doesNotMatch(r.stderr + r.stdout, /CT 9203 on pve1: running/);
  });

  it("up --refresh starts exactly the containers that should run; 'started: false' stays stopped; a second one changes nothing", async () => {
    const since = logLength();
    const r = await project.phoenix("up", "--refresh");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(mutatingSince(simRoot(), "pve1", since).map((c) => c.argv.slice(1, 3).join(" ")).sort(), ["start 9201", "start 9202"]);
    assert.deepEqual(statusByCtid(await project.phoenix("status", "--json")), { 9201: "running", 9202: "running", 9203: "stopped" });
    const again = logLength();
    assert.equal((await project.phoenix("up", "--refresh")).code, 0);
    assert.deepEqual(mutatingSince(simRoot(), "pve1", again), []);
  });

  it("destroy right after another port change reaches the node by name", async () => {
    assert.equal((await project.phoenix("sim", "stop")).code, 0);
    assert.equal((await project.phoenix("sim", "start", "--nodes", "pve1")).code, 0);
    const r = await project.phoenix("destroy", "9203");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statusByCtid(await project.phoenix("status", "--json"))["9203"], "missing");
    const up = await project.phoenix("up", "--refresh");
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(statusByCtid(await project.phoenix("status", "--json")), { 9201: "running", 9202: "running", 9203: "running" });
  });
});

describe("two ups at once", () => {
  it("the second is refused with the first run's pid, start time and host; unlock keeps its lock; the first completes", async () => {
    assert.equal((await project.phoenix("destroy", "9203")).code, 0);
    setLatency({ create: 25_000 });
    const first = project.spawnPhoenix("up");
    const firstDone = collect(first);
    await until(() => lockFiles().length === 1, "the first up's stack lock");
    const holder = JSON.parse(fs.readFileSync(path.join(project.dir, ".phoenix", "state", ".pulumi", "locks", "organization", "phoenix-lxc", "dev", lockFiles()[0]!), "utf8")) as { pid: number };
    const second = await project.phoenix("up");
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`^phoenix up: another run \\(pid ${holder.pid}, started \\S+, on host \\S+\\) holds stack dev$`, "m"));
    assert.match(second.stderr, /next step: wait for it to finish, then run the command again/);
    assert.doesNotMatch(second.stderr, /code: |stdout: |stderr: |pulumi cancel/);
    const unlock = await project.phoenix("unlock");
    assert.equal(unlock.code, 1, unlock.stderr);
    assert.match(unlock.stderr, new RegExp(`^another run \\(pid ${holder.pid}, started \\S+, on host \\S+\\) holds stack dev; wait for it to finish$`, "m"));
    assert.equal(lockFiles().length, 1, "the running up's lock is kept");
    const r = await firstDone;
    setLatency({});
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statusByCtid(await project.phoenix("status", "--json"))["9203"], "running");
    assert.deepEqual(lockFiles(), []);
  });
});

describe("phoenix up killed with SIGKILL while it creates containers", () => {
  it("its provider exits by itself, the printed command removes the stale lock, and the next up converges", async (t) => {
    const kept = snapshotsOf(9201);
    assert.ok(kept.length >= 1, "9201 has its final snapshot");
    assert.equal((await project.phoenix("destroy", "9202", "9203")).code, 0);
    // Long enough that the killed run's creates usually still run on the node when the next up starts.
    setLatency({ create: 45_000 });
    const run = project.spawnPhoenix("up");
    const runDone = collect(run);
    await until(() => [9202, 9203].every((c) => { try { return /^lock: create$/m.test(confText(c)); } catch { return false; } }), "both creates in flight");
    const tree = processTree(run.pid!);
    const providers = tree.filter((p) => /dynamic-provider/.test(p.args));
    assert.ok(providers.length >= 1, `a provider process runs: ${tree.map((p) => p.args).join(" | ")}`);
    // What a cancelled CI job or `kill -9` does: phoenix and the Pulumi CLI die at once, nothing is cleaned up.
    for (const p of tree.filter((x) => /bin\/phoenix|\/pulumi /.test(x.args) && !/dynamic-provider/.test(x.args))) process.kill(p.pid, "SIGKILL");
    await runDone;
    await until(() => providers.every((p) => !isAlive(p)), "the orphaned provider process to exit", 30_000);
    // The plugin's shell shim and the language host end after the provider, each on its own: nobody is left to stop
    // them. Wait for that event, naming any process still there at the limit.
    const left = () => tree.filter((p) => isAlive(p)).map((p) => `${p.pid} ${p.args}`);
    t.diagnostic(`still running when the provider had exited: ${left().join(" | ") || "nothing"}`);
    await until(() => left().length === 0, () => `every process of the killed run to exit; left: ${left().join(" | ")}`, 30_000);
    setLatency({});

    const refused = await project.phoenix("up");
    assert.equal(refused.code, 1);
    const printed = /next step: remove the stale lock, then run the command again: (phoenix unlock --stack dev(?: --cwd \S+)?)$/m.exec(refused.stderr);
    assert.ok(printed, refused.stderr);
    assert.ok(printed[1]!.endsWith(`--cwd ${project.dir}`), printed[1]);
    assert.match(refused.stderr, /^phoenix up: stack dev is locked by a run that no longer exists \(pid \d+, started \S+, on host \S+: no process \d+ runs on \S+\)/m);
    assert.doesNotMatch(refused.stderr, /code: |stdout: |stderr: |pulumi cancel/);

    const unlock = await project.phoenix(...printed[1]!.split(" ").slice(1).filter((a, i, all) => a !== "--cwd" && all[i - 1] !== "--cwd"));
    assert.equal(unlock.code, 0, unlock.stderr);
    assert.match(unlock.stderr, /^removed the lock of a run that no longer exists/m);
    const up = await project.phoenix("up");
    assert.equal(up.code, 0, up.stderr);
    t.diagnostic(/an earlier run's create of it is still running/.test(up.stderr) ? "the next up waited for the killed run's creates" : "the killed run's creates had ended before the next up");
    assert.deepEqual(statusByCtid(await project.phoenix("status", "--json")), { 9201: "running", 9202: "running", 9203: "running" });
    // No stray or duplicate container: the node has exactly the three, each once.
    const confs = fs.readdirSync(path.join(simRoot(), "etc", "pve", "nodes", "pve1", "lxc")).filter((f) => f.endsWith(".conf")).sort();
    assert.deepEqual(confs, ["9201.conf", "9202.conf", "9203.conf"]);
    for (const c of [9202, 9203]) assert.doesNotMatch(confText(c), /^lock:/m);
    // No lost snapshot: the untouched container keeps every snapshot it had.
    for (const s of kept) assert.ok(snapshotsOf(9201).includes(s), `snapshot ${s} of 9201 kept`);
    assert.deepEqual(lockFiles(), []);
    // The killed run's creates on the node end too: their task released the lock the next up waited for, and the
    // process exits right after it.
    const creates = () => execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" }).split("\n")
      .filter((l) => /pct-main\.js create 920[23]\b/.test(l) && isAlive(Number(l.trim().split(/\s+/)[0])));
    await until(() => creates().length === 0, () => `the killed run's creates to end; left: ${creates().join(" | ")}`, 30_000);
  });
});

describe("a node removed from the stack config while the state has containers on it", () => {
  it("the up stops before any command, naming each container, the node and what to do", async () => {
    const stackFile = path.join(project.dir, "Pulumi.dev.yaml");
    const original = fs.readFileSync(stackFile, "utf8");
    assert.match(original, /^ {4}pve1:$/m);
    // The containers file names no node: its containers now resolve to pve9, the only node left.
    fs.writeFileSync(stackFile, original.replace(/^ {4}pve1:$/m, "    pve9:"));
    try {
      const since = logLength();
      const r = await project.phoenix("up");
      assert.equal(r.code, 1);
      // The engine stops at the first such container; the summary names them all.
      assert.match(r.stderr, /CT 920[123] is on node 'pve1', which is not in the stack config 'nodes' \(pve9\)\n\s+next step: if the node still exists, add it back: pulumi config set --path 'nodes\.pve1\.host' <address>/);
      assert.match(r.stderr, /the state has 3 container\(s\) on node 'pve1', which the stack config 'nodes' no longer has: CT 9201, 9202, 9203; add the node back, or remove each from the state \(pulumi state delete <urn>\)/);
      assert.deepEqual(mutatingSince(simRoot(), "pve1", since), []);
    } finally {
      fs.writeFileSync(stackFile, original);
    }
    assert.deepEqual(statusByCtid(await project.phoenix("status", "--json")), { 9201: "running", 9202: "running", 9203: "running" });
  });
});
