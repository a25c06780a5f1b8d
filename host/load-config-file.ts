/**
 * Reads a phoenix_lxc_configs.json from disk and validates it (the pure validation is core/config).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigSource, ConfigUnreadableError, LoadedConfig, loadConfigText } from "../core/config/load-config";
import type { LoadOptions } from "../core/config/types";
import { checkConfigFiles, findProjectRoot } from "./config-files";

/**
 * Loads and validates a configuration. From a file, custom feature paths are resolved against the file's
 * directory and checked for existence (unless `options.fileExists` is given); every file the config names must lie
 * inside `options.fileRoots` (default: the project holding the file) and be a small text file (host/config-files.ts).
 */
export function loadConfig(source: ConfigSource, options: LoadOptions = {}): LoadedConfig {
  if (!("text" in source)) {
    let text: string;
    try {
      text = fs.readFileSync(source.file, "utf8");
    } catch (e) {
      throw new ConfigUnreadableError(source.file, e);
    }
    const baseDir = options.baseDir ?? path.dirname(path.resolve(source.file));
    const withFs: LoadOptions = {
      ...options,
      baseDir,
      fileExists: options.fileExists ?? ((p) => fs.existsSync(p)),
      checkFiles: options.checkFiles ?? ((config) => checkConfigFiles(config, { configDir: baseDir, roots: options.fileRoots ?? [findProjectRoot(baseDir)] })),
    };
    return loadConfigText(text, withFs, source.file);
  }
  return loadConfigText(source.text, options, source.file);
}
