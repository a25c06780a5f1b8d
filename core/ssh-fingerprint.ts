/**
 * SSH host key fingerprints as `ssh-keygen -lf` prints them. Pure (hashing only), so both the SSH layer (host/)
 * and the testbed launcher, which pins the keys of the nodes it starts, compute them the same way.
 */
import { createHash } from "node:crypto";

/** `SHA256:<base64 without padding>` of a public key blob, exactly as `ssh-keygen -lf` prints it. */
export function buildFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}
