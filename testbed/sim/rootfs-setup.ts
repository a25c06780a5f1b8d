/**
 * What `pct create` does inside the new rootfs: extract the template for real (tar --totals prints the
 * genuine "Total bytes read" line), detect the architecture from the ELF header of /bin/sh
 * (PVE::LXC::Create::detect_architecture) and the distribution (PVE::LXC::Setup), create SSH host keys.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { SimEnv, nodeDir } from "./sim-env";
import { Die } from "./sim-errors";

/** Resolves `local:vztmpl/<file>` or an absolute path to the real file and the path a real host prints. */
export function resolveTemplate(env: SimEnv, ostemplate: string): { file: string; shown: string } {
  const m = /^([a-z][a-z0-9\-_.]*[a-z0-9]):vztmpl\/(.+)$/i.exec(ostemplate);
  if (m) {
    const file = path.join(nodeDir(env), "template/cache", m[2]);
    if (!fs.existsSync(file)) throw new Die(`can't find file '${ostemplate}'`);
    return { file, shown: `/var/lib/vz/template/cache/${m[2]}` };
  }
  if (!path.isAbsolute(ostemplate) || !fs.existsSync(ostemplate)) throw new Die(`can't find file '${ostemplate}'`);
  return { file: ostemplate, shown: ostemplate };
}

/** Extracts the template into `rootfs`; returns the "Total bytes read" line (without newline). */
export function extractTemplate(file: string, rootfs: string): string {
  const r = spawnSync("tar", ["-xpf", file, "--totals", "--numeric-owner", "--sparse", "-C", rootfs], { encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(`command 'tar xpf - --totals --sparse --numeric-owner -C ${rootfs}' failed: exit code ${r.status ?? 255}`);
  }
  return (r.stderr.split("\n").find((l) => l.startsWith("Total bytes read")) ?? "Total bytes read: 0 (0B, 0B/s)").trim();
}

function resolveInRoot(rootfs: string, p: string, depth = 0): string {
  const full = path.join(rootfs, p);
  if (depth > 10) return full;
  try {
    const target = fs.readlinkSync(full);
    return resolveInRoot(rootfs, path.isAbsolute(target) ? target : path.join(path.dirname(p), target), depth + 1);
  } catch {
    return full;
  }
}

/** ELF machine of `<rootfs>/bin/sh` → PVE arch name; amd64 when it cannot be read (PVE falls back too). */
export function detectArch(rootfs: string): string {
  try {
    const fd = fs.openSync(resolveInRoot(rootfs, "/bin/sh"), "r");
    const b = Buffer.alloc(20);
    fs.readSync(fd, b, 0, 20, 0);
    fs.closeSync(fd);
    if (b.readUInt32BE(0) !== 0x7f454c46) return "amd64";
    const is64 = b[4] === 2;
    const machine = b[5] === 1 ? b.readUInt16LE(18) : b.readUInt16BE(18);
    const map: Record<number, string> = { 0x3e: "amd64", 0x03: "i386", 0xb7: "arm64", 0x28: "armhf", 0xf3: is64 ? "riscv64" : "riscv32" };
    return map[machine] ?? "amd64";
  } catch {
    return "amd64";
  }
}

/** The distribution as PVE::LXC::Setup detects it; undefined when unknown. */
export function detectOstype(rootfs: string): string | undefined {
  const osRelease = path.join(rootfs, "etc/os-release");
  if (fs.existsSync(osRelease)) {
    const id = /^ID="?([^"\n]+)"?$/m.exec(fs.readFileSync(osRelease, "utf8"))?.[1];
    const map: Record<string, string> = {
      debian: "debian", devuan: "devuan", ubuntu: "ubuntu", centos: "centos", rocky: "centos", almalinux: "centos",
      fedora: "fedora", arch: "archlinux", alpine: "alpine", gentoo: "gentoo", nixos: "nixos",
    };
    if (id && map[id]) return map[id];
    if (id?.startsWith("opensuse")) return "opensuse";
  }
  if (fs.existsSync(path.join(rootfs, "etc/debian_version"))) return "debian";
  if (fs.existsSync(path.join(rootfs, "etc/alpine-release"))) return "alpine";
  if (fs.existsSync(path.join(rootfs, "etc/redhat-release"))) return "centos";
  return undefined;
}

/** Generates SSH host keys when the template ships OpenSSH, printing PVE's progress lines. */
export function createSshHostKeys(rootfs: string, hostname: string, print: (s: string) => void): void {
  const dir = path.join(rootfs, "etc/ssh");
  if (!fs.existsSync(dir)) return;
  for (const type of ["rsa", "ecdsa", "ed25519"]) {
    const name = `ssh_host_${type}_key`;
    const file = path.join(dir, name);
    print(`Creating SSH host key '${name}' - this may take some time ...\n`);
    fs.rmSync(file, { force: true });
    fs.rmSync(`${file}.pub`, { force: true });
    spawnSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-C", `root@${hostname}`, "-f", file], { stdio: "ignore" });
    const fp = spawnSync("ssh-keygen", ["-lf", `${file}.pub`], { encoding: "utf8" }).stdout.split(" ")[1] ?? "";
    print(`done: ${fp} root@${hostname}\n`);
  }
}

/**
 * The Setup plugin's systemd check (fixture 27): an unprivileged CT without `nesting=1` whose template
 * ships systemd ≥ 242 gets `Systemd <ver> detected. You may need to enable nesting.` as a task warning.
 * The version comes from the `libsystemd-shared-<ver>.so` file name (inferred from PVE::LXC::Setup::Base).
 */
export function systemdNestingWarning(rootfs: string, keys: Record<string, string>): string | undefined {
  if (keys.ostype === "unmanaged" || keys.unprivileged !== "1" || /(^|,)nesting=1(,|$)/.test(keys.features ?? "")) return undefined;
  for (const dir of ["usr/lib/systemd", "lib/systemd", "usr/lib/x86_64-linux-gnu/systemd"]) {
    let files: string[] = [];
    try {
      files = fs.readdirSync(path.join(rootfs, dir));
    } catch {
      continue;
    }
    for (const f of files) {
      const m = /^libsystemd-shared-(\d+)/.exec(f);
      if (m && Number(m[1]) >= 242) return `Systemd ${m[1]} detected. You may need to enable nesting.`;
    }
  }
  return undefined;
}
