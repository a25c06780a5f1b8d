/**
 * The one seam between the simulator and the container runtime: `pct start/stop/exec/push` act inside the
 * container's real root filesystem through testbed/runtime (namespaced chroot by default, real LXC with
 * PHOENIX_SIM_RUNTIME=lxc).
 */
export * from "../runtime";
