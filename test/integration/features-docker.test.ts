import { describe, it, beforeEach, afterEach, before, after } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FeatureRootfs, RootFlavour } from "../fixtures/feature-states/rootfs";
import { withDaemonJson, withDockerCli, withNvidiaContainerRuntime, withSystemd } from "../fixtures/feature-states/states";

function reason(stdout: string): string {
  assert.match(stdout, /^[^\n]+\n$/, `expected one line, got ${JSON.stringify(stdout)}`);
  return stdout.trimEnd();
}

const NVIDIA_JSON = JSON.stringify(
  { "storage-driver": "fuse-overlayfs", "default-runtime": "nvidia", runtimes: { nvidia: { path: "/usr/bin/nvidia-container-runtime", runtimeArgs: [] } } },
  null,
  2,
);

// Every case runs with jq in the container and with the awk reader minimal templates fall back to, the latter
// under busybox (ash, awk) and under Debian's dash and mawk.
const VARIANTS: { jq: boolean; flavour: RootFlavour }[] = [
  { jq: false, flavour: "busybox" },
  { jq: false, flavour: "debian" },
  { jq: true, flavour: "debian" },
];
for (const { jq, flavour } of VARIANTS) {
  describe(`docker guard (${flavour}, ${jq ? "jq" : "no jq: awk reader"})`, () => {
    let root: FeatureRootfs;
    beforeEach(() => {
      root = FeatureRootfs.create(flavour);
      if (jq) root.copyHostBinary("/usr/bin/jq", "/usr/bin/jq");
    });
    afterEach(() => root.remove());

    it("passes with docker active under systemd and the default storage driver in daemon.json", () => {
      withSystemd(root, { docker: "active" });
      withDockerCli(root, true);
      withDaemonJson(root, '{"storage-driver": "fuse-overlayfs"}\n');
      const run = root.runScript("docker", "guard");
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.equal(run.stdout, "");
    });

    it("reports docker absent", () => {
      withSystemd(root, {});
      const run = root.runScript("docker", "guard");
      assert.equal(run.code, 1);
      assert.equal(reason(run.stdout), "docker not installed; /etc/docker/daemon.json missing (wanted storage-driver fuse-overlayfs)");
    });

    it("reports docker installed but its service stopped", () => {
      withSystemd(root, { docker: "inactive" });
      withDockerCli(root, false);
      withDaemonJson(root, '{"storage-driver": "fuse-overlayfs"}');
      const run = root.runScript("docker", "guard");
      assert.equal(run.code, 1);
      assert.equal(reason(run.stdout), "docker service not active (inactive)");
    });

    it("without systemd, reports a daemon that does not answer", () => {
      withDockerCli(root, false);
      withDaemonJson(root, '{"storage-driver": "fuse-overlayfs"}');
      const run = root.runScript("docker", "guard");
      assert.equal(run.code, 1);
      assert.equal(reason(run.stdout), "docker daemon not answering (no systemd; docker info failed)");
    });

    it("without systemd, passes when the daemon answers", () => {
      withDockerCli(root, true);
      withDaemonJson(root, '{"storage-driver": "fuse-overlayfs"}');
      assert.equal(root.runScript("docker", "guard").code, 0);
    });

    it("reports the wrong storage driver", () => {
      withSystemd(root, { docker: "active" });
      withDockerCli(root, true);
      withDaemonJson(root, '{"log-driver": "journald", "storage-driver": "overlay2"}');
      const run = root.runScript("docker", "guard");
      assert.equal(run.code, 1);
      assert.equal(reason(run.stdout), "storage-driver is 'overlay2' in /etc/docker/daemon.json, wanted 'fuse-overlayfs'");
    });

    it("takes the wanted storage driver from PHX_DOCKER_STORAGE_DRIVER", () => {
      withSystemd(root, { docker: "active" });
      withDockerCli(root, true);
      withDaemonJson(root, '{"storage-driver": "overlay2"}');
      assert.equal(root.runScript("docker", "guard", { PHX_DOCKER_STORAGE_DRIVER: "overlay2" }).code, 0);
    });

    it("does not take a nested storage-driver key for the top-level one", () => {
      withSystemd(root, { docker: "active" });
      withDockerCli(root, true);
      withDaemonJson(root, '{"x": {"storage-driver": "fuse-overlayfs"}}');
      assert.equal(reason(root.runScript("docker", "guard").stdout), "storage-driver is '' in /etc/docker/daemon.json, wanted 'fuse-overlayfs'");
    });

    it("reports a daemon.json that is not JSON", () => {
      withSystemd(root, { docker: "active" });
      withDockerCli(root, true);
      withDaemonJson(root, '{"storage-driver": "fuse-overlayfs",\n');
      assert.equal(reason(root.runScript("docker", "guard").stdout), "/etc/docker/daemon.json is not valid JSON");
    });

    it("with the nvidia runtime wanted, reports a daemon.json without it", () => {
      withSystemd(root, { docker: "active" });
      withDockerCli(root, true);
      withDaemonJson(root, '{"storage-driver": "fuse-overlayfs"}');
      const run = root.runScript("docker", "guard", { PHX_DOCKER_NVIDIA_RUNTIME: "1" });
      assert.equal(run.code, 1);
      assert.equal(
        reason(run.stdout),
        "default-runtime is '' in /etc/docker/daemon.json, wanted 'nvidia'; runtimes.nvidia.path not set in /etc/docker/daemon.json",
      );
    });

    it("with the nvidia runtime wanted, reports a configured runtime whose binary is missing", () => {
      withSystemd(root, { docker: "active" });
      withDockerCli(root, true);
      withDaemonJson(root, NVIDIA_JSON);
      const run = root.runScript("docker", "guard", { PHX_DOCKER_NVIDIA_RUNTIME: "1" });
      assert.equal(reason(run.stdout), "nvidia runtime /usr/bin/nvidia-container-runtime not installed");
    });

    it("with the nvidia runtime wanted, passes when it is the default and installed", () => {
      withSystemd(root, { docker: "active" });
      withDockerCli(root, true);
      withDaemonJson(root, NVIDIA_JSON);
      withNvidiaContainerRuntime(root);
      const run = root.runScript("docker", "guard", { PHX_DOCKER_NVIDIA_RUNTIME: "1" });
      assert.equal(run.code, 0, run.stdout);
    });

    it("accepts the runtime path nvidia-ctk writes (a bare name found on PATH)", () => {
      withSystemd(root, { docker: "active" });
      withDockerCli(root, true);
      withDaemonJson(root, NVIDIA_JSON.replace("/usr/bin/nvidia-container-runtime", "nvidia-container-runtime"));
      withNvidiaContainerRuntime(root);
      assert.equal(root.runScript("docker", "guard", { PHX_DOCKER_NVIDIA_RUNTIME: "1" }).code, 0);
    });
  });
}

describe("docker guard reading daemon.json without jq", () => {
  let root: FeatureRootfs;
  before(() => {
    root = FeatureRootfs.create();
    withDockerCli(root, true);
  });
  after(() => root.remove());

  it("passes exactly when the top-level storage-driver equals the wanted one, whatever else the file holds", () => {
    const driver = fc.oneof(fc.constantFrom("overlay2", "fuse-overlayfs", "vfs"), fc.string());
    const noise = fc.dictionary(fc.string().filter((k) => k !== "storage-driver"), fc.jsonValue(), { maxKeys: 4 });
    fc.assert(
      fc.property(driver, fc.constantFrom("overlay2", "fuse-overlayfs"), noise, fc.constantFrom(0, 2, "\t"), (actual, wanted, extra, indent) => {
        withDaemonJson(root, JSON.stringify({ ...extra, "storage-driver": actual }, null, indent));
        const run = root.runScript("docker", "guard", { PHX_DOCKER_STORAGE_DRIVER: wanted });
        return (run.code === 0) === (actual === wanted);
      }),
      { numRuns: 40 },
    );
  });
});
