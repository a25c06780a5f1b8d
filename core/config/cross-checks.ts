/**
 * The list of cross-checks the loader runs, in report order. One list, so a new check (such as path
 * confinement) is one entry here and runs on valid and salvaged configurations alike.
 */
import type { CrossCheck } from "./check-context";
import { checkFilesExist } from "./check-files";
import { checkSnapshots } from "./check-snapshots";
import { checkCycles, checkDependencies, checkNodes, checkSources } from "./check-references";
import { checkFeatures, checkGpus, checkLxcOptions, checkMounts, checkNetwork, checkUniqueness } from "./check-values";

/** Where the files the config names lie, their size and content: the injected host check (`LoadOptions.checkFiles`). */
const checkFilePolicy: CrossCheck = (config, ctx) => (ctx.options.checkFiles?.(config) ?? []).filter((i) => !ctx.invalid(i.path));

/** Every cross-check, run once per validation. */
export const CROSS_CHECKS: readonly CrossCheck[] = [
  checkSources,
  checkDependencies,
  checkCycles,
  checkNodes,
  checkUniqueness,
  checkNetwork,
  checkGpus,
  checkFeatures,
  checkFilesExist,
  checkFilePolicy,
  checkMounts,
  checkSnapshots,
  checkLxcOptions,
];
