/**
 * One authenticated SSH connection to one node, multiplexing exec channels up to a cap (OpenSSH's MaxSessions
 * defaults to 10 per connection; opening more fails with "open failed").
 *
 * The connection knows whether it is alive. When it dies, every command still waiting for a channel is rejected
 * with {@link CommandNotStartedError} (safe to send elsewhere: it never left this process) and every command in
 * flight with `ssh-connection-lost` (it may have run). The pool decides what to retry.
 */
import type { Socket } from "node:net";
import { StringDecoder } from "node:string_decoder";
import type { Client, ClientChannel } from "ssh2";
import type { SshCredentials } from "./ssh-credentials";
import { buildChannelRefusedError, buildConnectionLostError, buildExecTimeoutError } from "./ssh-errors";
import { TailBuffer } from "./ssh-output";
import type { ExecOptions, ExecResult, NodeTarget } from "./transport";

/** Attempts to open a session channel the server refused (5 ms, 10 ms, … between them; ~2.5 s in all). */
const CHANNEL_OPEN_RETRIES = 9;

/**
 * Asks the server to signal the command. OpenSSH >= 7.9 does so for plain exec sessions (it refuses for
 * ForceCommand sessions); other servers ignore it. ssh2's public `channel.signal()` is a no-op once stdin has been
 * ended, which every exec here does at once, so the request goes through the channel's protocol object directly.
 */
function sendSignal(channel: ClientChannel, name: string): void {
  const internals = channel as unknown as { _client?: { _protocol?: { signal?: (id: number, sig: string) => void } }; outgoing?: { id?: number; state?: string } };
  const protocol = internals._client?._protocol;
  const id = internals.outgoing?.id;
  const state = internals.outgoing?.state;
  if (typeof protocol?.signal !== "function" || typeof id !== "number" || (state !== "open" && state !== "eof")) return;
  try {
    protocol.signal(id, name);
  } catch {
    /* the channel is closing anyway */
  }
}

/** Everything one connection needs; the pool fills in the defaults. */
export interface ConnectionSettings {
  /** The node to connect to. */
  node: NodeTarget;
  /** How to authenticate. */
  credentials: SshCredentials;
  /** Time for TCP connect + SSH handshake + authentication. */
  connectTimeoutMs: number;
  /** SSH-level keepalive interval; three unanswered keepalives drop the connection. */
  keepaliveIntervalMs: number;
  /** Channels open at once on this connection. */
  maxChannels: number;
  /** Close the connection after this long without any command. */
  idleTimeoutMs: number;
  /** Contents of `node.knownHostsFile`, read by the caller. */
  knownHostsText?: string;
  /** Called once when the connection is gone (dropped, idle-closed or closed). */
  onGone: () => void;
  /** Diagnostic lines; never receives secrets. */
  log: (line: string) => void;
}

/** A command that never reached the node because its connection died first; sending it again is always safe. */
export class CommandNotStartedError extends Error {
  constructor() {
    super("the connection closed before the command was sent");
  }
}

/** A live connection; see the module comment for the failure contract. */
export class SshConnection {
  private active = 0;
  private readonly waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private readonly inFlight = new Set<(cause: unknown) => void>();
  private idleTimer?: NodeJS.Timeout;
  private goneFlag = false;
  private readonly closed: Promise<void>;

  /** @internal use `openSshConnection` (host/ssh-connect.ts), which hands over an authenticated client. */
  constructor(
    private readonly client: Client,
    private readonly sock: Socket,
    private readonly settings: ConnectionSettings,
  ) {
    this.closed = new Promise((resolve) => client.once("close", () => resolve()));
    const gone = (cause: unknown) => this.markGone(cause);
    client.on("error", gone);
    client.on("end", () => gone(new Error("server closed the connection")));
    client.on("close", () => gone(new Error("connection closed")));
    this.scheduleIdle();
  }

  /** False once the connection dropped or was closed; a gone connection is never reused. */
  get alive(): boolean {
    return !this.goneFlag;
  }

  /**
   * Runs one command line on a channel of this connection, waiting for a free channel first.
   * @param command the quoted command line sent to the node
   * @param display the redacted form used in errors
   */
  async run(command: string, display: string, options: ExecOptions, timeoutMs: number): Promise<ExecResult> {
    await this.acquire();
    return this.runOnChannel(command, display, options, timeoutMs);
  }

  /** Ends the connection politely; resolves once the socket is closed (or after 2 s). */
  async close(): Promise<void> {
    this.markGone(new Error("connection closed by the pool"));
    this.client.end();
    const force = setTimeout(() => this.sock.destroy(), 2000);
    force.unref();
    await this.closed;
    clearTimeout(force);
  }

