/**
 * A TCP server that stands in for a node and counts every connection it accepts (closing each at once): a test
 * that must prove nothing reached the node compares the count before and after.
 */
import * as net from "node:net";

/** The listening server, its port and the number of connections it accepted so far. */
export interface CountingServer {
  port: number;
  readonly accepted: number;
  close(): void;
}

/** Listens on 127.0.0.1 at a free port. */
export async function startCountingServer(): Promise<CountingServer> {
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get accepted() {
      return accepted;
    },
    close: () => server.close(),
  };
}
