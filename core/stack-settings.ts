/**
 * The stack settings (`pulumi config`, namespace = the project name), read and checked in one place for every
 * reader: the stack program (`pulumi.Config`), the `phoenix` CLI (the Automation API's stack config) and the
 * provider process (`configure`). Each hands in a lookup that answers a key's raw config text — object and list
 * values come as their JSON text in all three — and gets the same typed settings and the same errors back.
 * Pure: reading the file `sshPrivateKeyPath` names is left to the caller (host/ssh-credentials.ts).
 *
 * A problem is reported before anything touches a node, naming the key and ending with the command that fixes it.
 * The code is `environment`: the stack config is what the containers file runs in, and the CLI documents a
 * stack without nodes as exit 3.
 */
import { NodeConnection } from "./container/inputs";
import { PhoenixError } from "./errors";

/** The stack config keys, as `pulumi config set` takes them. Documented in the README. */
export const STACK_CONFIG_KEYS = {
  /** Path of the containers file, relative to the project root. */
  configFile: "configFile",
  /** Nodes by name: how to reach each now (every operation resolves its node here, not from state). */
  nodes: "nodes",
  /** The node of containers that name none. */
  defaultNode: "defaultNode",
  /** Only these containers and what they depend on (the stack program). */
  targets: "targets",
  /** Directories besides the project that files named by the containers file may come from. */
  allowedPaths: "allowedPaths",
  /** SSH private key text; set with `pulumi config set --secret sshPrivateKey < key`. */
  privateKey: "sshPrivateKey",
  /** Passphrase of the key, if encrypted (secret). */
  passphrase: "sshKeyPassphrase",
  /** Path of a private key file on the machine running Pulumi (alternative to the secret). */
  privateKeyPath: "sshPrivateKeyPath",
  /** Operations in flight per node. */
  perNodeParallelism: "perNodeParallelism",
} as const;

/** The containers file when the stack sets no `configFile`. */
export const DEFAULT_CONFIG_FILE = "phoenix_lxc_configs.json";

/** A key's raw stack config text (JSON text for objects and lists), or undefined when the stack does not set it. */
export type StackConfigLookup = (key: string) => string | undefined;

/** The stack settings, typed and normalised. */
export interface StackSettings {
  /** Path of the containers file as configured (relative to the project root), or {@link DEFAULT_CONFIG_FILE}. */
  configFile: string;
  /** Nodes by name, each with port (22) and user (root) filled in; undefined when the stack sets no `nodes`. */
  nodes?: Record<string, NodeConnection>;
  /** The node of containers that name none; one of `nodes`. */
  defaultNode?: string;
  /** CTIDs to converge (with what they depend on); undefined for every container. */
  targets?: number[];
  /** Directories besides the project that files named by the containers file may come from (as configured). */
  allowedPaths: string[];
  /** SSH private key text (secret). */
  privateKey?: string;
  /** Path of a private key file, as configured (relative to the project root). */
  privateKeyPath?: string;
  /** Passphrase of the key (secret). */
  passphrase?: string;
  /** Operations in flight per node. */
  perNodeParallelism?: number;
}

/** The fields a node entry may have. */
const NODE_FIELDS = ["host", "port", "user", "hostKeyFingerprint", "knownHostsFile"] as const;

/** A stack config problem: names the key, ends with the command that fixes it. */
function settingError(message: string, fix: string): PhoenixError {
  return new PhoenixError("environment", `stack config ${message}`, { hint: fix });
}

/** Reads every stack setting through `get`; throws a {@link PhoenixError} naming the first key that is wrong. */
export function readStackSettings(get: StackConfigLookup): StackSettings {
  const K = STACK_CONFIG_KEYS;
  const text = (key: string) => {
    const v = get(key);
    return v === undefined || v === "" ? undefined : v;
  };
  const nodes = parseNodes(text(K.nodes));
  const defaultNode = text(K.defaultNode);
  if (defaultNode !== undefined && nodes !== undefined && !(defaultNode in nodes)) {
    throw settingError(
      `${K.defaultNode} '${defaultNode}' is not one of the stack's nodes (${Object.keys(nodes).join(", ") || "none"})`,
      `pulumi config set ${K.defaultNode} <node>, or add it: pulumi config set --path 'nodes.${defaultNode}.host' <address>`,
    );
  }
  return {
    configFile: text(K.configFile) ?? DEFAULT_CONFIG_FILE,
    nodes,
    defaultNode,
    targets: parseTargets(text(K.targets)),
    allowedPaths: parseAllowedPaths(text(K.allowedPaths)),
    privateKey: get(K.privateKey),
    privateKeyPath: text(K.privateKeyPath),
    passphrase: get(K.passphrase),
    perNodeParallelism: parsePerNodeParallelism(text(K.perNodeParallelism)),
  };
}

