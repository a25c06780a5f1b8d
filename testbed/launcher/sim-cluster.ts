/**
 * Starts simulated Proxmox VE nodes behind real OpenSSH servers: one `sshd -D -e` per node on its own loopback
 * address, with fresh ed25519 host keys and a fresh client key, every command forced through `sim-shell` so that
 * `pct` & co. resolve to the simulator in testbed/bin.
 *
 * Layout under the root (PHOENIX_SIM_ROOT): `ssh/` (keys, configs, pids, logs — ours), `nodes/<name>/` (the
 * simulator's state; we only create it and `latency.json`), `nodes.json` (what a stack needs to connect).
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { buildFingerprint } from "../../core/ssh-fingerprint";
import { simHostKeyPath, simNodesRecordPath } from "../../core/sim-layout";
import { checkAlive, readCmdline, runFindFreePort, runKillTree, runWaitForSshBanner } from "./processes";
import { runStopSimProcesses } from "./stop-processes";
import { initSimNode } from "../sim/node-init";
import { buildSshdConfig, checkConfigPath, checkNodeName, planNodeAddress, REALISTIC_LATENCY_MS, type SshdConfigSpec } from "./sshd-config";

const SSHD = "/usr/sbin/sshd";
const execFileP = promisify(execFile);
/** A stock Proxmox VE /root/.bashrc sets nothing; the simulated root's is the same, so commands start alike. */
const ROOT_BASHRC = "# ~/.bashrc of the simulated node's root (a stock Proxmox VE node's sets nothing either).\n";

/** One running simulated node, with what a client needs to reach it. */
export interface SimNode {
  /** Node name (PHOENIX_SIM_NODE). */
  name: string;
  /** Loopback address its sshd listens on. */
  host: string;
  /** Its sshd port. */
  port: number;
  /** Always root, as on Proxmox VE. */
  user: "root";
  /** `SHA256:…` of its fresh host key. */
  hostKeyFingerprint: string;
  /** A known_hosts file listing exactly this node's key. */
  knownHostsFile: string;
  /** Pid of its listening sshd. */
  pid: number;
}

/** A running simulated cluster. */
export interface SimCluster {
  /** PHOENIX_SIM_ROOT. */
  root: string;
  /** The nodes, in the order asked for. */
  nodes: SimNode[];
  /** Client private key accepted by every node (no passphrase). */
  privateKeyPath: string;
  /** Its contents. */
  privateKey: string;
  /** Restarts one node's sshd (same address and port), optionally with a new host key; returns the node's new record. */
  restartNode(name: string, opts?: { newHostKey?: boolean }): Promise<SimNode>;
  /** Kills every sshd, its per-connection children and commands, and the containers; resolves when none is left. */
  stop(): Promise<void>;
}

/** Options of {@link startSimCluster}. */
export interface StartSimClusterOptions {
  /** Node names, e.g. `["pve1", "pve2"]`. */
  nodes: string[];
  /** Simulation root. @default a fresh directory under the system temp dir */
  root?: string;
  /** "realistic" writes per-operation delays for the pct simulator. @default "none" */
  latency?: "realistic" | "none";
  /** Directories put first in the remote PATH (e.g. fault-injecting wrappers). */
  extraPath?: string;
  /** Start sshds in their own session so they outlive this process (the CLI). @default false */
  detached?: boolean;
}

interface NodeState {
  spec: SshdConfigSpec;
  node: SimNode;
  configPath: string;
  logPath: string;
  child?: ChildProcess;
}

/** The repository root: the directory holding this project's package.json (works from src and from dist). */
export function findRepoRoot(from = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === "phoenix-lxc") return dir;
  }
  throw new Error(`cannot find the phoenix-lxc repository above ${from}`);
}

