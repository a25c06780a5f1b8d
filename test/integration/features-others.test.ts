import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { FeatureRootfs } from "../fixtures/feature-states/rootfs";
import { withDockerCli, withDockerContainer, withVllmVenv } from "../fixtures/feature-states/states";

function reason(stdout: string): string {
  assert.match(stdout, /^[^\n]+\n$/, `expected one line, got ${JSON.stringify(stdout)}`);
  return stdout.trimEnd();
}

describe("vllm guard", () => {
  let root: FeatureRootfs;
  beforeEach(() => {
    root = FeatureRootfs.create();
  });
  afterEach(() => root.remove());

  it("reports a missing virtualenv", () => {
    const run = root.runScript("vllm", "guard");
    assert.equal(run.code, 1);
    assert.equal(reason(run.stdout), "vllm virtualenv missing (/opt/vllm/bin/python not found)");
  });

  it("reports a virtualenv without vllm", () => {
    withVllmVenv(root);
    assert.equal(reason(root.runScript("vllm", "guard").stdout), "vllm not installed in /opt/vllm");
  });

  it("reports another vllm version than the default 0.10.2", () => {
    withVllmVenv(root, "0.9.1");
    const run = root.runScript("vllm", "guard");
    assert.equal(run.code, 1);
    assert.equal(reason(run.stdout), "vllm 0.9.1 installed, wanted 0.10.2");
  });

  it("passes with the version PHX_VLLM_VERSION names", () => {
    withVllmVenv(root, "0.11.0");
    assert.equal(root.runScript("vllm", "guard", { PHX_VLLM_VERSION: "0.11.0" }).code, 0);
    assert.equal(root.runScript("vllm", "guard").code, 1);
  });
});

describe("portainer guard", () => {
  let root: FeatureRootfs;
  beforeEach(() => {
    root = FeatureRootfs.create();
  });
  afterEach(() => root.remove());

  it("passes for role none without docker", () => {
    assert.equal(root.runScript("portainer", "guard", { PHX_PORTAINER_ROLE: "none" }).code, 0);
  });

  it("reports docker missing for role server", () => {
    const run = root.runScript("portainer", "guard", { PHX_PORTAINER_ROLE: "server" });
    assert.equal(run.code, 1);
    assert.equal(reason(run.stdout), "docker not installed (portainer needs the docker feature)");
  });

  it("reports a server container that does not exist", () => {
    withDockerCli(root, true);
    assert.equal(reason(root.runScript("portainer", "guard", { PHX_PORTAINER_ROLE: "server" }).stdout), "container portainer does not exist");
  });

  it("reports a stopped server container", () => {
    withDockerCli(root, true);
    withDockerContainer(root, "portainer", false, "portainer/portainer-ce:lts");
    assert.equal(reason(root.runScript("portainer", "guard", { PHX_PORTAINER_ROLE: "server" }).stdout), "container portainer is not running");
  });

  it("reports a server container running another image", () => {
    withDockerCli(root, true);
    withDockerContainer(root, "portainer", true, "portainer/portainer-ce:2.19.4");
    assert.equal(
      reason(root.runScript("portainer", "guard", { PHX_PORTAINER_ROLE: "server" }).stdout),
      "container portainer runs portainer/portainer-ce:2.19.4, wanted portainer/portainer-ce:lts",
    );
  });

  it("passes for a running server container with the wanted image", () => {
    withDockerCli(root, true);
    withDockerContainer(root, "portainer", true, "portainer/portainer-ce:lts");
    assert.equal(root.runScript("portainer", "guard", { PHX_PORTAINER_ROLE: "server" }).code, 0);
  });

  it("looks for portainer_agent, not portainer, for role agent", () => {
    withDockerCli(root, true);
    withDockerContainer(root, "portainer", true, "portainer/portainer-ce:lts");
    assert.equal(reason(root.runScript("portainer", "guard", { PHX_PORTAINER_ROLE: "agent" }).stdout), "container portainer_agent does not exist");
    withDockerContainer(root, "portainer_agent", true, "portainer/agent:lts");
    assert.equal(root.runScript("portainer", "guard", { PHX_PORTAINER_ROLE: "agent" }).code, 0);
  });

  it("refuses an unknown role (exit 2)", () => {
    const run = root.runScript("portainer", "guard", { PHX_PORTAINER_ROLE: "master" });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /server, agent or none/);
  });
});
