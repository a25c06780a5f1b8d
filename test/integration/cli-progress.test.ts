/**
 * Progress lines and report shapes from engine events (fed by hand, with a fake clock): what `phoenix up`
 * prints per step, the live view on a terminal, and the `phoenix preview --json` grouping.
 */
import { formatDeletionNotice } from "../../core/retention/deletion-notice";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { formatElapsed, ProgressTracker } from "../../cli/progress";
import { buildContainerPreviews, countChanges, parseSnapshotDeletions, selectContainers } from "../../cli/commands/preview";
import { formatFailures, normaliseChanges } from "../../cli/engine";
import { tailOutput } from "../../cli/commands/test";

const URN = (name: string, type = "pulumi-nodejs:dynamic/phoenix:Feature") => `urn:pulumi:dev::phoenix-lxc::phoenix:lxc:Fleet$phoenix:lxc:Container$${type}::${name}`;
const meta = (urn: string, op: string) => ({ op, urn, type: urn.split("::")[2]!.split("$").pop()!, provider: "" }) as never;
const pre = (urn: string, op = "create"): EngineEvent => ({ sequence: 0, timestamp: 0, resourcePreEvent: { metadata: meta(urn, op) } });
const done = (urn: string, op = "create"): EngineEvent => ({ sequence: 0, timestamp: 0, resOutputsEvent: { metadata: meta(urn, op) } });
const failed = (urn: string): EngineEvent => ({ sequence: 0, timestamp: 0, resOpFailedEvent: { metadata: meta(urn, "create"), status: 1, steps: 1 } });
const diag = (message: string, severity: "info" | "error" | "warning" = "info", urn?: string): EngineEvent => ({ sequence: 0, timestamp: 0, diagnosticEvent: { message, severity, urn, color: "never" } });

function tracker(live = false) {
  let now = 1_000;
  let out = "";
  const t = new ProgressTracker({ write: (s) => void (out += s), live, now: () => now });
  return { t, advance: (ms: number) => void (now += ms), out: () => out };
}

describe("phoenix up progress", () => {
  it("prints one line per finished step with its elapsed time", () => {
    const { t, advance, out } = tracker();
    t.onEvent(pre(URN("ct-950-feature-docker")));
    advance(12_300);
    t.onEvent(done(URN("ct-950-feature-docker")));
    t.finish();
    assert.equal(out(), "✓ ct-950-feature-docker  12.3s\n");
  });

  it("marks a failed step with ✗ and keeps the engine's error for it", () => {
    const { t, advance, out } = tracker();
    const urn = URN("ct-950-feature-docker");
    t.onEvent(pre(urn));
    advance(2_000);
    t.onEvent(diag("verify failed: docker not active\n", "error", urn));
    t.onEvent(failed(urn));
    t.finish();
    assert.equal(out(), "✗ ct-950-feature-docker  2.0s\n");
    assert.deepEqual(t.errors.get(urn), ["verify failed: docker not active"]);
  });

  it("a failed run's report names the failed step and its error, without the engine's bare 'update failed'", () => {
    const { t } = tracker();
    const urn = URN("ct-950-feature-docker");
    t.onEvent(pre(urn));
    t.onEvent(diag("verify failed: docker not active\n", "error", urn));
    t.onEvent(failed(urn));
    t.onEvent(diag("update failed\n", "error", "urn:pulumi:dev::phoenix-lxc::pulumi:pulumi:Stack::phoenix-lxc-dev"));
    t.finish();
    assert.equal(formatFailures(t, "update failed"), "✗ ct-950-feature-docker:\n    verify failed: docker not active\n");
  });

  it("prints nothing for unchanged steps and for the stack and component resources", () => {
    const { t, out } = tracker();
    t.onEvent(pre(URN("ct-950-snapshot", "pulumi-nodejs:dynamic/phoenix:FinalSnapshot"), "same"));
    t.onEvent(done(URN("ct-950-snapshot", "pulumi-nodejs:dynamic/phoenix:FinalSnapshot"), "same"));
    t.onEvent(pre("urn:pulumi:dev::phoenix-lxc::phoenix:lxc:Fleet::fleet"));
    t.onEvent(done("urn:pulumi:dev::phoenix-lxc::phoenix:lxc:Fleet::fleet"));
    t.finish();
    assert.equal(out(), "");
  });

  it("names the op of a step that is not a create", () => {
    const { t, out } = tracker();
    t.onEvent(pre(URN("ct-950-container", "pulumi-nodejs:dynamic/phoenix:Container"), "update"));
    t.onEvent(done(URN("ct-950-container", "pulumi-nodejs:dynamic/phoenix:Container"), "update"));
    assert.match(out(), /^✓ ct-950-container \(update\)  0\.0s\n$/);
  });

  it("on a terminal, draws the steps in flight and erases them before the next line", () => {
    const { t, advance, out } = tracker(true);
    t.onEvent(pre(URN("ct-950-feature-docker")));
    t.onEvent(pre(URN("ct-951-feature-nvidia")));
    advance(1_000);
    t.onEvent(done(URN("ct-950-feature-docker")));
    t.finish();
    const text = out();
    assert.ok(text.includes("… ct-950-feature-docker  0.0s\n… ct-951-feature-nvidia  0.0s\n"), text);
    // The two live lines are erased (cursor up 2, clear) before the finished line is printed.
    assert.ok(text.includes("\x1b[2A\x1b[J✓ ct-950-feature-docker  1.0s\n… ct-951-feature-nvidia  1.0s\n"), JSON.stringify(text));
    assert.ok(text.endsWith("\x1b[1A\x1b[J"), "finish clears the live view");
  });

  it("collects [phoenix] diagnostics per container, with or without a URN", () => {
    const { t } = tracker();
    t.onEvent(diag("[phoenix] CT 950 on pve1: memory_mb 256 → 260 (live)\n"));
    t.onEvent(diag("[phoenix] CT 951 on pve2: retention will delete 2 snapshot(s): phx-a, phx-b\n", "info", URN("ct-951-retention")));
    t.onEvent(diag("unrelated engine chatter\n"));
    assert.deepEqual([...t.messages], [[950, ["CT 950 on pve1: memory_mb 256 → 260 (live)"]], [951, ["CT 951 on pve2: retention will delete 2 snapshot(s): phx-a, phx-b"]]]);
  });
});

