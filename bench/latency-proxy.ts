/**
 * A TCP proxy that adds a fixed round-trip time between the SSH client and a simulated node: every chunk is
 * forwarded half the round trip late in each direction, in order (timers of equal delay fire in the order they
 * were set). Loopback has no latency, so without it the benchmark cannot show what a handshake or a round trip
 * costs on a LAN, a VPN or a WAN. Bandwidth is not limited; only latency is modelled.
 */
import * as net from "node:net";

/** A running proxy. */
export interface LatencyProxy {
  /** Port it listens on (127.0.0.1). */
  port: number;
  /** Closes the listener and every proxied connection. */
  close(): Promise<void>;
}

/** Starts a proxy on a free 127.0.0.1 port to `target`, adding `rttMs` to every round trip. */
export async function startLatencyProxy(target: { host: string; port: number }, rttMs: number): Promise<LatencyProxy> {
  const sockets = new Set<net.Socket>();
  const half = rttMs / 2;
  const pipe = (from: net.Socket, to: net.Socket) => {
    from.on("data", (chunk) => setTimeout(() => to.write(chunk), half));
    from.on("end", () => setTimeout(() => to.end(), half));
    from.on("error", () => to.destroy());
    from.on("close", () => setTimeout(() => to.destroy(), half));
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    }
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
