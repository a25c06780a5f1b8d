import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isEmptyPlan, ObservedContainer, planApply, planSetCalls } from "../../core/container/apply-plan";
import { buildDesiredOptions } from "../../core/container/desired-options";
import { buildDesiredRawLines } from "../../core/container/raw-lines";
import { ContainerInputs } from "../../core/container/inputs";
import { baseInputs } from "./container-changes.test";

/** The live state PVE would report for a container converged to `inputs` (PVE's own additions included). */
export function convergedObserved(inputs: ContainerInputs, over: Partial<ObservedContainer> = {}): ObservedContainer {
  const options: Record<string, string> = { ...buildDesiredOptions(inputs) } as Record<string, string>;
  delete options.description;
  if (options.net0) options.net0 = options.net0.replace("ip=", "hwaddr=BC:24:11:AA:BB:CC,ip=") + ",type=veth";
  options.rootfs = `local-lvm:vm-${inputs.vmid}-disk-0,size=${inputs.rootfsGiB}G`;
  inputs.volumes.forEach((v, i) => { options[`mp${i}`] = `${v.storage}:vm-${inputs.vmid}-disk-${i + 1},mp=${v.mountPoint},size=${v.sizeGiB}G`; });
  return {
    exists: true, running: inputs.running, options, pending: {}, rawLines: buildDesiredRawLines(inputs),
    description: `phoenix-lxc managed-by=${inputs.owner}\n`,
    apparmorFile: inputs.apparmor && inputs.apparmor !== "unconfined" ? inputs.apparmor.content : undefined,
    ...over,
  };
}

const withVolume = baseInputs({ volumes: [{ mountPoint: "/data", storage: "local-lvm", sizeGiB: 4 }] });

