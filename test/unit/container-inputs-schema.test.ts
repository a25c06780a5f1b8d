/**
 * The container resource's `check` judges every value format as the config file's schema does: one pattern per
 * fact (core/config/constants.ts), so a value the loader accepts is never refused by the provider and the other
 * way round.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { findContainerInputFailures } from "../../core/container/inputs-schema";
import { buildContainerSchema } from "../../core/config/schema-container";
import { UNKNOWN } from "../../core/unknown";
import { baseInputs } from "./container-changes.test";

/** True when the config schema accepts `value` for the container field `field`. */
const configAccepts = (field: string, value: unknown) => buildContainerSchema().shape[field as keyof ReturnType<typeof buildContainerSchema>["shape"]].safeParse(value).success;
const checkFails = (inputs: ReturnType<typeof baseInputs>, property: string) => findContainerInputFailures(inputs).some((f) => f.property === property);
const clone = (snapname: string) => baseInputs({ source: { kind: "clone", fromVmid: 900, snapname } });

describe("container input check, on the config's formats", () => {
  it("accepts the inputs a config yields", () => {
    assert.deepEqual(findContainerInputFailures(baseInputs()), []);
    assert.deepEqual(findContainerInputFailures(clone("final-form")), []);
  });

  it("judges hostnames as the config's name does", () => {
    for (const name of ["web", "web-1", "a.example.org", "a..b", "-web", "web-", "web_1", "", `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.e`]) {
      assert.equal(checkFails(baseInputs({ hostname: name }), "hostname"), !configAccepts("name", name), name);
    }
  });

  it("judges clone snapshot names as the config's template_snapshot_name does", () => {
    for (const name of ["final-form", "a1", "a", "1abc", "current", "vzdump", "x".repeat(40), "x".repeat(41), "with space"]) {
      assert.equal(checkFails(clone(name), "source.snapname"), !configAccepts("template_snapshot_name", name), name);
    }
  });

  it("judges raw lxc lines, memory and cores as the config does", () => {
    for (const line of ["lxc.cgroup2.devices.allow=c 195:* rwm", "lxc.idmap: u 0 100000 65536", "lxc.Mount.entry=x", "lxc.mount.entry", "lxc.a=b\nlxc.c=d", "mount.entry=x"]) {
      assert.equal(checkFails(baseInputs({ lxcOptions: [line] }), "lxcOptions.0"), !configAccepts("lxc_options", [line]), line);
    }
    for (const memoryMiB of [15, 16, 1024]) assert.equal(checkFails(baseInputs({ memoryMiB }), "memoryMiB"), !configAccepts("memory_mb", memoryMiB), String(memoryMiB));
    for (const cores of [0, 1, 8192, 8193]) assert.equal(checkFails(baseInputs({ cores }), "cores"), !configAccepts("cores", cores), String(cores));
  });

  it("takes a VMID from 100 to 999999999, as the config's keys", () => {
    for (const vmid of [5, 99, 100, 999999999, 1000000000]) assert.equal(checkFails(baseInputs({ vmid }), "vmid"), !(vmid >= 100 && vmid <= 999999999), String(vmid));
  });

  it("reports an input once, with every rule it breaks", () => {
    const failures = findContainerInputFailures(baseInputs({ lxcOptions: ["lxc.x = a\n$(touch /tmp/x)"] }));
    assert.deepEqual(failures.map((f) => f.property), ["lxcOptions.0"]);
    assert.match(failures[0]!.reason, /raw line .*; no newlines/);
  });

  it("does not judge a value preview cannot know yet", () => {
    assert.deepEqual(findContainerInputFailures(baseInputs({ hostname: UNKNOWN })), []);
  });
});
