/**
 * What is left of a simulated cluster after it stopped: its live processes and whether its ports still accept.
 */
import { connect } from "node:net";
import { checkAlive } from "../../testbed/launcher/processes";
import { listSimProcesses } from "../../testbed/launcher/stop-processes";

/** Live processes of the simulation root (a zombie is not a process left running). */
export function liveSimProcesses(root: string): number[] {
  return listSimProcesses(root).filter(checkAlive);
}

/** Resolves to the error code of a TCP connect to host:port ("connected" when something accepted it). */
export function probePort(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    sock.once("connect", () => {
      sock.destroy();
      resolve("connected");
    });
    sock.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}
