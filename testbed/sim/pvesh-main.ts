/**
 * Entry point of the simulated `pvesh` (testbed/bin/pvesh): `pvesh get <path>` for the LXC API paths a
 * client reads (docs/pve-behaviour.md §9), as `json` or `json-pretty`. The bordered `text` tables are not simulated.
 */
import { CmdDef, parseArgs, usageLine } from "./cli-args";
import { Die, Param400 } from "./sim-errors";
import { SimEnv, err, listNodes, out, readSimEnv } from "./sim-env";
import { Ctx, failDirect, finish } from "./sim-context";
import { ApiValue, configObject, pendingArray, snapshotList, vmList, vmStatus } from "./api-data";
import { loadConf } from "./ct-store";
import { activeTasks } from "./tasks";
import { formatJson, formatJsonPretty } from "./json-format";
import { firewallOptions, firewallRequest, firewallTarget, withUsage } from "./firewall-api";

const GET: CmdDef = {
  name: "get", positionals: ["api_path"],
  options: { "output-format": "string", current: "bool", snapshot: "string", noproxy: "bool", "human-readable": "bool", noborder: "bool", noheader: "bool", quiet: "bool", source: "string", vmid: "string", limit: "string" },
};

function route(env: SimEnv, apiPath: string, opts: Record<string, string>): ApiValue {
  const parts = apiPath.split("/").filter((p) => p !== "");
  if (parts.length === 1 && parts[0] === "nodes") {
    return listNodes(env).map((n) => ({ id: `node/${n}`, level: "", node: n, status: "online", type: "node" }));
  }
  if (parts[0] === "nodes" && parts.length === 3 && parts[2] === "tasks") {
    // Only running tasks are simulated (`--source active`); the archive of finished tasks is not.
    const node = parts[1] === "localhost" ? env.node : parts[1];
    if ((opts.source ?? "archive") === "archive") throw new Die("simulator: only 'pvesh get /nodes/<node>/tasks --source active' is simulated");
    return activeTasks({ root: env.root, node }, opts.vmid ? Number(opts.vmid) : undefined);
  }
  if (parts[0] === "nodes" && parts.length >= 3 && parts[2] === "lxc") {
    const node = parts[1] === "localhost" ? env.node : parts[1];
    if (!listNodes(env).includes(node)) throw new Die(`no such cluster node '${node}'`);
    const nenv: SimEnv = { root: env.root, node };
    if (parts.length === 3) return vmList(nenv);
    if (!/^[1-9]\d{2,8}$/.test(parts[3])) throw new Die(`No 'get' handler defined for '${apiPath}'`);
    const vmid = Number(parts[3]);
    const rest = parts.slice(4).join("/");
    const conf = loadConf(nenv, vmid);
    if (rest === "config") return configObject(conf, { current: opts.current === "1", snapshot: opts.snapshot });
    if (rest === "pending") return pendingArray(conf);
    if (rest === "status/current") return { ...vmStatus(nenv, vmid, conf), ha: { managed: 0 } };
    if (rest === "snapshot") return snapshotList(nenv, vmid, conf);
    const m = /^snapshot\/([^/]+)\/config$/.exec(rest);
    if (m) {
      const obj = configObject(conf, { snapshot: m[1] });
      delete obj.lxc;
      delete obj.digest;
      return obj;
    }
  }
  throw new Die(`No 'get' handler defined for '${apiPath}'`);
}

function main(): void {
  const env = readSimEnv();
  const args = process.argv.slice(2);
  const ctx: Ctx = { env, argv: ["pvesh", ...args], startedMs: Date.now() };
  if (["create", "set", "delete"].includes(args[0] ?? "") || (args[0] === "get" && /\/firewall\//.test(args[1] ?? ""))) return firewallMain(ctx, args[0]!, args.slice(1));
  if (args[0] !== "get") {
    err(args.length ? `ERROR: unknown command 'pvesh ${args[0]}'\n` : "ERROR: no command specified\n");
    err("USAGE: pvesh <COMMAND> [ARGS] [OPTIONS]\n");
    finish(ctx, 255);
  }
  try {
    const a = parseArgs(GET, args.slice(1));
    const fmt = a.opts["output-format"] ?? "text";
    if (!["text", "json", "json-pretty", "yaml"].includes(fmt)) {
      throw new Param400("Parameter verification failed.", [["output-format", `value '${fmt}' does not have a value in the enumeration 'text, json, json-pretty, yaml'`]]);
    }
    const result = route(env, a.pos[0], a.opts);
    if (fmt === "json") out(`${formatJson(result)}\n`);
    else if (fmt === "json-pretty") out(`${formatJsonPretty(result)}\n`);
    else throw new Die(`simulator: --output-format ${fmt} is not simulated, use json or json-pretty`);
    finish(ctx, 0);
  } catch (e) {
    if (e instanceof Param400) e.usage = `${usageLine("pvesh", GET)} [FORMAT_OPTIONS]`;
    failDirect(ctx, e);
  }
}

/** `pvesh get|create|set|delete` on the firewall paths (testbed/sim/firewall-api.ts); other paths have only `get`. */
function firewallMain(ctx: Ctx, method: string, args: string[]): void {
  try {
    const apiPath = args.find((a) => !a.startsWith("-")) ?? "";
    const target = firewallTarget(apiPath.split("/").filter((p) => p !== ""));
    if (!target) throw new Die(`No '${method}' handler defined for '${apiPath}'`);
    const def: CmdDef = { name: method, positionals: ["api_path"], options: { ...firewallOptions(method, target), ...FORMAT_OPTIONS } };
    const a = parseArgs(def, args);
    const parts = a.pos[0]!.split("/").filter((p) => p !== "");
    if (parts[0] === "nodes" && parts[1] !== "localhost" && !listNodes(ctx.env).includes(parts[1]!)) throw new Die(`no such cluster node '${parts[1]}'`);
    const fmt = a.opts["output-format"] ?? "text";
    const result = firewallRequest(ctx.env, method, target, a.opts);
    if (result !== undefined) {
      if (fmt === "json") out(`${formatJson(result)}\n`);
      else if (fmt === "json-pretty") out(`${formatJsonPretty(result)}\n`);
      else throw new Die(`simulator: --output-format ${fmt} is not simulated, use json or json-pretty`);
    }
    finish(ctx, 0);
  } catch (e) {
    failDirect(ctx, withUsage(e, method));
  }
}

const FORMAT_OPTIONS = { "output-format": "string", noproxy: "bool", "human-readable": "bool", noborder: "bool", noheader: "bool", quiet: "bool" } as const;

main();
