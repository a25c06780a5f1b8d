/**
 * Whose container a VMID is, decided from its description before a create adopts it or a destroy removes it.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkAdoptable, checkDestroyable } from "../../core/container/ownership-checks";
import { ownershipMarker } from "../../core/container/desired-options";
import { PhoenixError } from "../../core/errors";

const target = { vmid: 950, node: "pve1", owner: "phoenix-lxc/dev", adopt: false };
const conflict = (message: RegExp, hint: RegExp) => (e: unknown) => e instanceof PhoenixError && e.code === "ownership-conflict" && message.test(e.message) && hint.test(e.hint ?? "");

describe("container ownership", () => {
  it("adopts a container carrying this stack's marker, or any when the config says adopt", () => {
    assert.doesNotThrow(() => checkAdoptable(target, `${ownershipMarker("phoenix-lxc/dev")}\nnotes`));
    assert.doesNotThrow(() => checkAdoptable({ ...target, adopt: true }, "made by hand"));
  });

  it("refuses a stranger's container and another stack's, naming the owner and the way out", () => {
    assert.throws(() => checkAdoptable(target, "made by hand"), conflict(/^CT 950 already exists on node 'pve1' and is not managed by phoenix-lxc/, /set "adopt": true on container 950/));
    assert.throws(() => checkAdoptable(target, ownershipMarker("phoenix-lxc/prod")), conflict(/is managed by 'phoenix-lxc\/prod'/, /destroy it from the stack 'phoenix-lxc\/prod'/));
  });

  it("destroys its own or an unmarked container, never one another stack now manages", () => {
    assert.doesNotThrow(() => checkDestroyable(target, ownershipMarker("phoenix-lxc/dev")));
    assert.doesNotThrow(() => checkDestroyable(target, undefined));
    assert.throws(() => checkDestroyable(target, ownershipMarker("phoenix-lxc/prod")), conflict(/^CT 950 on pve1 is now managed by 'phoenix-lxc\/prod', not 'phoenix-lxc\/dev'; not destroying it/, /pulumi state delete <urn>/));
  });
});
