/**
 * What the CLI reads from a project's settings files without starting the Pulumi CLI: the one value
 * `phoenix validate` needs (which containers file the stack uses), so validating stays instant and offline.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_CONFIG_FILE } from "../core/stack-settings";

/**
 * The absolute path of the stack's containers file: `<project>:configFile` in `Pulumi.<stack>.yaml` (a plain
 * scalar, as `pulumi config set configFile …` writes it), else the default in `Pulumi.yaml`, else
 * {@link DEFAULT_CONFIG_FILE}; relative to the project directory, as the stack program resolves it.
 */
export function readStackConfigFile(projectDir: string, stack: string): string {
  const read = (file: string) => {
    try {
      return fs.readFileSync(path.join(projectDir, file), "utf8");
    } catch {
      return "";
    }
  };
  const fromStack = /^\s+[A-Za-z0-9_.-]+:configFile:\s*["']?([^"'\n#]+?)["']?\s*$/m.exec(read(`Pulumi.${stack}.yaml`))?.[1];
  const fromProject = /^\s+[A-Za-z0-9_.-]+:configFile:\s*\n(?:\s+\w+:.*\n)*?\s+default:\s*["']?([^"'\n#]+?)["']?\s*$/m.exec(read("Pulumi.yaml"))?.[1];
  return path.resolve(projectDir, fromStack ?? fromProject ?? DEFAULT_CONFIG_FILE);
}
