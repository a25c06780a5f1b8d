import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseInventory } from "../../core/node-inventory";
import { ParseError } from "../../core/errors";
import { parseConfFile } from "../../core/conf-file";
import { pendingChangesOf, snapshotListOf } from "../../core/conf-views";

const LIST = [
  "VMID       Status     Lock         Name                ",
  "100        running                 web01               ",
  "101        stopped    backup       db                  ",
  "102        stopped                 gone                ",
  "",
].join("\n");
const frame = (file: string, text: string, code = 0) => `${file}\0${text}\0${code}\0`;

describe("node inventory parsing", () => {
  it("pairs each listed container with its config text, byte for byte", () => {
    const inv = parseInventory(LIST, frame("100.conf", "arch: amd64\nhostname: web01\n") + frame("101.conf", "lock: backup\n") + frame("102.conf", "x", 1));
    assert.deepEqual(inv.containers.get(100), { status: "running", confText: "arch: amd64\nhostname: web01\n" });
    assert.deepEqual(inv.containers.get(101), { status: "stopped", lock: "backup", confText: "lock: backup\n" });
    assert.deepEqual([...inv.uncertain], [102], "an unreadable file is not a missing container");
  });

  it("marks containers seen by only one of the two reads as uncertain, and ignores other files", () => {
    const inv = parseInventory(LIST, frame("100.conf", "a: 1\n") + frame("101.conf", "") + frame("103.conf", "new: 1\n") + frame("notes.conf", "x"));
    assert.deepEqual([...inv.uncertain].sort(), [102, 103]);
    assert.equal(inv.containers.has(103), false);
  });

  it("an empty node has no containers", () => {
    const inv = parseInventory("", "");
    assert.equal(inv.containers.size, 0);
    assert.equal(inv.uncertain.size, 0);
  });

  it("refuses output cut off inside a frame", () => {
    assert.throws(() => parseInventory(LIST, frame("100.conf", "a: 1\n").slice(0, -3)), ParseError);
  });
});

describe("config file views", () => {
  it("a pending description replaces the current one; a pending deletion of it reads as null", () => {
    const conf = parseConfFile("#old\narch: amd64\n\n[pve:pending]\n#new%3A text\nmemory: 512\n");
    assert.deepEqual(pendingChangesOf(conf), { memory: "512", description: "new: text\n" });
    const deleting = parseConfFile("#old\narch: amd64\n\n[pve:pending]\ndelete: description\n");
    assert.deepEqual(pendingChangesOf(deleting), { description: null });
  });

  it("a snapshot without snaptime has an unknown time, as pvesh's 0 reads", () => {
    const text = "arch: amd64\nparent: base\n\n[base]\narch: amd64\nsnapstate: prepare\n";
    const list = snapshotListOf(parseConfFile(text), text);
    assert.deepEqual(list.snapshots, [{ name: "base", description: "", snapstate: "prepare" }]);
    assert.equal(list.head!.parent, "base");
    assert.match(list.head!.digest!, /^[0-9a-f]{40}$/);
  });
});
