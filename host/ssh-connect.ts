/**
 * Opening one SSH connection: TCP connect, key exchange with host key verification, authentication. Every failure
 * comes back as a typed SshError (host key, auth, timeout, unreachable), never as a raw ssh2 error.
 */
import { Socket } from "node:net";
import { Client } from "ssh2";
import type { SshError } from "../core/errors";
import { SshConnection, type ConnectionSettings } from "./ssh-connection";
import { buildAuthConfig } from "./ssh-credentials";
import { buildConnectError } from "./ssh-errors";
import { classifyHostKey } from "./ssh-host-key";

/** Opens and authenticates a connection; rejects with a typed SshError (host key, auth, timeout, unreachable). */
export function openSshConnection(settings: ConnectionSettings): Promise<SshConnection> {
  const { node, credentials } = settings;
  return new Promise((resolve, reject) => {
    const client = new Client();
    const sock = new Socket();
    let hostKeyError: SshError | undefined;
    let done = false;
    const fail = (err: Error & { level?: string; code?: string }) => {
      if (done) return;
      done = true;
      sock.destroy();
      reject(hostKeyError ?? buildConnectError(err, node, credentials, settings.connectTimeoutMs));
    };
    client.on("error", fail);
    client.once("close", () => fail(new Error("connection closed during the handshake")));
    client.once("ready", () => {
      if (done) return;
      done = true;
      client.removeListener("error", fail);
      resolve(new SshConnection(client, sock, settings));
    });
    // Connect the socket ourselves so the pool can unref it while idle; ssh2 adopts a connecting socket.
    sock.connect(node.port, node.host);
    // An exec is several small packets in a row (open, exec, EOF, close): with Nagle each waits for the
    // server's delayed ACK (40 ms on Linux), which made sequential commands ~6x slower in bench/ssh-pool-bench.ts.
    sock.setNoDelay(true);
    try {
      client.connect({
        sock,
        username: node.user,
        readyTimeout: settings.connectTimeoutMs,
        keepaliveInterval: settings.keepaliveIntervalMs,
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer) => {
          const verdict = classifyHostKey(node, key, settings.knownHostsText);
          if (!verdict.ok) hostKeyError = verdict.error;
          return verdict.ok;
        },
        ...buildAuthConfig(credentials),
      });
    } catch (err) {
      fail(err as Error); // e.g. an unparsable private key, thrown synchronously by ssh2
    }
  });
}
