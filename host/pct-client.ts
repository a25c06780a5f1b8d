/**
 * The typed pct client: each method builds an argv (core), runs it through the transport, classifies a failure
 * (core) and parses the output (core). It throws {@link PctError} for pct failures and lets the transport's
 * SshError through; it never decides what to do about a failure (retry, unlock) — callers do.
 */

import { randomBytes } from "node:crypto";
import { PctError } from "../core/errors";
import type { ExecOptions, ExecResult, CommandTransport, NodeTarget } from "./transport";
import * as argvs from "../core/pct-argv";
import type { CloneOptions, PctOptions, PushOptions, SetControls } from "../core/pct-argv";
import { classifyPctFailure, parseTaskWarnings } from "../core/pct-failure";
import type {
  CommandOutput,
  CtStatus,
  PctConfig,
  PctListEntry,
  PctPendingEntry,
  PctStatus,
  SnapshotList,
  SnapshotTreeEntry,
  StorageStatus,
} from "../core/pct-model";
import { parsePctConfig, parsePctPending, parsePctStatus } from "../core/parse-config";
import { parsePctList, parseStorageStatus } from "../core/parse-list";
import { parsePveshSnapshots } from "../core/parse-pvesh";
import { parseSnapshotTree } from "../core/parse-snapshot-tree";
import { buildBatchCommand, parseBatchOutput } from "../core/remote-batch";

/** What a mutating (task) command returns on success. */
export interface PctTaskResult {
  /** The task's output as pct streamed it (stdout). */
  output: string;
  /** `WARN:` lines and other stderr lines of a run that still succeeded. */
  warnings: string[];
}

/** Everything the provider needs to know about one container, read in one round trip. */
export interface ContainerState {
  /** False when the node has no config for the VMID; the other fields are then absent. */
  exists: boolean;
  /** Run state. */
  status?: CtStatus;
  /** Lock kind, when locked. */
  lock?: string;
  /** Applied configuration (`pct config --current 1`). */
  config?: PctConfig;
  /** Pending changes (`pct pending`). */
  pending?: PctPendingEntry[];
  /** Snapshots and the head (pvesh JSON). */
  snapshots?: SnapshotList;
}

/** Tuning of a {@link PctClient}. */
export interface PctClientOptions {
  /** Timeout for task commands (create, clone, destroy, snapshot…). @default the transport's default */
  taskTimeoutMs?: number;
  /** Source of batch nonces; tests inject a fixed one. @default 16 random bytes as hex */
  nonce?: () => string;
}

/** Runs pct, pvesh and pvesm on one node through a {@link CommandTransport}. */
export class PctClient {
  private readonly nonce: () => string;

  constructor(
    private readonly transport: CommandTransport,
    /** The node every command runs on. */
    readonly node: NodeTarget,
    private readonly options: PctClientOptions = {},
  ) {
    this.nonce = options.nonce ?? (() => randomBytes(16).toString("hex"));
  }

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

  /** `pct config` (pending merged in unless `current`; a snapshot's keys with `snapshot`). */
  async config(vmid: number, opts: { current?: boolean; snapshot?: string } = {}): Promise<PctConfig> {
    return parsePctConfig(await this.read(argvs.buildConfigArgv(vmid, opts), vmid));
  }

  /** `pct pending`. */
  async pending(vmid: number): Promise<PctPendingEntry[]> {
    return parsePctPending(await this.read(argvs.buildPendingArgv(vmid), vmid));
  }

  /** Snapshots with exact times and full descriptions, via pvesh JSON. */
  async listSnapshots(vmid: number): Promise<SnapshotList> {
    return parsePveshSnapshots(await this.read(argvs.buildPveshSnapshotListArgv(this.node.name, vmid), vmid));
  }

  /** The `pct listsnapshot` tree (any PVE version's format). */
  async snapshotTree(vmid: number): Promise<SnapshotTreeEntry[]> {
    return parseSnapshotTree(await this.read(argvs.buildListSnapshotArgv(vmid), vmid));
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

  /** `pct rollback <name> [--start 1]` (a running CT is killed first). */
  rollback(vmid: number, name: string, opts: { start?: boolean } = {}): Promise<PctTaskResult> {
    return this.task(argvs.buildRollbackArgv(vmid, name, opts), vmid);
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

  /** `pvesm status`. */
  async storageStatus(): Promise<StorageStatus[]> {
    return parseStorageStatus(await this.read(argvs.buildStorageStatusArgv()));
  }

  /**
   * Reads config (`--current`), pending changes, status and snapshots in ONE round trip. A missing config
   * means `exists: false`; any other failure of any part throws.
   */
  async readContainer(vmid: number): Promise<ContainerState> {
    const parts = [
      argvs.buildConfigArgv(vmid, { current: true }),
      argvs.buildPendingArgv(vmid),
      argvs.buildStatusArgv(vmid),
      argvs.buildPveshSnapshotListArgv(this.node.name, vmid),
    ];
    const nonce = this.nonce();
    const batch = buildBatchCommand(parts, nonce);
    const outer = await this.transport.exec(this.node, batch, { idempotent: true });
    let results: CommandOutput[];
    try {
      results = parseBatchOutput(outer.stdout, nonce, parts.length);
    } catch (err) {
      // The wrapper itself failed (e.g. no temp dir): report that rather than the missing frames.
      const wrapperError = outer.exitCode === 0 ? undefined : this.fail(["sh", "-c", "<batch>"], outer, vmid);
      throw wrapperError ?? err;
    }
    const [config, pending, status, snapshots] = results as [CommandOutput, CommandOutput, CommandOutput, CommandOutput];
    const configError = this.fail(parts[0]!, config, vmid);
    if (configError?.code === "pct-not-found") return { exists: false };
    results.forEach((r, i) => {
      const error = this.fail(parts[i]!, r, vmid);
      if (error) throw error;
    });
    const parsedStatus = parsePctStatus(status.stdout);
    const state: ContainerState = {
      exists: true,
      status: parsedStatus.status,
      config: parsePctConfig(config.stdout, "pct config --current 1"),
      pending: parsePctPending(pending.stdout),
      snapshots: parsePveshSnapshots(snapshots.stdout),
    };
    const lock = state.config!.options.lock;
    if (lock !== undefined) state.lock = lock;
    return state;
  }
}
