/**
 * A throwaway Pulumi project laid out as a user's: Pulumi.yaml (this repo's: `main: dist/index.js`), a
 * package.json, `dist/index.js` that runs this package's program, node_modules linked to this checkout, and the
 * example fleet under examples/sim-fleet (stack config `configFile` relative to the project). It runs the real
 * `pulumi` binary from the directory recorded in .phoenix/pulumi-bin-dir as a subprocess, and `phoenix` with
 * --cwd, both against the project's file backend with the empty passphrase, as the README tells users to.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pulumiBinDir, REPO_ROOT } from "../helpers/pulumi-engine";
import type { CliRun } from "./cli-project";

/** Where the example fleet's containers file lives in the project (relative, as in this repo's dev stack). */
export const FLEET_CONFIG = "examples/sim-fleet/phoenix_lxc_configs.json";

/** A temp project and ways to run `pulumi` and `phoenix` on it. */
export interface PulumiCliProject {
  dir: string;
  /** The environment both entry points run with (PATH, backend, passphrase, PULUMI_HOME). */
  env: NodeJS.ProcessEnv;
  /** Runs `pulumi <args>` in `cwd` (default: the project root). */
  pulumi(args: string[], cwd?: string): Promise<CliRun>;
  /** Runs `node bin/phoenix <args> --cwd <dir>` from another directory. */
  phoenix(...args: string[]): Promise<CliRun>;
  /** The simulation root `phoenix sim start` uses. */
  simRoot: string;
  /** Reads the containers file as JSON. */
  readConfig(): { lxc_configs: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  /** Writes the containers file. */
  writeConfig(config: object): void;
  /** `sim stop`, then removes the directory. */
  dispose(): Promise<void>;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(command, args, { env, cwd, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Creates the project (dev stack config holds only `configFile` until `phoenix sim start` adds the nodes). */
export function makePulumiCliProject(): PulumiCliProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-pulumi-cli-"));
  fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "fleet", private: true, dependencies: { "phoenix-lxc": "*" } }));
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.mkdirSync(path.join(dir, "dist"));
  fs.writeFileSync(path.join(dir, "dist", "index.js"), 'module.exports = require("phoenix-lxc");\n');
  fs.cpSync(path.join(REPO_ROOT, "examples", "sim-fleet"), path.join(dir, "examples", "sim-fleet"), { recursive: true });
  fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), `config:\n  phoenix-lxc:configFile: ${FLEET_CONFIG}\n`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CI: "true",
    PATH: `${pulumiBinDir()}:${process.env.PATH ?? ""}`,
    PULUMI_BACKEND_URL: `file://${path.join(dir, ".phoenix", "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_HOME: path.join(dir, ".pulumi-home"),
  };
  delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
  const configPath = path.join(dir, FLEET_CONFIG);
  const phoenix = (...args: string[]) => run("node", [path.join(REPO_ROOT, "bin", "phoenix"), ...args, "--cwd", dir], os.tmpdir(), env);
  return {
    dir,
    env,
    simRoot: path.join(dir, ".phoenix", "sim"),
    pulumi: (args, cwd = dir) => run("pulumi", args, cwd, env),
    phoenix,
    readConfig: () => JSON.parse(fs.readFileSync(configPath, "utf8")),
    writeConfig: (config) => fs.writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`),
    async dispose() {
      await phoenix("sim", "stop");
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The snapshot names a preview's text announces for deletion (the retention provider's line), sorted. */
export function announcedDeletions(previewText: string, ctid: number): string[] {
  const names = new Set<string>();
  const line = new RegExp(`CT ${ctid} on \\S+: retention will delete \\d+ snapshot\\(s\\): (.+)$`, "gm");
  for (const m of previewText.matchAll(line)) for (const n of m[1]!.split(", ")) names.add(n.trim());
  return [...names].sort();
}
