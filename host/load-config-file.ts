/**
 * Reads a phoenix_lxc_configs.json from disk and validates it (the pure validation is core/config).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigSource, ConfigUnreadableError, LoadedConfig, loadConfigText } from "../core/config/load-config";
import type { LoadOptions } from "../core/config/types";

/**
 * Loads and validates a configuration. From a file, custom feature paths are resolved against the file's
 * directory and checked for existence (unless `options.fileExists` is given).
 */
export function loadConfig(source: ConfigSource, options: LoadOptions = {}): LoadedConfig {
  if (!("text" in source)) {
    let text: string;
    try {
      text = fs.readFileSync(source.file, "utf8");
    } catch (e) {
      throw new ConfigUnreadableError(source.file, e);
    }
    const withFs: LoadOptions = {
      ...options,
      baseDir: options.baseDir ?? path.dirname(path.resolve(source.file)),
      fileExists: options.fileExists ?? ((p) => fs.existsSync(p)),
    };
    return loadConfigText(text, withFs, source.file);
  }
  return loadConfigText(source.text, options, source.file);
}
