/**
 * Mount points inside the container: LXC creates each `mpN` target directory in the container's root before
 * mounting (pve-container `PVE::LXC::mountpoint_mount` mkdirs the path), so a started container always has
 * them. The simulated runtime does not mount the volumes themselves (their data stays in the volume
 * directory); it makes the targets exist, which is what checks inside the container observe.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CtConfig } from "./conf-file";

/** Creates the target directory of every `mpN` of the main section inside `rootfs`. */
export function prepareMountTargets(rootfs: string, conf: CtConfig): void {
  if (!rootfs || !fs.existsSync(rootfs)) return;
  for (const [key, value] of Object.entries(conf.main.keys)) {
    if (!/^mp\d+$/.test(key)) continue;
    const m = /(?:^|,)mp=([^,]+)/.exec(value);
    if (!m) continue;
    const target = path.join(rootfs, path.posix.normalize(`/${m[1]}`));
    if (target.startsWith(`${rootfs}${path.sep}`)) fs.mkdirSync(target, { recursive: true });
  }
}
