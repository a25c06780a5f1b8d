/**
 * Host key verification: SHA256 fingerprints as `ssh-keygen -lf` prints them, and OpenSSH known_hosts files
 * (plain, hashed `|1|…`, `[host]:port`, wildcards, negations, `@revoked`).
 *
 * Pure: the caller reads the known_hosts file; nothing here does I/O. The rule is the one OpenSSH applies with
 * `StrictHostKeyChecking yes`: a key is accepted only when it is pinned or listed; a different key of a listed
 * type is a mismatch (possible man-in-the-middle); anything else is unknown and refused. Never trust on first use.
 */
import { createHmac } from "node:crypto";
import { HostKeyMismatchError, SshError } from "../core/errors";
import { buildFingerprint } from "../core/ssh-fingerprint";
import type { NodeTarget } from "./transport";

/** One usable line of a known_hosts file. */
export interface KnownHostEntry {
  /** `@revoked` lines reject a key; `@cert-authority` lines are ignored (certificates are not supported). */
  marker?: "revoked" | "cert-authority";
  /** The host field as written: a comma-separated pattern list, or one hashed `|1|salt|hash` name. */
  hosts: string;
  /** Key type, e.g. `ssh-ed25519`. */
  keyType: string;
  /** The raw public key blob (base64-decoded). */
  keyBlob: Buffer;
  /** 1-based line number, for messages. */
  line: number;
}

/** The outcome of checking a presented host key. */
export type HostKeyVerdict = { ok: true; fingerprint: string } | { ok: false; fingerprint: string; error: SshError };

/** The key type stored at the start of an SSH public key blob (`string` = uint32 length + bytes). */
export function parseKeyType(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return "unknown";
  const len = keyBlob.readUInt32BE(0);
  return len > 0 && 4 + len <= keyBlob.length ? keyBlob.subarray(4, 4 + len).toString("latin1") : "unknown";
}

/**
 * Normalizes a configured fingerprint for comparison: trailing `=` padding removed. Returns undefined when the
 * value is not a SHA256 fingerprint (MD5 `aa:bb:…` fingerprints are refused, they are not collision resistant).
 */
export function parseFingerprint(value: string): string | undefined {
  const m = /^SHA256:([A-Za-z0-9+/]{43})=?$/.exec(value.trim());
  return m ? `SHA256:${m[1]}` : undefined;
}

/** Parses an OpenSSH known_hosts file; comments, blank lines and malformed lines are skipped as OpenSSH does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split("\n").forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === "" || fields[0].startsWith("#")) return;
    let marker: KnownHostEntry["marker"];
    if (fields[0] === "@revoked" || fields[0] === "@cert-authority") {
      marker = fields[0] === "@revoked" ? "revoked" : "cert-authority";
      fields.shift();
    }
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key || !/^[A-Za-z0-9+/]+=*$/.test(key)) return;
    entries.push({ marker, hosts, keyType, keyBlob: Buffer.from(key, "base64"), line: i + 1 });
  });
  return entries;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function buildKnownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

/** True when a known_hosts host field names this host (hashed names are HMAC-SHA1 of the lookup name). */
export function checkHostMatches(hostsField: string, host: string, port: number): boolean {
  const name = buildKnownHostsName(host, port);
  if (hostsField.startsWith("|1|")) {
    const [, , salt, hash] = hostsField.split("|");
    if (!salt || !hash) return false;
    return createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64") === hash;
  }
  let matched = false;
  for (const pattern of hostsField.split(",")) {
    const negated = pattern.startsWith("!");
    if (globToRegExp(negated ? pattern.slice(1) : pattern).test(name)) {
      if (negated) return false; // a matching negation excludes the line whatever else matches
      matched = true;
    }
  }
  return matched;
}

/** The stack config command that pins a node's host key (the stack program reads `nodes.<name>`). */
function pinCommand(node: NodeTarget, fingerprint: string): string {
  return `pulumi config set --path 'nodes.${node.name}.hostKeyFingerprint' '${fingerprint}'`;
}

function unknownKeyHint(node: NodeTarget, fingerprint: string): string {
  return (
    `verify the key on the node itself (ssh-keyscan -p ${node.port} ${node.host} | ssh-keygen -lf -), ` +
    `then pin it: ${pinCommand(node, fingerprint)}`
  );
}

function mismatchHint(node: NodeTarget, presented: string): string {
  return (
    `if node ${node.name} was reinstalled, check its new key on its console ` +
    `(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and pin it: ${pinCommand(node, presented)}; ` +
    `otherwise someone may be intercepting the connection: do not proceed`
  );
}

/**
 * Decides whether the key a node presented may be trusted. The pinned fingerprint wins over the known_hosts file;
 * with neither, every key is unknown and refused.
 * @param knownHostsText contents of `node.knownHostsFile`, read by the caller
 */
export function classifyHostKey(node: NodeTarget, keyBlob: Buffer, knownHostsText?: string): HostKeyVerdict {
  const presented = buildFingerprint(keyBlob);
  const ctx = { node: node.name };
  const where = `${node.host}:${node.port}`;
  if (node.hostKeyFingerprint !== undefined) {
    const expected = parseFingerprint(node.hostKeyFingerprint);
    if (expected === undefined) {
      const error = new SshError("ssh-host-key", `pinned host key fingerprint for ${where} is not a SHA256 fingerprint`, ctx, {
        hint: `pin the SHA256 form, e.g. ${presented} after checking it (ssh-keyscan -p ${node.port} ${node.host} | ssh-keygen -lf -)`,
      });
      return { ok: false, fingerprint: presented, error };
    }
    if (expected === presented) return { ok: true, fingerprint: presented };
    return { ok: false, fingerprint: presented, error: new HostKeyMismatchError(ctx, expected, presented, mismatchHint(node, presented)) };
  }
  if (knownHostsText !== undefined) {
    const keyType = parseKeyType(keyBlob);
    const forHost = parseKnownHosts(knownHostsText).filter((e) => checkHostMatches(e.hosts, node.host, node.port));
    const same = (e: KnownHostEntry) => e.keyBlob.equals(keyBlob);
    const revoked = forHost.find((e) => e.marker === "revoked" && same(e));
    if (revoked) {
      const error = new SshError("ssh-host-key", `host key ${presented} of ${where} is marked @revoked in ${node.knownHostsFile}:${revoked.line}`, ctx, {
        hint: `the node's key was revoked on purpose; install a new host key on node ${node.name} and pin it`,
      });
      return { ok: false, fingerprint: presented, error };
    }
    const plain = forHost.filter((e) => e.marker === undefined);
    if (plain.some(same)) return { ok: true, fingerprint: presented };
    const sameType = plain.find((e) => e.keyType === keyType);
    if (sameType) {
      const expected = buildFingerprint(sameType.keyBlob);
      return { ok: false, fingerprint: presented, error: new HostKeyMismatchError(ctx, expected, presented, mismatchHint(node, presented)) };
    }
  }
  const source = node.knownHostsFile === undefined ? "no fingerprint is pinned" : `not listed in ${node.knownHostsFile}`;
  const error = new SshError("ssh-host-key", `unknown host key ${presented} presented by ${where} (${source})`, ctx, {
    hint: unknownKeyHint(node, presented),
  });
  return { ok: false, fingerprint: presented, error };
}
