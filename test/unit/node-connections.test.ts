import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { listStateContainersOnNode, parseMissingNodes, resolveNodeConnection } from "../../core/node-connections";
import { readStackSettings } from "../../core/stack-settings";
import { PhoenixError } from "../../core/errors";
import { engineAddressOf } from "../../providers/impl/engine-watch";

/** The stack config's nodes as the provider's `configure` reads them (the engine passes object config as JSON text). */
const parseNodesConfig = (text: string | undefined) => readStackSettings((k) => (k === "nodes" ? text : undefined)).nodes;

const stored = { host: "127.0.0.2", port: 40001, user: "root", hostKeyFingerprint: "SHA256:old" };

describe("a resource reaches its node as the current stack config says", () => {
  it("takes host, port, user and key from the stack config's entry of the node, not the stored connection", () => {
    const nodes = parseNodesConfig(JSON.stringify({ pve1: { host: "127.0.0.2", port: 40999, hostKeyFingerprint: "SHA256:new" } }));
    assert.deepEqual(resolveNodeConnection(nodes, "pve1", stored, 400), { host: "127.0.0.2", port: 40999, user: "root", hostKeyFingerprint: "SHA256:new" });
  });

  it("uses the stored connection only when there is no stack config at all", () => {
    assert.equal(parseNodesConfig(undefined), undefined);
    assert.deepEqual(resolveNodeConnection(undefined, "pve1", stored, 400), stored);
  });

  it("a node missing from the stack config is an error naming the container, the node and both ways out", () => {
    const nodes = parseNodesConfig(JSON.stringify({ pve1: { host: "h" } }));
    assert.throws(() => resolveNodeConnection(nodes, "pve3", stored, 401), (e: unknown) => {
      assert.ok(e instanceof PhoenixError);
      assert.equal(e.message.split("\n")[0], "CT 401 is on node 'pve3', which is not in the stack config 'nodes' (pve1)");
      assert.equal(e.message.split("\n")[1], `  next step: ${e.hint}`);
      assert.match(e.hint!, /pulumi config set --path 'nodes\.pve3\.host' <address>/);
      assert.match(e.hint!, /pulumi state delete <urn> for each resource of CT 401/);
      return true;
    });
  });

  it("a node entry without host is refused with the command that sets it", () => {
    assert.throws(() => parseNodesConfig(JSON.stringify({ pve1: { port: 22 } })), /nodes\.pve1\.host is missing/);
    assert.throws(() => parseNodesConfig("[1]"), /not an object/);
  });
});

describe("every container of a node the stack config no longer has", () => {
  it("takes the node names from the provider errors and the containers from the state's dynamic container resources", () => {
    assert.deepEqual(parseMissingNodes(["CT 9 is on node 'pve3', which is not in the stack config 'nodes' (pve1)\n  next step: …", "other", "CT 8 is on node 'pve3', which is not in the stack config 'nodes' (pve1)"]), ["pve3"]);
    const resource = (type: string, vmid: number, node: string) => ({ type, outputs: { vmid, node } });
    const deployment = {
      resources: [
        resource("pulumi-nodejs:dynamic/phoenix:Container", 402, "pve3"),
        resource("pulumi-nodejs:dynamic/phoenix:Container", 401, "pve3"),
        resource("pulumi-nodejs:dynamic/phoenix:Container", 400, "pve1"),
        resource("pulumi-nodejs:dynamic/phoenix:Feature", 403, "pve3"),
        { type: "phoenix:lxc:Container", outputs: { ctid: 401, node: "pve3" } },
      ],
    };
    assert.deepEqual(listStateContainersOnNode(deployment, "pve3"), [401, 402]);
    assert.deepEqual(listStateContainersOnNode(undefined, "pve3"), []);
  });
});

describe("the provider process finds its engine's address among its arguments", () => {
  it("takes the host:port argument after any flags", () => {
    assert.deepEqual(engineAddressOf(["--logtostderr", "-v=9", "127.0.0.1:41234"]), { host: "127.0.0.1", port: 41234 });
    assert.deepEqual(engineAddressOf(["[::1]:5000"]), { host: "::1", port: 5000 });
    assert.equal(engineAddressOf(["--tracing", "file:"]), undefined);
  });
});
