/**
 * What an engine operation did to each resource, from its events: the preview's promised steps and the up's
 * performed steps in one comparable shape.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";

/** Collects engine events of one operation. */
export class OpsRecorder {
  /** Resource name → the ops the engine announced for it (other than `same`), in event order. */
  readonly ops = new Map<string, string[]>();
  /** Provider diagnostics (`[phoenix] …` lines) of the operation. */
  readonly diagnostics: string[] = [];
  /** Pass as `onEvent`. */
  readonly onEvent = (e: EngineEvent): void => {
    if (e.diagnosticEvent) this.diagnostics.push(e.diagnosticEvent.message);
    const meta = e.resourcePreEvent?.metadata;
    if (!meta || meta.op === "same" || meta.type === "pulumi:pulumi:Stack") return;
    const name = meta.urn.slice(meta.urn.lastIndexOf("::") + 2);
    const list = this.ops.get(name) ?? [];
    if (!list.includes(meta.op)) list.push(meta.op);
    this.ops.set(name, list);
  };

  /** `name: op,op` lines, sorted: the steps as a set, for comparing a preview with an up. */
  steps(): string[] {
    return [...this.ops.entries()].map(([name, ops]) => `${name}: ${[...ops].sort().join(",")}`).sort();
  }
}
