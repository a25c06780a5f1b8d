/**
 * Keys that take effect only at a restart: what a converge does about them, and what a refresh reads back.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { planRefreshedPendingRestart, planRestartAction } from "../../core/container/restart-plan";

describe("restart plan", () => {
  const needs = { needsRestart: ["features"] };
  it("restarts a running container under restart_policy restart and leaves the keys pending under never", () => {
    assert.equal(planRestartAction(needs, true, { running: true, restartPolicy: "restart" }), "restart");
    assert.equal(planRestartAction(needs, true, { running: true, restartPolicy: "never" }), "pending");
  });
  it("does nothing when no key needs it, or the container is stopped or to be stopped", () => {
    assert.equal(planRestartAction({ needsRestart: [] }, true, { running: true, restartPolicy: "restart" }), "none");
    assert.equal(planRestartAction(needs, false, { running: true, restartPolicy: "restart" }), "none");
    assert.equal(planRestartAction(needs, true, { running: false, restartPolicy: "restart" }), "none");
  });
  it("a refresh reads PVE's pending keys and remembers raw lines and the AppArmor file until the container is seen stopped", () => {
    assert.deepEqual(planRefreshedPendingRestart({ running: true, pending: { nameserver: "9.9.9.9" } }, ["lxc", "apparmor", "memory"]), ["nameserver", "lxc", "apparmor"]);
    assert.deepEqual(planRefreshedPendingRestart({ running: false, pending: {} }, ["lxc", "apparmor"]), []);
    assert.deepEqual(planRefreshedPendingRestart({ running: true, pending: {} }, undefined), []);
  });
});
