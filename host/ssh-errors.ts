/**
 * Maps ssh2 failures to {@link SshError}s whose message names the node, host:port, the redacted command and one
 * next step. Every text that came from ssh2 passes through {@link scrubSecrets} first.
 */
import { SshError } from "../core/errors";
import { describeCredentials, scrubSecrets, type SshCredentials } from "./ssh-credentials";
import type { NodeTarget } from "./transport";

const UNREACHABLE = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET", "EADDRNOTAVAIL"]);

function target(node: NodeTarget): string {
  return `${node.user}@${node.host}:${node.port}`;
}

/** The SshError for a connection attempt that failed before the session was ready. */
export function buildConnectError(
  err: Error & { level?: string; code?: string },
  node: NodeTarget,
  credentials: SshCredentials,
  connectTimeoutMs: number,
): SshError {
  const ctx = { node: node.name };
  const reason = scrubSecrets(err.message, credentials);
  const cause = new Error(reason);
  if (err.code !== undefined && UNREACHABLE.has(err.code)) {
    return new SshError("ssh-unreachable", `cannot connect to ${target(node)} (${err.code})`, ctx, {
      cause,
      hint: `check that node ${node.name} is up and sshd listens on ${node.host}:${node.port} (nc -vz ${node.host} ${node.port})`,
    });
  }
  if (err.level === "client-timeout" || err.code === "ETIMEDOUT") {
    return new SshError("ssh-timeout", `no SSH handshake with ${target(node)} within ${connectTimeoutMs} ms`, ctx, {
      cause,
      hint: `check the network path to ${node.host}:${node.port} and that sshd answers (ssh -v -p ${node.port} ${node.user}@${node.host} true)`,
    });
  }
  if (err.level === "client-authentication" || err.level === "agent" || /privateKey|private key|passphrase/i.test(reason)) {
    return new SshError("ssh-auth", `authentication as ${node.user} at ${node.host}:${node.port} failed (${reason}; tried ${describeCredentials(credentials)})`, ctx, {
      cause,
      hint:
        `add the public half of the configured key to ${node.user}'s ~/.ssh/authorized_keys on node ${node.name}, ` +
        `check the key's passphrase, or load the key into ssh-agent`,
    });
  }
  return new SshError("ssh-unreachable", `SSH connection to ${target(node)} failed during the handshake (${reason})`, ctx, {
    cause,
    hint: `look at sshd's log on node ${node.name} (journalctl -u ssh) for why it closed the connection`,
  });
}

/** The SshError for a command whose connection dropped after it was sent: it may or may not have run. */
export function buildConnectionLostError(node: NodeTarget, command: string, cause?: unknown): SshError {
  return new SshError(
    "ssh-connection-lost",
    `SSH connection to ${target(node)} dropped while a command was running; it may or may not have run to completion`,
    { node: node.name, command },
    {
      cause,
      hint: `check the state it was meant to change on node ${node.name} (e.g. pct list / pct config) before running it again`,
    },
  );
}

/** The SshError for a session channel the server refused to open (the command did not start). */
export function buildChannelRefusedError(node: NodeTarget, command: string, reason: string): SshError {
  return new SshError("ssh-connection-lost", `node refused to open an SSH session channel (${reason}); the command did not start`, { node: node.name, command }, {
    hint: `set maxChannelsPerConnection below MaxSessions in /etc/ssh/sshd_config on node ${node.name} (default 10)`,
  });
}

/** The SshError for a command that exceeded its time limit; the remote process may outlive the channel. */
export function buildExecTimeoutError(node: NodeTarget, command: string, timeoutMs: number, stderrTail: string): SshError {
  return new SshError(
    "exec-timeout",
    `command did not finish within ${timeoutMs} ms; the channel was closed but the command may still be running on the node`,
    { node: node.name, command, stderrTail: stderrTail || undefined },
    { hint: `check on node ${node.name} whether it is still running (ps -ef) and raise timeoutMs if it is just slow` },
  );
}

/** The SshError for an exec on a pool that was closed. */
export function buildPoolClosedError(node: NodeTarget, command: string): SshError {
  return new SshError("ssh-connection-lost", "the SSH pool was closed; the command was not sent", { node: node.name, command }, {
    hint: "create a new SshPool; a closed pool cannot be reused",
  });
}
