/**
 * The seam between the pct client and the wire. The SSH pool implements it; so could a local runner.
 */

/** One node of a Proxmox VE cluster as the stack configures it. */
export interface NodeTarget {
  /** Node name as Proxmox knows it (used in API paths and error messages). */
  name: string;
  /** Host name or IP address the SSH server listens on. */
  host: string;
  /** SSH port. @default 22 */
  port: number;
  /** Login user. @default "root" */
  user: string;
  /** Pinned host key fingerprint, `SHA256:<base64>` as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint?: string;
  /** A known_hosts file to verify the host key against when no fingerprint is pinned. */
  knownHostsFile?: string;
}

/**
 * Identifies one SSH endpoint as the pool tells them apart (user, address, pinned key): the pool keeps one
 * connection per key, and everything that batches or caches per node keys on the same.
 */
export function nodeKeyOf(node: NodeTarget): string {
  return [node.user, node.host, node.port, node.hostKeyFingerprint ?? "", node.knownHostsFile ?? ""].join("\u0000");
}

/** What a remote command produced. Success and failure share this shape. */
export interface ExecResult {
  /** Standard output, UTF-8. */
  stdout: string;
  /** Standard error, UTF-8. */
  stderr: string;
  /** Remote exit code; null when the remote side died by signal or the channel closed without one. */
  exitCode: number | null;
  /** Remote signal name when the command was killed. */
  signal?: string;
}

/** Per-command options. */
export interface ExecOptions {
  /** Abort after this long; the error says the command may still be running on the node. @default 120000 */
  timeoutMs?: number;
  /** Bytes written to the command's stdin, then EOF. */
  stdin?: string | Buffer;
  /**
   * True when running the command twice has the same effect as once (reads, `pct status`). Only such commands
   * are retried automatically after a dropped connection; others fail with `ssh-connection-lost`.
   * @default false
   */
  idempotent?: boolean;
  /** Receives stdout as it arrives (progress of long installs). */
  onStdout?: (chunk: string) => void;
  /** Upper bound on captured stdout/stderr each; the excess is dropped from the front. @default 4 MiB */
  maxOutputBytes?: number;
}

/** Executes argv arrays on nodes. */
export interface CommandTransport {
  /** Runs one argv on a node. Resolves with the result whatever the exit code; rejects only on transport failure. */
  exec(node: NodeTarget, argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}
