/**
 * `pct push`: copy a host file into a running container, with PVE's option handling and
 * error texts (pve-container src/PVE/CLI/pct.pm, `push`): the source is opened on the host,
 * user and group names are resolved inside the container, `--perms` is octal unless it
 * starts with 0x. The copy is done from the host with symlinks resolved as the container
 * sees them (rootfs-path.ts), which is what entering the container's mount namespace gives.
 */
import * as fs from "node:fs";
import { resolveInRootfs } from "./rootfs-path";
import type { RuntimeCt } from "./state";

/** Options of `pct push` that the runtime applies. */
export interface PushOptions {
  /** File mode; octal unless prefixed 0x. @default 0666 & ~umask for a new file, unchanged for an existing one */
  perms?: string;
  /** Owner, a name in the container's /etc/passwd or a numeric uid. @default root */
  user?: string;
  /** Group, a name in the container's /etc/group or a numeric gid. @default root */
  group?: string;
}

/**
 * Parses `--perms` like pct: a leading 0 is added when missing (so `644` is octal), `0x`
 * means hexadecimal. Returns the mode bits.
 * @throws Error `invalid mode: '<perms>'` for anything else or a mode above 07777.
 */
export function parsePushPerms(perms: string): number {
  const withZero = perms.startsWith("0") ? perms : `0${perms}`;
  let mode: number | undefined;
  if (/^0x[0-9a-f]+$/i.test(withZero)) mode = parseInt(withZero.slice(2), 16);
  else if (/^0[0-7]*$/.test(withZero)) mode = parseInt(withZero, 8);
  if (mode === undefined || mode > 0o7777) throw new Error(`invalid mode: '${perms}'`);
  return mode;
}

/**
 * Looks `name` up in the text of a passwd or group file (field 3 is the id in both) and
 * returns the id; a decimal number is taken as the id itself.
 */
export function parseAccountId(fileText: string, name: string): number | undefined {
  if (/^\d+$/.test(name)) return Number(name);
  for (const line of fileText.split("\n")) {
    const fields = line.split(":");
    if (fields.length >= 3 && fields[0] === name && /^\d+$/.test(fields[2])) return Number(fields[2]);
  }
  return undefined;
}

function readCtFile(ct: RuntimeCt, ctPath: string): string {
  try {
    return fs.readFileSync(resolveInRootfs(ct.rootfs, ctPath), "utf8");
  } catch {
    return "";
  }
}

/**
 * Copies host file `src` to `dest` inside the container. The caller has checked that the
 * container runs.
 * @throws Error with PVE's text: `failed to open <file> for reading`, `failed to get uid for:
 * <user>`, `failed to get gid for: <group>`, `invalid mode: '<perms>'`, or
 * `failed to create file: <dest>: <reason>`.
 */
export function applyPush(ct: RuntimeCt, src: string, dest: string, opts: PushOptions): void {
  let srcFd: number;
  try {
    srcFd = fs.openSync(src, "r");
    if (fs.fstatSync(srcFd).isDirectory()) {
      fs.closeSync(srcFd);
      throw new Error("is a directory");
    }
  } catch {
    throw new Error(`failed to open ${src} for reading`);
  }
  try {
    const uid = opts.user === undefined ? 0 : parseAccountId(readCtFile(ct, "/etc/passwd"), opts.user);
    if (uid === undefined) throw new Error(`failed to get uid for: ${opts.user}`);
    const gid = opts.group === undefined ? 0 : parseAccountId(readCtFile(ct, "/etc/group"), opts.group);
    if (gid === undefined) throw new Error(`failed to get gid for: ${opts.group}`);
    const mode = opts.perms === undefined ? undefined : parsePushPerms(opts.perms);
    writeInto(ct, srcFd, dest, uid, gid, mode);
  } finally {
    fs.closeSync(srcFd);
  }
}

/** "ENOENT: no such file or directory, open '/host/path'" -> "No such file or directory" ($! style, no host path). */
function describeErrno(err: Error): string {
  const text = err.message.replace(/^E[A-Z]+: /, "").replace(/, \w+ '.*'$/, "");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function writeInto(ct: RuntimeCt, srcFd: number, dest: string, uid: number, gid: number, mode?: number): void {
  let fd: number;
  try {
    const hostPath = resolveInRootfs(ct.rootfs, dest.startsWith("/") ? dest : `/${dest}`);
    fd = fs.openSync(hostPath, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC, mode ?? 0o666);
  } catch (err) {
    throw new Error(`failed to create file: ${dest}: ${describeErrno(err as Error)}`);
  }
  try {
    fs.writeFileSync(fd, fs.readFileSync(srcFd));
    // chown before chmod: chown clears set-id bits the requested mode may contain.
    fs.fchownSync(fd, uid, gid);
    // The creation mode went through the umask and an existing file kept its mode: --perms
    // is exact either way.
    if (mode !== undefined) fs.fchmodSync(fd, mode);
  } finally {
    fs.closeSync(fd);
  }
}
