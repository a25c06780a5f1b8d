/**
 * Resolving container paths to host paths without leaving the root filesystem.
 *
 * The runtime writes into a rootfs from the host (pct push, /etc/resolv.conf at start). A
 * container can hold symlinks such as `/etc -> /`, or `../../..`: followed by the host they
 * would point at the host's own files. Resolution here treats the rootfs as `/`, as the
 * kernel does for a chrooted process.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Linux gives up after 40 links (ELOOP); so do we. */
const MAX_SYMLINKS = 40;

/**
 * Resolves `ctPath` (absolute, inside the container) to a host path under `rootfs`,
 * following symlinks as the container would see them. Components that do not exist are
 * kept literally, so the result also names a file that is about to be created.
 * @param followLast - Whether a symlink in the last component is followed too (like open(2)).
 * @throws Error when more than 40 symlinks are met.
 */
export function resolveInRootfs(rootfs: string, ctPath: string, followLast = true): string {
  const pending = ctPath.split("/").filter((c) => c !== "" && c !== ".");
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const component = pending.shift() as string;
    if (component === "..") {
      resolved.pop(); // `..` at the root stays at the root, as in the kernel.
      continue;
    }
    const candidate = path.join(rootfs, ...resolved, component);
    const isLast = pending.length === 0;
    let target: string | undefined;
    try {
      if ((!isLast || followLast) && fs.lstatSync(candidate).isSymbolicLink()) {
        target = fs.readlinkSync(candidate);
      }
    } catch {
      // Missing component: nothing to follow.
    }
    if (target === undefined) {
      resolved.push(component);
      continue;
    }
    if (++links > MAX_SYMLINKS) throw new Error(`too many levels of symbolic links: ${ctPath}`);
    if (target.startsWith("/")) resolved.length = 0;
    pending.unshift(...target.split("/").filter((c) => c !== "" && c !== "."));
  }
  return path.join(rootfs, ...resolved);
}

/**
 * Writes a file into the rootfs at `ctPath`, replacing a symlink there rather than writing
 * through it (a container's /etc/resolv.conf is often a link to a resolver's runtime file).
 * Parent directories are created when missing.
 */
export function writeRootfsFile(rootfs: string, ctPath: string, content: string, mode = 0o644): void {
  const hostPath = resolveInRootfs(rootfs, ctPath, false);
  fs.mkdirSync(path.dirname(hostPath), { recursive: true });
  try {
    if (fs.lstatSync(hostPath).isSymbolicLink()) fs.unlinkSync(hostPath);
  } catch {
    // Not there yet.
  }
  fs.writeFileSync(hostPath, content, { mode });
}
