/**
 * The list of cross-checks the loader runs, in report order. One list, so a new check (such as path
 * confinement) is one entry here and runs on valid and salvaged configurations alike.
 */
import type { CrossCheck } from "./check-context";
import { checkFilesExist } from "./check-files";
import { checkCycles, checkDependencies, checkNodes, checkSources } from "./check-references";
import { checkFeatures, checkGpus, checkMounts, checkNetwork, checkUniqueness } from "./check-values";

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
  checkMounts,
];