describe("container apply plan", () => {
  it("is empty for a converged container, so a second run makes no mutating call", () => {
    const inputs = baseInputs({ volumes: withVolume.volumes, lxcOptions: ["lxc.mount.entry = /dev/fuse dev/fuse none bind,create=file"], gpus: [0, 1] });
    assert.ok(isEmptyPlan(planApply(convergedObserved(inputs), inputs)));
  });

  it("sets memory on a running container without a restart", () => {
    const plan = planApply(convergedObserved(baseInputs()), baseInputs({ memoryMiB: 2048 }));
    assert.deepEqual(plan.set, { memory: "2048" });
    assert.deepEqual(plan.needsRestart, []);
  });

  it("marks pct features as waiting for a restart on a running container only", () => {
    const change = { features: ["nesting=1", "keyctl=1"] };
    assert.deepEqual(planApply(convergedObserved(baseInputs()), baseInputs(change)).needsRestart, ["features"]);
    const stopped = baseInputs({ running: false });
    assert.deepEqual(planApply(convergedObserved(stopped), baseInputs({ ...change, running: false })).needsRestart, []);
  });

  it("does not set again a change already pending, but still wants the restart", () => {
    const observed = convergedObserved(baseInputs(), { pending: { features: "nesting=1,keyctl=1" } });
    const plan = planApply(observed, baseInputs({ features: ["nesting=1", "keyctl=1"] }));
    assert.deepEqual(plan.set, {});
    assert.deepEqual(plan.needsRestart, ["features"]);
  });

  it("drops a pending change the config takes back with --revert, not --delete, and wants no restart", () => {
    // A key with no applied value and a pending one: PVE's --delete would leave the pending value in place.
    const none = baseInputs({ features: [] });
    const added = planApply(convergedObserved(none, { pending: { features: "keyctl=1" } }), none);
    assert.deepEqual([added.revert, added.delete, added.set, added.needsRestart], [["features"], [], {}, []]);
    // A pending delete of an applied value the config keeps.
    const inputs = baseInputs({ features: ["nesting=1"] });
    const kept = planApply(convergedObserved(inputs, { pending: { features: null } }), inputs);
    assert.deepEqual([kept.revert, kept.delete, kept.set, kept.needsRestart], [["features"], [], {}, []]);
    assert.equal(isEmptyPlan(kept), false);
  });

  it("deletes a key whose new value is still pending in two calls: the revert first, else a restart would apply the value", () => {
    const inputs = baseInputs({ nameservers: [] });
    const observed = convergedObserved(inputs, { options: { ...convergedObserved(inputs).options, nameserver: "1.1.1.1" }, pending: { nameserver: "9.9.9.9" } });
    const plan = planApply(observed, inputs);
    assert.deepEqual([plan.delete, plan.revert], [["nameserver"], ["nameserver"]]);
    assert.deepEqual(planSetCalls(plan), [{ set: {}, delete: [], revert: ["nameserver"] }, { set: {}, delete: ["nameserver"], revert: [] }]);
    assert.deepEqual(planSetCalls({ set: { memory: "512" }, delete: ["swap"], revert: ["features"] }), [{ set: { memory: "512" }, delete: ["swap"], revert: ["features"] }]);
    assert.deepEqual(planSetCalls({ set: {}, delete: [], revert: [] }), []);
  });

  it("accepts the MAC and type that PVE adds to net0", () => {
    const plan = planApply(convergedObserved(baseInputs()), baseInputs());
    assert.equal(plan.set.net0, undefined);
  });

  it("finds an existing volume by its mount path and allocates nothing", () => {
    const plan = planApply(convergedObserved(withVolume), withVolume);
    assert.deepEqual(Object.keys(plan.set).filter((k) => k.startsWith("mp")), []);
  });

  it("puts a new volume into the lowest free slot with the allocation syntax", () => {
    const inputs = baseInputs({ volumes: [...withVolume.volumes, { mountPoint: "/models", storage: "local-zfs", sizeGiB: 50 }] });
    const plan = planApply(convergedObserved(withVolume), inputs);
    assert.deepEqual(plan.set, { mp1: "local-zfs:50,mp=/models" });
  });

  it("grows a volume and the root disk in place and refuses to shrink", () => {
    const grown = baseInputs({ rootfsGiB: 16, volumes: [{ mountPoint: "/data", storage: "local-lvm", sizeGiB: 8 }] });
    assert.deepEqual(planApply(convergedObserved(withVolume), grown).resize, [{ disk: "rootfs", sizeGiB: 16 }, { disk: "mp0", sizeGiB: 8 }]);
    const shrunk = planApply(convergedObserved(baseInputs({ rootfsGiB: 16 })), baseInputs({ rootfsGiB: 8 }));
    assert.equal(shrunk.refusals.length, 1);
  });

  it("keeps raw lxc values with spaces whole and removes lines the config no longer lists", () => {
    const before = baseInputs({ lxcOptions: ["lxc.mount.auto = proc:rw sys:rw", "lxc.cap.drop ="] });
    const after = baseInputs({ lxcOptions: ["lxc.mount.auto = proc:rw sys:rw"] });
    const plan = planApply(convergedObserved(before), after);
    assert.deepEqual(plan.rawLines, ["lxc.mount.auto: proc:rw sys:rw"]);
  });

  it("adds GPU passthrough lines on assignment and removes them on unassignment", () => {
    const gpu = baseInputs({ gpus: [1] });
    const add = planApply(convergedObserved(baseInputs()), gpu);
    assert.ok(add.rawLines?.includes("lxc.mount.entry: /dev/nvidia1 dev/nvidia1 none bind,optional,create=file"));
    assert.ok(add.rawLines?.includes("lxc.cgroup2.devices.allow: c 195:* rwm"));
    assert.deepEqual(planApply(convergedObserved(gpu), baseInputs()).rawLines, []);
  });

  it("writes unconfined explicitly instead of dropping the profile line", () => {
    const plan = planApply(convergedObserved(baseInputs()), baseInputs({ apparmor: "unconfined" }));
    assert.deepEqual(plan.rawLines, ["lxc.apparmor.profile: unconfined"]);
  });

  it("pushes a custom AppArmor profile whose file differs and adds the nesting lines", () => {
    const apparmor = { name: "lxc-phoenix-v2", fileName: "lxc-phoenix-v2", content: "profile lxc-phoenix-v2 {}\n" };
    const plan = planApply(convergedObserved(baseInputs()), baseInputs({ apparmor, apparmorManagesNesting: true }));
    assert.deepEqual(plan.apparmorFile, { path: "/etc/apparmor.d/lxc-phoenix-v2", content: apparmor.content });
    assert.deepEqual(plan.rawLines, ["lxc.apparmor.profile: lxc-phoenix-v2", "lxc.apparmor.allow_nesting: 1", "lxc.include: /usr/share/lxc/config/nesting.conf"]);
  });

  it("repairs a description whose marker was removed and keeps the user's notes", () => {
    const plan = planApply(convergedObserved(baseInputs(), { description: "my notes\n" }), baseInputs());
    assert.equal(plan.set.description, "phoenix-lxc managed-by=phoenix-lxc/dev\nmy notes");
  });

  it("starts a stopped container that should run", () => {
    assert.equal(planApply(convergedObserved(baseInputs({ running: false })), baseInputs()).power, "start");
  });
});