describe("phoenix preview --json shape", () => {
  it("groups ops, messages and planned snapshot deletions by container", () => {
    const { t } = tracker();
    t.onEvent(pre(URN("ct-950-container", "pulumi-nodejs:dynamic/phoenix:Container"), "update"));
    t.onEvent(pre(URN("ct-950-retention", "pulumi-nodejs:dynamic/phoenix:SnapshotRetention"), "update"));
    t.onEvent(diag("[phoenix] CT 950 on pve1: retention will delete 2 snapshot(s): phx-1, phx-2"));
    t.onEvent(pre(URN("ct-951-container", "pulumi-nodejs:dynamic/phoenix:Container"), "same"));
    assert.deepEqual(buildContainerPreviews(t), {
      "950": {
        ops: [{ step: "ct-950-container", op: "update" }, { step: "ct-950-retention", op: "update" }],
        messages: ["CT 950 on pve1: retention will delete 2 snapshot(s): phx-1, phx-2"],
        snapshotDeletions: ["phx-1", "phx-2"],
      },
      "951": { ops: [{ step: "ct-951-container", op: "same" }], messages: [], snapshotDeletions: [] },
    });
  });

  it("lists steps only (no component), only the containers asked for, and counts exactly what it lists", () => {
    const { t } = tracker();
    const component = (ctid: number) => `urn:pulumi:dev::phoenix-lxc::phoenix:lxc:Fleet$phoenix:lxc:Container::ct-${ctid}`;
    t.onEvent(pre("urn:pulumi:dev::phoenix-lxc::phoenix:lxc:Fleet::fleet"));
    for (const ctid of [950, 951]) {
      t.onEvent(pre(component(ctid)));
      t.onEvent(pre(URN(`ct-${ctid}-container`, "pulumi-nodejs:dynamic/phoenix:Container")));
      t.onEvent(pre(URN(`ct-${ctid}-snapshot`, "pulumi-nodejs:dynamic/phoenix:FinalSnapshot")));
    }
    const shown = selectContainers(buildContainerPreviews(t), [951]);
    assert.deepEqual(Object.keys(shown), ["951"]);
    assert.deepEqual(shown["951"]!.ops.map((o) => o.step), ["ct-951-container", "ct-951-snapshot"]);
    assert.deepEqual(countChanges(shown), { create: 2, update: 0, replace: 0, delete: 0, same: 0 });
  });

  it("reads back exactly the names the retention notice was made of, and nothing from other lines", () => {
    fc.assert(fc.property(fc.array(fc.stringMatching(/^[a-z][a-z0-9_-]{1,39}$/), { maxLength: 12 }), (names) => {
      const notice = formatDeletionNotice(names);
      assert.deepEqual(notice === undefined ? [] : parseSnapshotDeletions([`CT 950 on pve1: ${notice}`]), notice === undefined ? [] : names);
      return notice === undefined ? names.length === 0 : true;
    }));
    assert.deepEqual(parseSnapshotDeletions(["CT 950 on pve1: memory_mb 256 → 260 (live)", "retention will delete 3 snapshot(s): a, b"]), []);
    assert.deepEqual(parseSnapshotDeletions(["[phoenix] CT 950 on pve1: retention will delete 1 snapshot(s): phx-a\n"]), ["phx-a"], "an engine diagnostic keeps its newline");
  });

  it("always reports the five change kinds, folding replacement ops into replace", () => {
    assert.deepEqual(normaliseChanges({ same: 4, "create-replacement": 1, "delete-replaced": 1, create: 2 }), { create: 2, update: 0, replace: 1, delete: 0, same: 4 });
  });
});

describe("small formatters", () => {
  it("elapsed times below a minute have one decimal, longer ones minutes and seconds", () => {
    assert.deepEqual([formatElapsed(0), formatElapsed(12_345), formatElapsed(125_000)], ["0.0s", "12.3s", "2m05s"]);
  });

  it("a test's output tail keeps at most the last N lines of stdout then stderr", () => {
    fc.assert(fc.property(fc.array(fc.stringMatching(/^[a-z]{0,5}$/), { maxLength: 40 }), fc.integer({ min: 1, max: 10 }), (lines, n) => {
      const tail = tailOutput(lines.map((l) => `${l}\n`).join(""), "err\n", n);
      return tail.split("\n").length <= n && tail.endsWith("err");
    }));
  });
});