  private acquire(): Promise<void> {
    if (this.goneFlag) return Promise.reject(new CommandNotStartedError());
    this.cancelIdle();
    if (this.active < this.settings.maxChannels) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) return next.resolve(); // hand the slot over: `active` is unchanged
    this.active--;
    if (this.active === 0) this.scheduleIdle();
  }

  private scheduleIdle(): void {
    if (this.goneFlag) return;
    // While idle nothing of ours keeps the event loop alive, so a provider process can exit.
    this.sock.unref();
    this.idleTimer = setTimeout(() => {
      this.settings.log(`ssh ${this.settings.node.name}: closing idle connection`);
      void this.close();
    }, this.settings.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private cancelIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.sock.ref();
  }

  private markGone(cause: unknown): void {
    if (this.goneFlag) return;
    this.goneFlag = true;
    this.cancelIdle();
    this.sock.unref();
    for (const w of this.waiters.splice(0)) w.reject(new CommandNotStartedError());
    for (const lost of [...this.inFlight]) lost(cause);
    this.settings.onGone();
  }

  private runOnChannel(command: string, display: string, options: ExecOptions, timeoutMs: number): Promise<ExecResult> {
    const { node } = this.settings;
    const max = options.maxOutputBytes ?? 4 * 1024 * 1024;
    const stdout = new TailBuffer(max);
    const stderr = new TailBuffer(max);
    const decoder = new StringDecoder("utf8");
    return new Promise<ExecResult>((resolve, reject) => {
      let settled = false;
      let released = false;
      let exit: { code: number | null; signal?: string } | undefined;
      let stream: ClientChannel | undefined;
      const release = () => {
        if (released) return;
        released = true;
        this.release();
      };
      const result = (): ExecResult => ({
        stdout: stdout.text(),
        stderr: stderr.text(),
        exitCode: exit?.code ?? null,
        ...(exit?.signal === undefined ? {} : { signal: exit.signal }),
      });
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(onLost);
        fn();
      };
      // A command whose exit status arrived before the drop did finish: report it rather than a lost connection.
      const onLost = (cause: unknown) =>
        settle(() => (exit ? resolve(result()) : reject(buildConnectionLostError(node, display, cause))));
      const timer = setTimeout(() => {
        settle(() => reject(buildExecTimeoutError(node, display, timeoutMs, stderr.text().slice(-2000))));
        this.settings.log(`ssh ${node.name}: timeout after ${timeoutMs} ms: ${display}`);
        if (stream) abandon(stream);
      }, timeoutMs);
      const abandon = (s: ClientChannel) => {
        sendSignal(s, "KILL");
        s.close();
        // If the server never confirms the close, give the slot back anyway rather than leak it.
        setTimeout(release, 5000).unref();
      };
      this.inFlight.add(onLost);
      const openChannel = (attempt: number) => {
        this.client.exec(command, (err, s) => {
          if (err) {
            if (this.goneFlag) {
              release();
              return onLost(err);
            }
            // sshd frees a finished session's MaxSessions slot lazily, after it has read our CLOSE, so a burst
            // of short commands can briefly find the server full. A refused open ran nothing: try again shortly.
            if (attempt < CHANNEL_OPEN_RETRIES && !settled) {
              setTimeout(() => tryOpen(attempt + 1), 5 * 2 ** attempt);
              return;
            }
            release();
            return settle(() => reject(buildChannelRefusedError(node, display, err.message)));
          }
          stream = s;
          if (settled) {
            // Timed out while the channel was opening.
            s.on("close", release);
            return abandon(s);
          }
          s.on("data", (chunk: Buffer) => {
            stdout.push(chunk);
            if (options.onStdout) options.onStdout(decoder.write(chunk));
          });
          s.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
          s.on("exit", (code: number | null, signal?: string) => {
            exit = { code: typeof code === "number" ? code : null, signal: signal ?? undefined };
          });
          s.on("error", () => undefined); // surfaced through close / the connection's own events
          s.on("close", () => {
            release();
            if (options.onStdout) {
              const rest = decoder.end();
              if (rest) options.onStdout(rest);
            }
            if (this.goneFlag && !exit) onLost(new Error("channel closed by the connection drop"));
            else settle(() => resolve(result()));
          });
          if (options.stdin !== undefined) s.end(options.stdin);
          else s.end();
        });
      };
      const tryOpen = (attempt: number) => {
        if (settled) return release();
        try {
          openChannel(attempt);
        } catch {
          // ssh2 throws "Not connected" synchronously: nothing was sent.
          release();
          settle(() => reject(new CommandNotStartedError()));
        }
      };
      tryOpen(0);
    });
  }
}
