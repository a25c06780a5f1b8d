import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { FeatureRootfs, RootFlavour } from "../fixtures/feature-states/rootfs";
import { withGpuDevices, withNvcc, withNvidiaSmi } from "../fixtures/feature-states/states";

const VERSION = "580.76.05";
const ENV = { PHX_NVIDIA_DRIVER_VERSION: VERSION, PHX_NVIDIA_GPUS: "0" };

function reason(stdout: string): string {
  assert.match(stdout, /^[^\n]+\n$/, `expected one line, got ${JSON.stringify(stdout)}`);
  return stdout.trimEnd();
}

// Each case runs under busybox ash and under dash, the /bin/sh of Debian and Ubuntu containers.
for (const flavour of ["busybox", "debian"] as RootFlavour[]) {
describe(`nvidia guard (${flavour})`, () => {
  let root: FeatureRootfs;
  beforeEach(() => {
    root = FeatureRootfs.create(flavour);
  });
  afterEach(() => root.remove());

  it("passes with the devices present, the wanted driver on every GPU and nvcc installed", () => {
    withGpuDevices(root, [0, 1]);
    withNvidiaSmi(root, [VERSION, VERSION]);
    withNvcc(root);
    const run = root.runScript("nvidia", "guard", { ...ENV, PHX_NVIDIA_GPUS: "0,1" });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.stdout, "");
  });

  it("reports everything missing in a container without passthrough or driver", () => {
    const run = root.runScript("nvidia", "guard", ENV);
    assert.equal(run.code, 1);
    assert.equal(
      reason(run.stdout),
      "GPU devices not passed through: /dev/nvidiactl /dev/nvidia0; nvidia-smi not installed; " +
        "CUDA toolkit not installed (/usr/local/cuda/bin/nvcc missing)",
    );
  });

  it("reports a missing driver when the devices are passed through", () => {
    withGpuDevices(root, [0]);
    withNvcc(root);
    const run = root.runScript("nvidia", "guard", ENV);
    assert.equal(run.code, 1);
    assert.equal(reason(run.stdout), "nvidia-smi not installed");
  });

  it("reports nvidia-smi failing when the userspace does not match the node's module", () => {
    withGpuDevices(root, [0]);
    withNvidiaSmi(root, [], "Failed to initialize NVML: Driver/library version mismatch");
    withNvcc(root);
    const run = root.runScript("nvidia", "guard", ENV);
    assert.equal(run.code, 1);
    assert.equal(reason(run.stdout), "nvidia-smi failed: Failed to initialize NVML: Driver/library version mismatch");
  });

  it("reports a wrong driver version even when only one GPU has it", () => {
    withGpuDevices(root, [0, 1]);
    withNvidiaSmi(root, [VERSION, "570.86.10"]);
    withNvcc(root);
    const run = root.runScript("nvidia", "guard", { ...ENV, PHX_NVIDIA_GPUS: "0,1" });
    assert.equal(run.code, 1);
    assert.equal(reason(run.stdout), `driver version 570.86.10, wanted ${VERSION}`);
  });

  it("compares versions exactly, not as prefixes", () => {
    withGpuDevices(root, [0]);
    withNvidiaSmi(root, ["580.76.050"]);
    withNvcc(root);
    assert.equal(root.runScript("nvidia", "guard", ENV).code, 1);
  });

  it("reports a driver that lists no GPU", () => {
    withGpuDevices(root, [0]);
    withNvidiaSmi(root, []);
    withNvcc(root);
    const run = root.runScript("nvidia", "guard", ENV);
    assert.equal(reason(run.stdout), "nvidia-smi lists no GPU");
  });

  it("reports a missing CUDA toolkit when the driver is right", () => {
    withGpuDevices(root, [0]);
    withNvidiaSmi(root, [VERSION]);
    const run = root.runScript("nvidia", "guard", ENV);
    assert.equal(run.code, 1);
    assert.equal(reason(run.stdout), "CUDA toolkit not installed (/usr/local/cuda/bin/nvcc missing)");
  });

  it("requires each assigned GPU's device, accepting spaces in the list as the original data has them", () => {
    withGpuDevices(root, [0]);
    withNvidiaSmi(root, [VERSION]);
    withNvcc(root);
    const run = root.runScript("nvidia", "guard", { ...ENV, PHX_NVIDIA_GPUS: "0, 1" });
    assert.equal(run.code, 1);
    assert.equal(reason(run.stdout), "GPU devices not passed through: /dev/nvidia1");
  });

  it("does not accept an empty file where the device should be (a bind mount of an absent host node)", () => {
    withGpuDevices(root, []);
    root.writeFile("/dev/nvidia0", "");
    withNvidiaSmi(root, [VERSION]);
    withNvcc(root);
    const run = root.runScript("nvidia", "guard", ENV);
    assert.equal(reason(run.stdout), "GPU devices not passed through: /dev/nvidia0");
  });

  it("checks only /dev/nvidiactl when gpu_assignment is none", () => {
    withGpuDevices(root, []);
    withNvidiaSmi(root, [VERSION]);
    withNvcc(root);
    assert.equal(root.runScript("nvidia", "guard", { ...ENV, PHX_NVIDIA_GPUS: "none" }).code, 0);
  });

  it("refuses to run without the wanted driver version (exit 2)", () => {
    const run = root.runScript("nvidia", "guard", { PHX_NVIDIA_GPUS: "0" });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /PHX_NVIDIA_DRIVER_VERSION is not set/);
  });
});
}
