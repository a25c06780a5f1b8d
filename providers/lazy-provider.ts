/**
 * The shape every dynamic provider of this package has: each method loads the implementation by a bare
 * package specifier at call time and forwards the call. The serialized text therefore captures only the
 * module name (a string) and resolves from whichever checkout runs it — the state holds no code of ours.
 */
import type * as pulumi from "@pulumi/pulumi";

/** A provider whose methods forward to `require(moduleName)`. `moduleName` is e.g. `phoenix-lxc/impl/feature`. */
export function lazyProvider(moduleName: string): pulumi.dynamic.ResourceProvider {
  return {
    async configure(req) {
      require("phoenix-lxc/impl/runtime").configureRuntime(req.config);
    },
    async check(olds, news) {
      const impl = require(moduleName);
      return impl.check ? impl.check(olds, news) : { inputs: news };
    },
    async diff(id, olds, news) {
      return require(moduleName).diff(id, olds, news);
    },
    async create(inputs) {
      return require(moduleName).create(inputs);
    },
    async read(id, props) {
      return require(moduleName).read(id, props);
    },
    async update(id, olds, news) {
      return require(moduleName).update(id, olds, news);
    },
    async delete(id, props) {
      return require(moduleName).delete(id, props);
    },
  };
}
