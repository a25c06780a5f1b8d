/**
 * What the runtime puts into a container at start, and the environment commands run with.
 *
 * Proxmox's start hook writes /etc/hostname and /etc/resolv.conf into the container (the
 * `setup_init` step of PVE::LXC::Setup); the runtime does the same so guards that read them
 * see a configured system. apt inside the container must reach Debian's packages the way
 * the host does, so the host's proxy settings are carried over as well.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { resolveInRootfs, writeRootfsFile } from "./rootfs-path";
import type { RuntimeCt } from "./state";

/** PATH inside the container, as LXC sets it for lxc-attach --clear-env. */
export const CT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Proxy variables passed from the host into container commands when the host has them. */
const PROXY_VARS = ["http_proxy", "https_proxy", "ftp_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"];

/** The apt drop-in the runtime owns inside a container. */
const APT_DROP_IN = "/etc/apt/apt.conf.d/00phoenix-host";

/**
 * The environment of a command run in a container: a fixed sane base (no TERM, so no
 * command thinks it has a terminal) plus the host's proxy variables.
 */
export function buildExecEnv(hostEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = { PATH: CT_PATH, HOME: "/root", LANG: "C.UTF-8" };
  for (const name of PROXY_VARS) {
    const value = hostEnv[name];
    if (value) env[name] = value;
  }
  return env;
}

/**
 * Picks, from `apt-config dump` output, the settings a container needs to fetch packages
 * like the host: proxies, and the validity checks a snapshot mirror has to switch off.
 * Returns apt.conf lines (empty when the host needs nothing special).
 */
export function parseAptHostConfig(aptConfigDump: string): string[] {
  const wanted = /^Acquire::(?:(?:https?|ftp)::Proxy(?:::[^ ]+)?|Check-Valid-Until|Check-Date|http::Pipeline-Depth) "/;
  return aptConfigDump
    .split("\n")
    .filter((line) => wanted.test(line))
    .map((line) => (line.endsWith(";") ? line : `${line};`));
}

/** Apt settings from the host's proxy environment variables (apt.conf form). */
export function buildAptProxyConfig(hostEnv: NodeJS.ProcessEnv): string[] {
  const lines: string[] = [];
  const http = hostEnv.http_proxy ?? hostEnv.HTTP_PROXY;
  const https = hostEnv.https_proxy ?? hostEnv.HTTPS_PROXY;
  if (http) lines.push(`Acquire::http::Proxy "${http}";`);
  if (https) lines.push(`Acquire::https::Proxy "${https}";`);
  return lines;
}

function hostAptConfig(): string[] {
  const dump = spawnSync("apt-config", ["dump"], { encoding: "utf8" });
  // A host without apt (not a Debian testbed) simply has nothing to pass on.
  return dump.status === 0 ? parseAptHostConfig(dump.stdout) : [];
}

function hostResolvConf(): string {
  try {
    return fs.readFileSync("/etc/resolv.conf", "utf8");
  } catch {
    return "";
  }
}

/**
 * Writes the start-time files into the rootfs: /etc/hostname, /etc/resolv.conf (the host's),
 * and, when the container has apt, the host's apt proxy settings as a drop-in.
 */
export function applyStartFiles(ct: RuntimeCt, hostEnv: NodeJS.ProcessEnv = process.env): void {
  writeRootfsFile(ct.rootfs, "/etc/hostname", `${ct.hostname}\n`);
  writeRootfsFile(ct.rootfs, "/etc/resolv.conf", hostResolvConf());
  const aptDir = resolveInRootfs(ct.rootfs, "/etc/apt/apt.conf.d");
  if (!fs.existsSync(aptDir)) return;
  const lines = [...hostAptConfig(), ...buildAptProxyConfig(hostEnv)];
  if (lines.length === 0) {
    fs.rmSync(resolveInRootfs(ct.rootfs, APT_DROP_IN, false), { force: true });
    return;
  }
  const header = "// Written by the Phoenix LXC testbed runtime: the host's apt network settings.\n";
  writeRootfsFile(ct.rootfs, APT_DROP_IN, header + lines.join("\n") + "\n");
}