async function runKeygen(path: string, comment: string): Promise<void> {
  await rm(path, { force: true });
  await rm(`${path}.pub`, { force: true });
  await execFileP("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path]);
}

async function readPublicKey(path: string): Promise<{ line: string; fingerprint: string }> {
  const line = (await readFile(`${path}.pub`, "utf8")).trim();
  const [type, b64] = line.split(/\s+/);
  return { line: `${type} ${b64}`, fingerprint: buildFingerprint(Buffer.from(b64!, "base64")) };
}

async function writeNodesJson(root: string, privateKeyPath: string, nodes: SimNode[]): Promise<string> {
  const path = simNodesRecordPath(root);
  // Replaced in one rename: `sim stop` or a client may read it while a node restarts.
  const tmp = `${path}.tmp.${process.pid}`;
  await writeFile(tmp, JSON.stringify({ root, privateKeyPath, nodes }, null, 2) + "\n");
  await rename(tmp, path);
  return path;
}

async function runStartSshd(state: NodeState, detached: boolean): Promise<void> {
  const log = await open(state.logPath, "a");
  try {
    const child = spawn(SSHD, ["-D", "-e", "-f", state.configPath], { detached, stdio: ["ignore", log.fd, log.fd] });
    let exited = false;
    child.once("exit", () => (exited = true));
    child.once("error", () => (exited = true));
    if (detached) child.unref();
    state.child = child;
    try {
      await runWaitForSshBanner(state.spec.host, state.spec.port, 10_000, () => !exited);
    } catch (err) {
      const tail = (await readFile(state.logPath, "utf8")).trim().split("\n").slice(-5).join("\n");
      if (child.pid !== undefined && !exited) await runKillTree(child.pid);
      throw new Error(`sshd for node ${state.node.name} did not start: ${(err as Error).message}\n${tail}`);
    }
    state.node.pid = child.pid!;
  } finally {
    await log.close();
  }
}

async function runPrepareHostKey(state: NodeState): Promise<void> {
  await runKeygen(state.spec.hostKeyPath, `phoenix-sim-${state.node.name}`);
  const pub = await readPublicKey(state.spec.hostKeyPath);
  state.node.hostKeyFingerprint = pub.fingerprint;
  await writeFile(state.node.knownHostsFile, `[${state.spec.host}]:${state.spec.port} ${pub.line}\n`);
}

/** Starts the nodes and resolves when every sshd accepts connections. */
export async function startSimCluster(opts: StartSimClusterOptions): Promise<SimCluster> {
  if (!existsSync(SSHD)) throw new Error("OpenSSH server not installed: run `bash scripts/setup.sh` (apt-get install openssh-server)");
  for (const problem of [...opts.nodes.map(checkNodeName), opts.nodes.length === 0 ? "no nodes given" : undefined]) {
    if (problem) throw new Error(problem);
  }
  if (new Set(opts.nodes).size !== opts.nodes.length) throw new Error(`duplicate node names in ${opts.nodes.join(",")}`);
  const root = resolve(opts.root ?? (await mkdtemp(join(tmpdir(), "phoenix-sim-"))));
  const simShellPath = join(findRepoRoot(), "testbed", "launcher", "sim-shell");
  for (const path of [root, simShellPath, opts.extraPath ?? "/"]) {
    const problem = checkConfigPath(path);
    if (problem) throw new Error(problem);
  }
  chmodSync(simShellPath, 0o755);
  // sshd's privilege separation directory; on a host without a running sshd nothing created it.
  await mkdir("/run/sshd", { recursive: true, mode: 0o755 });
  const sshDir = join(root, "ssh");
  await mkdir(sshDir, { recursive: true, mode: 0o700 });
  const privateKeyPath = join(sshDir, "id_ed25519");
  await runKeygen(privateKeyPath, "phoenix-sim-client");
  const authorizedKeysPath = join(sshDir, "authorized_keys");
  await writeFile(authorizedKeysPath, `${(await readPublicKey(privateKeyPath)).line} phoenix-sim-client\n`, { mode: 0o600 });

  const states: NodeState[] = [];
  // Container runtimes are detached from sshd (they outlive the pct command that started them): they end too.
  const stop = () => runStopSimProcesses({ root, listeners: states.flatMap((s) => (s.child?.pid !== undefined ? [s.child.pid] : [])) });
  try {
    for (const [i, name] of opts.nodes.entries()) {
      const nodeDir = join(sshDir, name);
      await mkdir(nodeDir, { recursive: true });
      // The node's defaults (storage list, pmxcfs directories) exist before its first command, as on a real node.
      initSimNode(root, name);
      await mkdir(join(nodeDir, "home"), { recursive: true, mode: 0o700 });
      await writeFile(join(nodeDir, "home", ".bashrc"), ROOT_BASHRC);
      if (opts.latency === "realistic") {
        await writeFile(join(root, "nodes", name, "latency.json"), JSON.stringify(REALISTIC_LATENCY_MS) + "\n");
      }
      const host = planNodeAddress(i);
      const spec: SshdConfigSpec = {
        name, host, port: 0, root, simShellPath, authorizedKeysPath, extraPath: opts.extraPath,
        hostKeyPath: simHostKeyPath(root, name),
        homeDir: join(nodeDir, "home"),
        pidFile: join(nodeDir, "sshd.pid"),
      };
      const node: SimNode = { name, host, port: 0, user: "root", hostKeyFingerprint: "", knownHostsFile: join(nodeDir, "known_hosts"), pid: 0 };
      const state: NodeState = { spec, node, configPath: join(nodeDir, "sshd_config"), logPath: join(nodeDir, "sshd.log") };
      states.push(state);
      await runStartWithFreePort(state, opts.detached ?? false);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const nodes = states.map((s) => s.node);
  await writeNodesJson(root, privateKeyPath, nodes);
  return {
    root,
    nodes,
    privateKeyPath,
    privateKey: await readFile(privateKeyPath, "utf8"),
    stop,
    async restartNode(name, restartOpts = {}) {
      const state = states.find((s) => s.node.name === name);
      if (!state) throw new Error(`no simulated node '${name}'`);
      if (state.child?.pid !== undefined) await runKillTree(state.child.pid);
      if (restartOpts.newHostKey) await runPrepareHostKey(state);
      await runStartSshd(state, opts.detached ?? false);
      await writeNodesJson(root, privateKeyPath, nodes);
      return { ...state.node };
    },
  };
}

/** Picks a free port, writes keys and config, starts sshd; retries with another port if one was taken meanwhile. */
async function runStartWithFreePort(state: NodeState, detached: boolean): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const port = await runFindFreePort(state.spec.host);
    state.spec.port = port;
    state.node.port = port;
    await runPrepareHostKey(state);
    await writeFile(state.configPath, buildSshdConfig(state.spec));
    try {
      return await runStartSshd(state, detached);
    } catch (err) {
      const raced = /Address already in use/.test((err as Error).message);
      if (!raced || attempt >= 3) throw err;
    }
  }
}

/**
 * Stops a cluster started by another process (the CLI), from `<root>/nodes.json`, and resolves once every process
 * of it has exited (see stop-processes.ts). A recorded pid is killed only while its command line still names that
 * node's sshd_config, so a recycled pid is never hit.
 * @throws SimStopTimeoutError naming the processes still alive after 10 s
 * @returns the names of the nodes whose sshd was running
 */
export async function stopSimCluster(root: string): Promise<string[]> {
  const { nodes } = JSON.parse(await readFile(simNodesRecordPath(root), "utf8")) as { nodes: SimNode[] };
  const running = nodes.filter((node) => checkAlive(node.pid) && readCmdline(node.pid).includes(join(root, "ssh", node.name, "sshd_config")));
  await runStopSimProcesses({ root, listeners: running.map((n) => n.pid) });
  return running.map((n) => n.name);
}
