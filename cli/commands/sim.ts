/**
 * `phoenix sim start|stop`: simulated Proxmox VE nodes behind real sshd on this machine (testbed/), under
 * `<project>/.phoenix/sim`, with the stack config written so `phoenix up` and `pulumi up` reach them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { installTemplate, type TemplateKind } from "../../testbed/templates";
import { startSimCluster, stopSimCluster } from "../../testbed/launcher/sim-cluster";
import { CliIo, ExitCode } from "../io";
import { runGuarded } from "../command-runner";
import { COMMON_OPTIONS_HELP, parseCommand, UsageError } from "../options";
import { buildStackContext, openStack, resolveProjectDir } from "../stack-context";
import { STACK_CONFIG_KEYS } from "../../core/stack-settings";
import { simNodesRecordPath, simRootOf } from "../../core/sim-layout";

/** The help text of `phoenix sim`. */
export const SIM_HELP = `Usage: phoenix sim start [--nodes pve1,pve2] [--latency realistic|none] [--templates busybox,debian]
                         [--stack NAME] [--cwd DIR]
       phoenix sim stop [--cwd DIR]

start  Start simulated Proxmox VE nodes (pct, pvesh, pvesm behind a real OpenSSH server each, detached so
       they outlive this command) under <project>/.phoenix/sim, install the templates on every node, and
       write the stack config: 'nodes' (host, port, user, hostKeyFingerprint per node) and the client's
       SSH key as the secret 'sshPrivateKey'. Running it again stops the old nodes and rewrites both.
       The stack's settings file (Pulumi.<stack>.yaml) is this machine's: keep it out of version control.
       Templates: busybox (default, built in a second); debian is built with debootstrap the first time
       (about a minute, needs the apt mirror) and cached in ~/.cache/phoenix-lxc.
stop   Stop the simulated nodes and everything they started; returns once all of it has exited (after 10 s it
       fails naming what is still running). Their containers stay on disk.

Options:
  --nodes LIST      node names (default: pve1,pve2)
  --latency MODE    realistic adds per-operation delays like a real node (default: none)
  --templates LIST  busybox, debian (default: busybox)
${COMMON_OPTIONS_HELP.split("\n").filter((l) => !l.includes("--config")).join("\n")}
  --config FILE     also record FILE as the stack's containers file (stack config 'configFile')
  -h, --help        show this help

Exit codes:
  0  started / stopped
  2  bad arguments
  3  no sshd, or no Pulumi CLI (needed to write the stack config)`;

const TEMPLATE_KINDS: readonly TemplateKind[] = ["busybox", "debian"];

/** Runs `phoenix sim`; resolves to the exit code. */
export async function runSim(argv: string[], io: CliIo): Promise<number> {
  return runGuarded("sim", io, async () => {
    const { common, values, positionals } = parseCommand(argv, { nodes: { type: "string" }, latency: { type: "string" }, templates: { type: "string" } });
    if (common.help) {
      io.stdout(`${SIM_HELP}\n`);
      return ExitCode.ok;
    }
    const [action, ...extra] = positionals;
    if (extra.length || (action !== "start" && action !== "stop")) throw new UsageError("expected 'sim start' or 'sim stop'");
    const root = simRootOf(resolveProjectDir(io, common.cwd));
    if (action === "stop") {
      const stopped = fs.existsSync(simNodesRecordPath(root)) ? await stopSimCluster(root) : [];
      io.stdout(stopped.length ? `stopped ${stopped.join(", ")}\n` : "no simulated node was running\n");
      return ExitCode.ok;
    }
    const nodes = String(values.nodes ?? "pve1,pve2").split(",").filter((n) => n !== "");
    const latency = String(values.latency ?? "none");
    if (latency !== "none" && latency !== "realistic") throw new UsageError("--latency must be realistic or none");
    const templates = String(values.templates ?? "busybox").split(",").filter((t) => t !== "");
    const unknown = templates.filter((t) => !TEMPLATE_KINDS.includes(t as TemplateKind));
    if (unknown.length) throw new UsageError(`unknown template '${unknown.join(", ")}': expected busybox or debian`);
    const ctx = buildStackContext(common, io);
    fs.mkdirSync(root, { recursive: true });
    if (fs.existsSync(simNodesRecordPath(root))) await stopSimCluster(root);
    const cluster = await startSimCluster({ nodes, root, latency, detached: true });
    try {
      for (const kind of templates as TemplateKind[]) {
        if (kind === "debian") io.stderr("building/using the cached Debian template (the first build takes about a minute)…\n");
        for (const node of nodes) installTemplate(root, node, kind);
      }
      const stack = await openStack(ctx, { simStart: true });
      const nodeConfig = Object.fromEntries(cluster.nodes.map((n) => [n.name, { host: n.host, port: n.port, user: n.user, hostKeyFingerprint: n.hostKeyFingerprint }]));
      const K = STACK_CONFIG_KEYS;
      await stack.removeConfig(K.nodes).catch(() => undefined);
      await stack.setAllConfigJson(JSON.stringify({ [`${ctx.project}:${K.nodes}`]: { value: JSON.stringify(nodeConfig), objectValue: nodeConfig, secret: false } }));
      await stack.setConfig(K.privateKey, { value: cluster.privateKey, secret: true });
      if (ctx.configOverride !== undefined) await stack.setConfig(K.configFile, { value: path.relative(ctx.projectDir, ctx.configOverride) });
    } catch (e) {
      await stopSimCluster(root);
      throw e;
    }
    for (const n of cluster.nodes) io.stdout(`${n.name}  ${n.host}:${n.port}  ${n.hostKeyFingerprint}\n`);
    io.stdout(`stack '${ctx.stackName}' config written (nodes, sshPrivateKey as a secret${ctx.configOverride === undefined ? "" : ", configFile"}); stop with: phoenix sim stop\n`);
    return ExitCode.ok;
  });
}
