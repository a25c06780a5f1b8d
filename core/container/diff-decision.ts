/**
 * The decision behind a container resource's `diff`, and what preview says about it: which configured fields
 * change, whether the container found on the node drifted from its config, whether the only change is a start,
 * what waits for a restart, and what PVE cannot make. Pure: the provider maps the result to Pulumi's
 * DiffResult and logs its lines; nothing here reads a node (diff runs for every resource on every preview).
 */
import { ApplyPlan, isEmptyPlan, ObservedContainer, planApply } from "./apply-plan";
import { classifyContainerChanges, ContainerChangeSet, describeChangeSet, planRefusals } from "./classify-changes";
import { ContainerInputs } from "./inputs";
import { planConvergeRunning, planDesiredForDiff } from "./run-state";

/** What state holds of a container: its inputs as applied and, after any create/update/read, the container as observed. */
export type StoredContainer = ContainerInputs & { observed?: ObservedContainer };

/** The diff of one container, decided. */
export interface ContainerDiffDecision {
  /** True when the up changes anything: a configured field, or drift found on the node. */
  changes: boolean;
  /** Fields whose change replaces the container. */
  replaces: (keyof ContainerInputs)[];
  /** True when the one change is a start (found stopped, run state managed): the steps after it keep their key. */
  onlyStart: boolean;
  /** Changes PVE cannot make (a disk shrink): preview fails with these, one per line. */
  refused: string[];
  /** The configured fields that differ, classified. */
  changeSet: ContainerChangeSet;
  /** The converge plan against the container as last observed (undefined in state without an observation). */
  drift: ApplyPlan | undefined;
  /** True when the node differs from an unchanged config (someone changed it by hand, or it was found stopped). */
  drifted: boolean;
  /** Keys left waiting for a restart under restart_policy never: settled until someone restarts, so no change. */
  waiting: string[];
  /** What preview says, one line each, without the log prefix. */
  lines: string[];
}

/** Decides the diff of the stored container `olds` (after refresh: the live one) against the program's `news`. */
export function decideContainerDiff(olds: StoredContainer, news: ContainerInputs): ContainerDiffDecision {
  const running = olds.observed?.running ?? olds.running;
  // A stopped container is drift when its run state is managed (`started`, core/container/run-state).
  const desired = planDesiredForDiff(olds, news);
  const drift = olds.observed ? planApply(olds.observed, { ...desired, running: planConvergeRunning(news, olds.observed.running, false) }) : undefined;
  const changeSet = settleRestarts(classifyContainerChanges(olds, desired, running), drift);
  // PVE cannot make it (a disk shrink): refused here, so preview says so instead of the up failing half-way.
  const refused = planRefusals(changeSet, drift);
  // With restart_policy never, a change already waiting for a restart is settled until someone restarts the
  // container: reported, not a change (else every up would "apply" it again and take a new snapshot).
  const waiting = news.restartPolicy === "never" ? drift?.needsRestart ?? [] : [];
  const drifted = drift !== undefined && !isEmptyPlan({ ...drift, needsRestart: waiting.length ? [] : drift.needsRestart }) && changeSet.changed.length === 0;
  // Only a start (found stopped, `started` true): the container's key stays, so nothing after it runs (`stables`).
  const onlyStart = changeSet.changed.length === 1 && changeSet.changed[0] === "running" && desired.running && (drift === undefined || isEmptyPlan({ ...drift, power: undefined }));
  const decision = { changes: changeSet.changed.length > 0 || drifted, replaces: changeSet.replace, onlyStart, refused, changeSet, drift, drifted, waiting };
  return { ...decision, lines: describeDecision(decision, olds, news, desired) };
}

/**
 * A field's class says a change of it waits for a restart; the plan against the container as observed says whether
 * this one does. Restoring a field whose edit is still pending (under restart_policy never) drops the pending change
 * and restarts nothing: preview must not promise a restart the up will not make.
 */
function settleRestarts(changeSet: ContainerChangeSet, drift: ApplyPlan | undefined): ContainerChangeSet {
  if (!drift || drift.needsRestart.length > 0 || changeSet.restart.length === 0) return changeSet;
  return { ...changeSet, live: [...changeSet.live, ...changeSet.restart], restart: [] };
}

/** The lines preview prints for a decision: the changed fields or the drift, the start, what waits, disk notes. */
function describeDecision(d: Omit<ContainerDiffDecision, "lines">, olds: StoredContainer, news: ContainerInputs, desired: ContainerInputs): string[] {
  const lines: string[] = [];
  const where = `CT ${news.vmid} on ${news.node}`;
  const { changeSet, drift } = d;
  if (d.changes) {
    if (d.drifted) {
      const driftText = [...drift!.changes, ...drift!.needsRestart.map((k) => `${k} pending until a restart`), ...(drift!.power === "start" ? ["found stopped: it will be started"] : [])].join("; ");
      lines.push(`${where}: drift — ${driftText}`);
    } else {
      // `running` has a line of its own, below.
      const fields = { ...changeSet, changed: changeSet.changed.filter((f) => f !== "running") };
      if (fields.changed.length) lines.push(describeChangeSet(news.vmid, fields, news.restartPolicy, olds, desired));
    }
    if (changeSet.changed.includes("running")) lines.push(`${where}: running: ${olds.running} → ${desired.running} (found ${olds.running ? "running" : "stopped"}; "started" is true)`);
  } else if (d.waiting.length) {
    lines.push(`${where}: ${d.waiting.join(", ")} pending until the container restarts (restart_policy: never; 'phoenix restart ${news.vmid}' applies it)`);
  }
  for (const r of drift?.refusals ?? []) lines.push(`note: ${r}; until then the disk stays as it is`);
  return lines;
}
