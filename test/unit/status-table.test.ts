import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatStatusTable } from "../../cli/commands/status";

describe("phoenix status table", () => {
  it("shows the changes waiting for a restart per container, '-' when none", () => {
    const text = formatStatusTable([
      { ctid: 955, hostname: "web", node: "pve2", status: "running", lastSnapshot: "phx-20260101T000000Z", pendingRestart: ["nameserver", "features"] },
      { ctid: 956, hostname: "db", node: "pve2", status: "running" },
    ]);
    const [head, a, b] = text.split("\n");
    assert.match(head!, /STATUS +LAST SNAPSHOT +PENDING RESTART$/);
    assert.match(a!, /^955 .* phx-20260101T000000Z +nameserver,features$/);
    assert.match(b!, /^956 .* - +-$/);
  });
});
