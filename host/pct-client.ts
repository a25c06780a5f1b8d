/**
 * The typed pct client: each method builds an argv (core), runs it through the transport, classifies a failure
 * (core) and parses the output (core). It throws {@link PctError} for pct failures and lets the transport's
 * SshError through; it never decides what to do about a failure (retry, unlock) — callers do.
 */

import { PctError } from "../core/errors";
import type { ExecOptions, ExecResult, CommandTransport, NodeTarget } from "./transport";
import * as argvs from "../core/pct-argv";
import type { CloneOptions, PctOptions, PushOptions, SetControls } from "../core/pct-argv";
import { classifyPctFailure, parseTaskWarnings } from "../core/pct-failure";
import type { CommandOutput, PctListEntry, PctStatus } from "../core/pct-model";
import { parsePctStatus } from "../core/parse-config";
import { parsePctList } from "../core/parse-list";

/** What a mutating (task) command returns on success. */
export interface PctTaskResult {
  /** The task's output as pct streamed it (stdout). */
  output: string;
  /** `WARN:` lines and other stderr lines of a run that still succeeded. */
  warnings: string[];
}

/** Tuning of a {@link PctClient}. */
export interface PctClientOptions {
  /** Timeout for task commands (create, clone, destroy, snapshot…). @default the transport's default */
  taskTimeoutMs?: number;
}

/** Runs pct on one node through a {@link CommandTransport}. */
export class PctClient {
  constructor(
    private readonly transport: CommandTransport,
    /** The node every command runs on. */
    readonly node: NodeTarget,
    private readonly options: PctClientOptions = {},
  ) {}

  private fail(argv: readonly string[], result: CommandOutput, vmid?: number): PctError | undefined {
    return classifyPctFailure(argv, result, { node: this.node.name, vmid });
  }

  /** Runs argv; throws the classified PctError on failure. `display` is the argv shown in errors. */
  private async run(argv: string[], vmid: number | undefined, opts: ExecOptions, display = argv): Promise<ExecResult> {
    const result = await this.transport.exec(this.node, argv, opts);
    const error = this.fail(display, result, vmid);
    if (error) throw error;
    return result;
  }

  private async read(argv: string[], vmid?: number): Promise<string> {
    return (await this.run(argv, vmid, { idempotent: true })).stdout;
  }

  private async task(argv: string[], vmid?: number, extra: ExecOptions = {}, display = argv): Promise<PctTaskResult> {
    const opts: ExecOptions = { idempotent: false, ...extra };
    if (this.options.taskTimeoutMs !== undefined && opts.timeoutMs === undefined) opts.timeoutMs = this.options.taskTimeoutMs;
    const result = await this.run(argv, vmid, opts, display);
    return { output: result.stdout, warnings: parseTaskWarnings(result) };
  }

  /** `pct list`: the containers whose config lives on this node. */
  async list(): Promise<PctListEntry[]> {
    return parsePctList(await this.read(argvs.buildListArgv()));
  }

  /** `pct status [--verbose 1]`. */
  async status(vmid: number, opts: { verbose?: boolean } = {}): Promise<PctStatus> {
    return parsePctStatus(await this.read(argvs.buildStatusArgv(vmid, opts), vmid));
  }

  /** `pct create`. Options are written `--key value`; a `password` option is redacted in errors. */
  create(vmid: number, ostemplate: string, options: PctOptions = {}): Promise<PctTaskResult> {
    return this.task(argvs.buildCreateArgv(vmid, ostemplate, options), vmid);
  }

  /** `pct clone <src> <dst>`; errors name the new VMID. */
  clone(src: number, dst: number, options: CloneOptions = {}): Promise<PctTaskResult> {
    return this.task(argvs.buildCloneArgv(src, dst, options), dst);
  }

  /** `pct set` (direct, no task; warnings such as "cannot delete 'x' - not set" are returned). */
  set(vmid: number, options: PctOptions, controls: SetControls = {}): Promise<PctTaskResult> {
    return this.task(argvs.buildSetArgv(vmid, options, controls), vmid);
  }

  /** `pct start`. */
  start(vmid: number): Promise<PctTaskResult> {
    return this.task(argvs.buildStartArgv(vmid), vmid);
  }

  /** `pct stop` (hard). Not-running also means "may not exist": see pct-failure. */
  stop(vmid: number): Promise<PctTaskResult> {
    return this.task(argvs.buildStopArgv(vmid), vmid);
  }

  /** `pct shutdown [--timeout s] [--forceStop 1]`. */
  shutdown(vmid: number, opts: { timeoutSeconds?: number; forceStop?: boolean } = {}): Promise<PctTaskResult> {
    return this.task(argvs.buildShutdownArgv(vmid, opts), vmid);
  }

  /** `pct reboot` (applies pending changes). */
  reboot(vmid: number): Promise<PctTaskResult> {
    return this.task(argvs.buildRebootArgv(vmid), vmid);
  }

  /** `pct destroy [--purge 1] [--force 1]`. */
  destroy(vmid: number, opts: { purge?: boolean; force?: boolean } = {}): Promise<PctTaskResult> {
    return this.task(argvs.buildDestroyArgv(vmid, opts), vmid);
  }

  /** `pct snapshot <name> [--description]`. */
  snapshot(vmid: number, name: string, description?: string): Promise<PctTaskResult> {
    return this.task(argvs.buildSnapshotArgv(vmid, name, description), vmid);
  }

  /** `pct delsnapshot <name> [--force 1]`. */
  delsnapshot(vmid: number, name: string, opts: { force?: boolean } = {}): Promise<PctTaskResult> {
    return this.task(argvs.buildDelSnapshotArgv(vmid, name, opts), vmid);
  }

  /**
   * `pct exec <vmid> -- argv`. Resolves with the command's own result whatever its exit code; throws only when
   * pct itself refused (CT missing or not running).
   */
  async exec(vmid: number, command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const argv = argvs.buildExecArgv(vmid, command);
    const result = await this.transport.exec(this.node, argv, options);
    const error = this.fail(argv, result, vmid);
    if (error && (error.code === "pct-not-found" || error.code === "pct-not-running")) throw error;
    return result;
  }

  /** Writes `content` to `dest` inside the CT: stdin → temp file on the node → `pct push`, one round trip. */
  push(vmid: number, content: string | Buffer, dest: string, opts: PushOptions = {}): Promise<PctTaskResult> {
    const { argv, display } = argvs.buildPushFromStdinArgv(vmid, dest, opts);
    return this.task(argv, vmid, { stdin: content }, display);
  }

  /** `pct resize <disk> <size>` (exits 0 on task failure; the classifier reads stderr). */
  resize(vmid: number, disk: string, size: string): Promise<PctTaskResult> {
    return this.task(argvs.buildResizeArgv(vmid, disk, size), vmid);
  }

  /** `pct unlock` (fails when the CT is not locked). */
  unlock(vmid: number): Promise<PctTaskResult> {
    return this.task(argvs.buildUnlockArgv(vmid), vmid);
  }
}
