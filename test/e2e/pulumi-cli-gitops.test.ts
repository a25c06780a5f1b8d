/**
 * The GitOps example run locally (examples/gitops/run-local.sh): a git project on the simulated nodes with the
 * file backend, main deployed by `pulumi up`. A branch with an invalid config stops at validate before anything
 * reaches a node; a branch that grows a container and tightens its retention gets `pulumi preview --refresh --diff`
 * saved as the PR comment, then is merged and deployed by `pulumi up`, which deletes exactly the snapshots the
 * comment names.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/pulumi-engine";
import { readCommandLog } from "../helpers/sim-node";
import type { CliRun } from "./cli-project";
import { announcedDeletions, makePulumiCliProject, PulumiCliProject } from "./pulumi-cli-project";

const NODES = ["pve1", "pve2"];
/** Two independent containers of the example fleet, one per node (each with the relative custom feature paths). */
const KEEP = ["953", "955"];
let project: PulumiCliProject;
let gitEnv: NodeJS.ProcessEnv;

const out = (r: CliRun) => `${r.stdout}\n${r.stderr}`;
const ok = (r: CliRun, what: string) => assert.equal(r.code, 0, `${what} exited ${r.code}:\n${out(r).slice(-4000)}`);
const git = (...args: string[]) => execFileSync("git", args, { cwd: project.dir, env: gitEnv, encoding: "utf8" }).trim();
const marks = () => NODES.map((n) => readCommandLog(project.simRoot, n).length);
const commandsSince = (m: number[]) => NODES.flatMap((n, i) => readCommandLog(project.simRoot, n).slice(m[i]));
const runLocal = (branch: string, comment: string) =>
  new Promise<CliRun>((resolve) => {
    const script = path.join(REPO_ROOT, "examples", "gitops", "run-local.sh");
    execFile("bash", [script, branch, "--stack", "dev", "--comment", comment], { cwd: project.dir, env: gitEnv, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
/** Commits the containers file changed by `edit` on a new branch, and returns to main. */
const branchWith = (branch: string, edit: (c: ReturnType<PulumiCliProject["readConfig"]>) => void) => {
  git("checkout", "-q", "-b", branch);
  const config = project.readConfig();
  edit(config);
  project.writeConfig(config);
  git("commit", "-qam", `${branch}: change the containers file`);
  git("checkout", "-q", "main");
};

before(async () => {
  project = makePulumiCliProject();
  gitEnv = { ...project.env, GIT_AUTHOR_NAME: "ci", GIT_AUTHOR_EMAIL: "ci@example.invalid", GIT_COMMITTER_NAME: "ci", GIT_COMMITTER_EMAIL: "ci@example.invalid" };
  const config = project.readConfig();
  config.lxc_configs = Object.fromEntries(Object.entries(config.lxc_configs).filter(([ctid]) => KEEP.includes(ctid)));
  project.writeConfig(config);
  ok(await project.phoenix("sim", "start", "--nodes", NODES.join(",")), "phoenix sim start");
  fs.writeFileSync(path.join(project.dir, ".gitignore"), "node_modules\n.phoenix/\n.pulumi-home/\n");
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-qm", "the fleet, the dev stack written by phoenix sim start");
  ok(await project.pulumi(["up", "--yes", "--stack", "dev"]), "pulumi up of main");
});
after(async () => {
  await project?.dispose();
});

describe("the GitOps example, run locally against simulated nodes with a file backend", () => {
  it("a branch with an invalid config fails at validate: no preview, no merge, no command on any node", async () => {
    branchWith("broken", (c) => {
      c.lxc_configs["953"]!.memory_mb = "lots";
    });
    const mainBefore = git("rev-parse", "main");
    const m = marks();
    const comment = path.join(project.dir, ".phoenix", "broken-comment.md");
    const r = await runLocal("broken", comment);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /lxc_configs\.953\.memory_mb/);
    assert.equal(fs.existsSync(comment), false, "no preview ran");
    assert.equal(git("rev-parse", "main"), mainBefore, "nothing was merged");
    assert.deepEqual(commandsSince(m), []);
    git("checkout", "-q", "main");
  });

  it("preview on the branch is saved as the PR comment naming the snapshot deletions; the up after the merge makes exactly those", async () => {
    branchWith("grow-gateway", (c) => {
      c.lxc_configs["953"]!.memory_mb = 320;
      c.lxc_configs["953"]!.snapshot_retention = { keep_last: 1 };
    });
    const existing = readCommandLog(project.simRoot, "pve1").filter((c) => c.argv[1] === "snapshot" && c.argv[2] === "953" && c.exit === 0).map((c) => c.argv[3]!);
    assert.equal(existing.length, 1, "main's up took one final snapshot of 953");
    const comment = path.join(project.dir, ".phoenix", "pr-comment.md");
    const m = marks();
    const r = await runLocal("grow-gateway", comment);
    ok(r, "run-local.sh grow-gateway");
    const text = fs.readFileSync(comment, "utf8");
    assert.match(text, /^#### `pulumi preview` on stack `dev` \(branch `grow-gateway`\)$/m);
    assert.match(text, /memoryMiB\s*:\s*256 => 320/);
    const announced = announcedDeletions(text, 953);
    assert.deepEqual(announced, existing, "keep_last 1 after the new final snapshot: the old one goes");
    const deleted = commandsSince(m).filter((c) => c.argv[1] === "delsnapshot" && c.exit === 0).map((c) => `${c.argv[2]} ${c.argv[3]}`);
    assert.deepEqual(deleted, announced.map((n) => `953 ${n}`));
    assert.match(git("log", "-1", "--format=%s", "main"), /^Merge branch 'grow-gateway'/);
    ok(await project.pulumi(["preview", "--expect-no-changes", "--stack", "dev"]), "pulumi preview after the merge's up");
  });
});
