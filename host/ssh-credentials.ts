/**
 * How the pool authenticates: a private key (from secret config) and/or an ssh-agent socket.
 *
 * The private key and its passphrase are secrets: they go to ssh2 and nowhere else. {@link scrubSecrets} is applied
 * to every text that may come back from ssh2 before it reaches an error message or a log line.
 */
import type { ConnectConfig } from "ssh2";

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
