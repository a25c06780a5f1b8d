/**
 * How the pool authenticates: a private key (from secret config) and/or an ssh-agent socket.
 *
 * The private key and its passphrase are secrets: they go to ssh2 and nowhere else. {@link scrubSecrets} is applied
 * to every text that may come back from ssh2 before it reaches an error message or a log line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ConnectConfig } from "ssh2";
import { PhoenixError } from "../core/errors";
import { STACK_CONFIG_KEYS, StackSettings } from "../core/stack-settings";

/** Credentials for every node the pool talks to. */
export interface SshCredentials {
  /** OpenSSH or PEM private key text. Secret: never logged, never put in an error message. */
  privateKey?: string;
  /** Passphrase of an encrypted `privateKey`. Secret. */
  passphrase?: string;
  /** ssh-agent socket path. @default process.env.SSH_AUTH_SOCK */
  agent?: string;
}

/** The ssh2 authentication fields for these credentials, or undefined when there is nothing to authenticate with. */
export function buildAuthConfig(credentials: SshCredentials): Pick<ConnectConfig, "privateKey" | "passphrase" | "agent"> | undefined {
  const agent = credentials.agent ?? process.env["SSH_AUTH_SOCK"];
  if (credentials.privateKey === undefined && !agent) return undefined;
  const auth: Pick<ConnectConfig, "privateKey" | "passphrase" | "agent"> = {};
  if (credentials.privateKey !== undefined) auth.privateKey = credentials.privateKey;
  if (credentials.passphrase !== undefined) auth.passphrase = credentials.passphrase;
  if (agent) auth.agent = agent;
  return auth;
}

/** Which methods these credentials offer, for messages: "private key", "ssh-agent (path)". */
export function describeCredentials(credentials: SshCredentials): string {
  const agent = credentials.agent ?? process.env["SSH_AUTH_SOCK"];
  const parts: string[] = [];
  if (credentials.privateKey !== undefined) parts.push("private key");
  if (agent) parts.push(`ssh-agent (${agent})`);
  return parts.length === 0 ? "no credentials" : parts.join(" and ");
}

/**
 * Removes the private key, its passphrase and any line of the key from a text. ssh2's own messages do not quote
 * the key, but a message is about to be shown to a user, so this is checked rather than assumed.
 */
export function scrubSecrets(text: string, credentials: SshCredentials): string {
  let out = text;
  const secrets = [credentials.privateKey, credentials.passphrase].filter((s): s is string => !!s && s.length >= 4);
  for (const secret of secrets) {
    out = out.split(secret).join("***");
    for (const line of secret.split("\n")) {
      // Key bodies are base64 lines; a fragment of one is as bad as the whole key.
      if (line.trim().length >= 16) out = out.split(line.trim()).join("***");
    }
  }
  return out;
}

/**
 * The credentials the stack settings give: the `sshPrivateKey` secret, else the file `sshPrivateKeyPath` names,
 * else the file `envKeyPath` (PHOENIX_SSH_PRIVATE_KEY_PATH) names; a relative path is relative to the project
 * root, whatever the working directory (the Pulumi CLI starts the program and the providers in `dist/`).
 */
export function readSshCredentials(settings: Pick<StackSettings, "privateKey" | "privateKeyPath" | "passphrase">, projectRoot: string, envKeyPath?: string): SshCredentials {
  const configured = settings.privateKeyPath;
  const keyPath = configured ?? (envKeyPath || undefined);
  if (settings.privateKey !== undefined || keyPath === undefined) return { privateKey: settings.privateKey, passphrase: settings.passphrase };
  const file = path.resolve(projectRoot, keyPath);
  let privateKey: string;
  try {
    privateKey = fs.readFileSync(file, "utf8");
  } catch (e) {
    const source = configured !== undefined ? `stack config ${STACK_CONFIG_KEYS.privateKeyPath}` : "PHOENIX_SSH_PRIVATE_KEY_PATH";
    const reason = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new PhoenixError("environment", `${source} names ${file}, which cannot be read (${reason})`, {
      hint: `point ${configured !== undefined ? STACK_CONFIG_KEYS.privateKeyPath : "it"} at the key file (relative to the project ${projectRoot}), or set the key itself: pulumi config set --secret ${STACK_CONFIG_KEYS.privateKey} < <key file>`,
      cause: e,
    });
  }
  return { privateKey, passphrase: settings.passphrase };
}
