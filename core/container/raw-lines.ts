/**
 * The raw `lxc.*` lines a container should carry in the main section of its config, as one managed set:
 * the user's `lxc_options` and id maps, the AppArmor profile and nesting lines, and GPU passthrough. Lines
 * the config no longer implies are removed on the next converge (the original appended forever, §7.8).
 */
import { ContainerInputs } from "./inputs";
import { formatRawLine, normaliseRawLine } from "./pve-values";

/** Character-device major of /dev/nvidia* (fixed by the NVIDIA driver). */
export const NVIDIA_MAJOR = 195;

const NESTING_LINES = ["lxc.apparmor.allow_nesting: 1", "lxc.include: /usr/share/lxc/config/nesting.conf"];

/**
 * The desired raw lines, in a stable order. `uvmMajor` is the node's dynamic major of `nvidia-uvm`
 * (from /proc/devices); without it the uvm devices are not allowed and a GPU container has no CUDA.
 */
export function buildDesiredRawLines(inputs: ContainerInputs, uvmMajor?: number): string[] {
  const lines: string[] = [];
  if (inputs.apparmor === "unconfined") lines.push("lxc.apparmor.profile: unconfined");
  else if (inputs.apparmor) {
    lines.push(`lxc.apparmor.profile: ${inputs.apparmor.name}`);
    if (inputs.apparmorManagesNesting) lines.push(...NESTING_LINES);
  }
  if (inputs.gpus.length > 0) {
    lines.push(`lxc.cgroup2.devices.allow: c ${NVIDIA_MAJOR}:* rwm`);
    if (uvmMajor !== undefined) lines.push(`lxc.cgroup2.devices.allow: c ${uvmMajor}:* rwm`);
    for (const dev of ["/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", ...inputs.gpus.map((g) => `/dev/nvidia${g}`)]) {
      lines.push(`lxc.mount.entry: ${dev} ${dev.slice(1)} none bind,optional,create=file`);
    }
  }
  for (const option of inputs.lxcOptions) lines.push(formatRawLine(normaliseRawLine(option)));
  return [...new Set(lines)];
}
