/**
 * A throwaway Pulumi project for driving the `phoenix` CLI as a user would: a temp directory with a
 * Pulumi.yaml, a node_modules link to this checkout, a containers file, and the bin spawned with --cwd.
 */
import { ChildProcess, execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/pulumi-engine";

/** What one CLI run returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temp project and a way to run `phoenix` in it. */
export interface CliProject {
  dir: string;
  /** Runs `node bin/phoenix <args> --cwd <dir>` (plain output: CI=true, no TTY). */
  phoenix(...args: string[]): Promise<CliRun>;
  /** Starts `phoenix <args>` in its own process group without waiting (kill tests, concurrent runs). */
  spawnPhoenix(...args: string[]): ChildProcess;
  /** `sim stop`, then removes the directory. */
  dispose(): Promise<void>;
}

/** Creates the project with `configText` as phoenix_lxc_configs.json; `extraEnv` is added to every run's environment. */
export function makeCliProject(configText: string, extraEnv: NodeJS.ProcessEnv = {}): CliProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-cli-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: phoenix-lxc\nruntime: nodejs\n");
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.writeFileSync(path.join(dir, "phoenix_lxc_configs.json"), configText);
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "true", PULUMI_HOME: path.join(dir, ".pulumi-home") };
  // The project's own defaults must apply: state under <dir>/.phoenix/state, the empty passphrase.
  delete env.PULUMI_BACKEND_URL;
  delete env.PULUMI_CONFIG_PASSPHRASE;
  delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
  Object.assign(env, extraEnv);
  const phoenix = (...args: string[]) =>
    new Promise<CliRun>((resolve) => {
      execFile("node", [path.join(REPO_ROOT, "bin", "phoenix"), ...args, "--cwd", dir], { env, cwd: os.tmpdir(), maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  return {
    dir,
    phoenix,
    spawnPhoenix: (...args: string[]) =>
      spawn("node", [path.join(REPO_ROOT, "bin", "phoenix"), ...args, "--cwd", dir], { env, cwd: os.tmpdir(), detached: true, stdio: ["ignore", "pipe", "pipe"] }),
    async dispose() {
      await phoenix("sim", "stop");
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Parses `phoenix status --json` into ctid → status. */
export function statusByCtid(run: CliRun): Record<string, string> {
  const rows = JSON.parse(run.stdout) as { ctid: number; status: string }[];
  return Object.fromEntries(rows.map((r) => [String(r.ctid), r.status]));
}
