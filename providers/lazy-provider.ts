/**
 * The shape every dynamic provider of this package has: each method loads the implementation by a bare
 * package specifier at call time and forwards the call. The serialized text therefore captures only the
 * module name (a string) and resolves from whichever checkout runs it — the state holds no code of ours.
 */
import type * as pulumi from "@pulumi/pulumi";

/**
 * A provider whose methods forward to `require(moduleName)`. `moduleName` is e.g. `phoenix-lxc/impl/feature`.
 *
 * Kept as small as it can be: the engine stores its serialized text in every resource's inputs and outputs, and
 * the local backend rewrites the whole state file after every step, so each byte here is written
 * resources × steps times during an up (BENCHMARKS.md, "Fleets of 10, 50 and 200 containers"). Each method is one
 * line forwarding to `call`; the engine awaits whatever they return. Without a `check` in the implementation
 * the inputs are taken as they are (what the engine does without one). No comment inside: it would be serialized.
 */
export function lazyProvider(moduleName: string): pulumi.dynamic.ResourceProvider {
  const call = (method: string, args: unknown[]) => {
    if (method === "configure") return require("phoenix-lxc/impl/runtime").configureRuntime((args[0] as { config: unknown }).config);
    const impl = require(moduleName);
    return method === "check" && !impl.check ? { inputs: args[1] } : impl[method](...args);
  };
  return {
    configure: (...a) => call("configure", a),
    check: (...a) => call("check", a),
    diff: (...a) => call("diff", a),
    create: (...a) => call("create", a),
    read: (...a) => call("read", a),
    update: (...a) => call("update", a),
    delete: (...a) => call("delete", a),
  } as pulumi.dynamic.ResourceProvider;
}