describe("mount points with pending changes (a running container under restart_policy never)", () => {
  const bind = (over: Partial<{ hostPath: string; readOnly: boolean }> = {}) => baseInputs({ bindMounts: [{ hostPath: "/srv/a", mountPoint: "/mnt/a", ...over }] });
  const observedWith = (inputs: ContainerInputs, mp0: string, pending: Record<string, string | null>) =>
    convergedObserved(inputs, { options: { ...convergedObserved(inputs).options, mp0 }, pending });

  it("does not send again a mount change already pending, but still wants the restart", () => {
    const plan = planApply(observedWith(bind({ readOnly: true }), "/srv/a,mp=/mnt/a", { mp0: "/srv/a,mp=/mnt/a,ro=1" }), bind({ readOnly: true }));
    assert.deepEqual([plan.set, plan.revert, plan.needsRestart], [{}, [], ["mp0"]]);
  });

  it("drops a pending change of a mount the config restored, restarting nothing", () => {
    const plan = planApply(observedWith(bind(), "/srv/a,mp=/mnt/a", { mp0: "/srv/b,mp=/mnt/a" }), bind());
    assert.deepEqual([plan.set, plan.delete, plan.revert, plan.needsRestart], [{}, [], ["mp0"], []]);
  });

  it("keeps a mount whose detach is pending when the config asks for it again", () => {
    const plan = planApply(observedWith(bind(), "/srv/a,mp=/mnt/a", { mp0: null }), bind());
    assert.deepEqual([plan.set, plan.delete, plan.revert, plan.needsRestart], [{}, [], ["mp0"], []]);
  });

  it("a pending detach the config still wants waits; a pending new value of an unwanted mount is dropped before the detach", () => {
    const none = baseInputs();
    const waiting = planApply(observedWith(none, "/srv/a,mp=/mnt/a", { mp0: null }), none);
    assert.deepEqual([waiting.delete, waiting.revert, waiting.needsRestart], [[], [], ["mp0"]]);
    const changed = planApply(observedWith(none, "/srv/a,mp=/mnt/a", { mp0: "/srv/b,mp=/mnt/a" }), none);
    assert.deepEqual(planSetCalls(changed), [{ set: {}, delete: [], revert: ["mp0"] }, { set: {}, delete: ["mp0"], revert: [] }]);
  });

  it("a volume moved to another storage while the move is pending: nothing sent again, the new slot not taken twice", () => {
    const moved = baseInputs({ volumes: [{ mountPoint: "/data", storage: "local-zfs", sizeGiB: 4 }, { mountPoint: "/logs", storage: "local-lvm", sizeGiB: 1 }] });
    const { mp1: _notYet, ...applied } = convergedObserved(moved).options;
    const observed = convergedObserved(moved, { options: { ...applied, mp0: "local-lvm:vm-950-disk-1,mp=/data,size=4G" }, pending: { mp0: "local-zfs:4,mp=/data", mp1: "local-lvm:1,mp=/logs" } });
    const plan = planApply(observed, moved);
    assert.deepEqual([plan.set, plan.revert, plan.needsRestart], [{}, [], ["mp0", "mp1"]]);
  });
});