/**
 * The nodes, for a reader that cannot work without them (the program, the CLI); `stack` names the stack in the
 * message when the caller knows it.
 */
export function requireNodes(settings: Pick<StackSettings, "nodes">, stack?: string): Record<string, NodeConnection> {
  if (settings.nodes !== undefined && Object.keys(settings.nodes).length > 0) return settings.nodes;
  throw new PhoenixError("environment", `${stack === undefined ? "the stack" : `stack '${stack}'`} has no nodes in its config`, {
    hint: `run 'phoenix sim start', or pulumi config set --path '${STACK_CONFIG_KEYS.nodes}.pve1.host' <address>`,
  });
}

function parseJson(key: string, value: string, expected: string, fix: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw settingError(`${key} must be ${expected}, not the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`, fix);
  }
}

/** `nodes`: node name → {host, port (22), user (root), hostKeyFingerprint, knownHostsFile}. */
function parseNodes(value: string | undefined): Record<string, NodeConnection> | undefined {
  if (value === undefined) return undefined;
  const setHost = (name: string) => `pulumi config set --path 'nodes.${name}.host' <address>`;
  const raw = parseJson("nodes", value, "an object of node name → {host, port, user, hostKeyFingerprint}", `set each node with ${setHost("<name>")}`);
  if (!isPlainObject(raw)) throw settingError("nodes is not an object of node name → {host, port, user, hostKeyFingerprint}", setHost("<name>"));
  const nodes: Record<string, NodeConnection> = {};
  for (const [name, entry] of Object.entries(raw)) {
    if (!isPlainObject(entry)) throw settingError(`nodes.${name} is not an object {host, port, user, hostKeyFingerprint}`, setHost(name));
    const unknown = Object.keys(entry).filter((f) => !(NODE_FIELDS as readonly string[]).includes(f));
    if (unknown.length) {
      throw settingError(`nodes.${name}.${unknown[0]} is not a node setting (known: ${NODE_FIELDS.join(", ")})`, `pulumi config rm --path 'nodes.${name}.${unknown[0]}'`);
    }
    const { host, port, user, hostKeyFingerprint, knownHostsFile } = entry;
    if (host === undefined || host === null || host === "") throw settingError(`nodes.${name}.host is missing`, setHost(name));
    const strings = { host, user, hostKeyFingerprint, knownHostsFile };
    for (const [field, v] of Object.entries(strings)) {
      if (v !== undefined && (typeof v !== "string" || v === "")) {
        throw settingError(`nodes.${name}.${field} must be a non-empty text, not ${JSON.stringify(v)}`, `pulumi config set --path 'nodes.${name}.${field}' <${field}>`);
      }
    }
    const portNumber = Number(port ?? 22);
    if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535 || port === "" || port === null || typeof port === "boolean") {
      throw settingError(`nodes.${name}.port must be a TCP port (1-65535), not ${JSON.stringify(port)}`, `pulumi config set --path 'nodes.${name}.port' 22`);
    }
    nodes[name] = {
      host: host as string,
      port: portNumber,
      user: (user as string | undefined) ?? "root",
      ...(hostKeyFingerprint !== undefined ? { hostKeyFingerprint: hostKeyFingerprint as string } : {}),
      ...(knownHostsFile !== undefined ? { knownHostsFile: knownHostsFile as string } : {}),
    };
  }
  return nodes;
}

/** `targets`: a list of CTIDs. */
function parseTargets(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const fix = "pulumi config set --path 'targets[0]' 950, or pulumi config rm targets for every container";
  const raw = parseJson("targets", value, "a list of CTIDs", fix);
  if (!Array.isArray(raw)) throw settingError(`targets must be a list of CTIDs, not ${JSON.stringify(raw)}`, fix);
  const list = raw.map((t) => (typeof t === "string" && /^\d+$/.test(t) ? Number(t) : t));
  const bad = list.findIndex((t) => !Number.isInteger(t) || (t as number) < 100);
  if (bad !== -1) throw settingError(`targets[${bad}] must be a CTID (a whole number ≥ 100), not ${JSON.stringify(raw[bad])}`, fix);
  return list as number[];
}

/** `allowedPaths`: a list of directories. */
function parseAllowedPaths(value: string | undefined): string[] {
  if (value === undefined) return [];
  const fix = "pulumi config set --path 'allowedPaths[0]' <dir>";
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    raw = value; // a plain text: reported below with the command that makes a list
  }
  if (!Array.isArray(raw) || raw.some((p) => typeof p !== "string" || p === "")) throw settingError("allowedPaths must be a list of directories", fix);
  return raw as string[];
}

/** `perNodeParallelism`: a whole number ≥ 1. */
function parsePerNodeParallelism(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(n) || n < 1) {
    throw settingError(`perNodeParallelism must be a whole number ≥ 1, not ${JSON.stringify(value)}`, "pulumi config set perNodeParallelism 4");
  }
  return n;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
