import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { configureRuntime, pooledTransport, setTransportFactory, setTransportForTesting, transport } from "../../providers/impl/runtime";
import type { SshPoolOptions } from "../../host/ssh-pool";
import type { CommandTransport, ExecOptions, NodeTarget } from "../../host/transport";

describe("runtime transport factory", () => {
  after(() => {
    setTransportFactory(pooledTransport);
    setTransportForTesting(undefined);
  });

  it("builds the process's transport once, from the configured credentials, and sends every command through it", async () => {
    const built: SshPoolOptions[] = [];
    const sent: string[][] = [];
    const fake: CommandTransport = {
      async exec(_node: NodeTarget, argv: readonly string[], _options?: ExecOptions) {
        sent.push([...argv]);
        return { stdout: "ok\n", stderr: "", code: 0 } as never;
      },
    };
    setTransportForTesting(undefined);
    setTransportFactory((options) => {
      built.push(options);
      return fake;
    });
    configureRuntime({ get: (key) => (key === "sshPrivateKey" ? "KEY TEXT" : undefined) });
    const node: NodeTarget = { name: "pve1", host: "127.0.0.2", port: 22, user: "root" };
    await transport().exec(node, ["pct", "list"]);
    await transport().exec(node, ["pct", "status", "100"]);
    assert.equal(built.length, 1, "one transport per process");
    assert.equal(built[0]!.credentials.privateKey, "KEY TEXT");
    assert.deepEqual(sent, [["pct", "list"], ["pct", "status", "100"]]);
  });
});
