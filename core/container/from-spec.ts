/**
 * From the validated config (`ContainerSpec`) to the container resource's inputs. Pure: the AppArmor profile
 * text is read by the program (components) and passed in.
 */
import type { ContainerSpec } from "../config/types";
import { PhoenixError } from "../errors";
import { AppArmorInputs, ContainerInputs, NodeConnection } from "./inputs";

/** What the spec alone does not know: where the node is, who owns the container, the profile text. */
export interface InputsContext {
  /** The node the container lives on (the spec's, or the stack's default). */
  node: string;
  /** How to reach it. */
  connection: NodeConnection;
  /** Ownership marker value, e.g. `<project>/<stack>`. */
  owner: string;
  /** Text of the custom AppArmor profile file, when the spec names one other than `unconfined`. */
  apparmorProfileText?: string;
}

/** `profile <name> …` inside an AppArmor file: the name LXC must be given (the file name often differs, §7.12). */
export function parseAppArmorProfileName(text: string): string | undefined {
  const m = /^\s*profile\s+([^\s{]+)/m.exec(text);
  return m?.[1];
}

/** Maps one container spec to the inputs of its container resource. */
export function buildContainerInputs(spec: ContainerSpec, ctx: InputsContext): ContainerInputs {
  const idmapLines = (spec.idMaps ?? []).map((m) => `lxc.idmap: ${m.type} ${m.container_id} ${m.host_id} ${m.range}`);
  return {
    vmid: spec.ctid,
    node: ctx.node,
    connection: ctx.connection,
    owner: ctx.owner,
    source: spec.source.kind === "template"
      ? { kind: "template", ostemplate: spec.source.template }
      : { kind: "clone", fromVmid: spec.source.fromCtid, snapname: spec.source.snapshot },
    storage: spec.storagePool,
    rootfsGiB: spec.rootfsSizeGiB,
    unprivileged: spec.unprivileged,
    ...(spec.ostype ? { ostype: spec.ostype } : {}),
    hostname: spec.hostname,
    memoryMiB: spec.memoryMiB,
    swapMiB: spec.swapMiB ?? 512,
    cores: spec.cores,
    net: {
      name: spec.network.name,
      bridge: spec.network.bridge,
      ip: spec.network.ip,
      ...(spec.network.gateway ? { gw: spec.network.gateway } : {}),
      ...(spec.network.mac ? { hwaddr: spec.network.mac } : {}),
      ...(spec.firewall?.enabled ? { firewall: true } : {}),
    },
    nameservers: spec.network.nameservers,
    onboot: spec.startAtBoot,
    startup: spec.bootOrder !== undefined || spec.bootDelaySec !== undefined
      ? { order: spec.bootOrder, up: spec.bootDelaySec, down: spec.bootDelaySec }
      : undefined,
    features: spec.pctFeatures,
    tags: spec.tags,
    volumes: spec.volumes.map((v) => ({ mountPoint: v.mountPoint, storage: v.pool, sizeGiB: v.sizeGiB })),
    bindMounts: spec.bindMounts.map((b) => ({ hostPath: b.hostPath, mountPoint: b.containerPath, ...(b.readOnly ? { readOnly: true } : {}) })),
    // An lxc_options entry setting the AppArmor profile would fight apparmor_profile: the dedicated field wins.
    lxcOptions: [...spec.lxcOptions.filter((o) => !/^\s*lxc\.apparmor\.profile\s*[=:]/.test(o) || !spec.apparmorProfile), ...idmapLines],
    apparmor: buildAppArmor(spec, ctx.apparmorProfileText),
    apparmorManagesNesting: spec.apparmorManagesNesting,
    gpus: spec.gpus,
    running: true,
    started: spec.started,
    restartPolicy: spec.restartPolicy ?? "restart",
    adopt: spec.adopt,
  };
}

function buildAppArmor(spec: ContainerSpec, text: string | undefined): AppArmorInputs | "unconfined" | undefined {
  if (!spec.apparmorProfile) return undefined;
  if (spec.apparmorProfile === "unconfined") return "unconfined";
  if (text === undefined) {
    throw new PhoenixError("config", `container ${spec.ctid}: the AppArmor profile '${spec.apparmorProfile}' (lxc_configs.${spec.ctid}.apparmor_profile) was not read`, {
      hint: `LxcFleet reads it from the project's apparmor/ directory; a program that builds LxcContainer itself passes the file's text as apparmorProfileText`,
    });
  }
  const name = parseAppArmorProfileName(text);
  if (!name) {
    throw new PhoenixError("config", `container ${spec.ctid}: apparmor/${spec.apparmorProfile} (lxc_configs.${spec.ctid}.apparmor_profile) declares no 'profile <name>'`, {
      hint: `add the line that names it, e.g. 'profile lxc-phoenix-v2 flags=(attach_disconnected,mediate_deleted) {', to apparmor/${spec.apparmorProfile}`,
    });
  }
  return { name, fileName: spec.apparmorProfile, content: text };
}
