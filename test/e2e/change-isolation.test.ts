/**
 * Change isolation on the real engine, against two simulated nodes, through the `phoenix` CLI as a user runs it:
 * the example fleet converges once; then random single-field edits (memory, cores, net0, tags, features list,
 * application script text, health checks, per-container retention, a top-level retention default, a top-level
 * setting the application script reads, the template snapshot name of a clone source), one at a time. For each, `phoenix preview --json` plans operations
 * for exactly the edited container (for a top-level key, exactly the containers that read it), and the following
 * `phoenix up` runs commands on the nodes for no other container.
 *
 * The draw is seeded: PHOENIX_ISOLATION_SEED replays a failing sequence (the seed is in every assertion message);
 * PHOENIX_ISOLATION_RUNS sets how many edits (default: one of each kind, in random order), PHOENIX_ISOLATION_KINDS
 * which kinds.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { REPO_ROOT } from "../helpers/pulumi-engine";
import { readCommandLog } from "../helpers/sim-node";
import { CliProject, makeCliProject } from "./cli-project";
import { applyEdit, ctidsOfCommand, EDIT_KINDS, EditDraw, EditKind, RawConfig } from "./isolation-edits";

const EXAMPLE = path.join(REPO_ROOT, "examples", "sim-fleet");
const NODES = ["pve1", "pve2"];
const SEED = Number(process.env.PHOENIX_ISOLATION_SEED ?? Date.now() % 2 ** 31);
/** PHOENIX_ISOLATION_KINDS=memory,features limits the draw to those kinds. */
const KINDS = (process.env.PHOENIX_ISOLATION_KINDS?.split(",") as EditKind[] | undefined) ?? [...EDIT_KINDS];
const RUNS = Number(process.env.PHOENIX_ISOLATION_RUNS ?? KINDS.length);

let project: CliProject;
let config: RawConfig;

/** The edits: every kind once in a random order (then again, when more runs are asked for), random containers and values. */
function drawEdits(): EditDraw[] {
  const arb = fc.tuple(
    fc.shuffledSubarray(KINDS, { minLength: KINDS.length, maxLength: KINDS.length }),
    fc.array(fc.record({ pick: fc.nat(1000), value: fc.nat(1000) }), { minLength: RUNS, maxLength: RUNS }),
  );
  const [kinds, numbers] = fc.sample(arb, { seed: SEED, numRuns: 1 })[0]!;
  return numbers.map((n, i) => ({ kind: kinds[i % kinds.length]!, ...n }));
}

const logLengths = () => NODES.map((n) => readCommandLog(path.join(project.dir, ".phoenix", "sim"), n).length);

/** CTIDs the nodes ran commands for since `marks` (pct and pvesh calls, from the simulators' command logs). */
function touchedSince(marks: number[]): string[] {
  const touched = NODES.flatMap((n, i) => readCommandLog(path.join(project.dir, ".phoenix", "sim"), n).slice(marks[i]).flatMap(ctidsOfCommand));
  return [...new Set(touched)].sort();
}

before(async () => {
  project = makeCliProject(fs.readFileSync(path.join(EXAMPLE, "phoenix_lxc_configs.json"), "utf8"));
  for (const dir of ["apps", "checks", "features", "tests"]) fs.cpSync(path.join(EXAMPLE, dir), path.join(project.dir, dir), { recursive: true });
  config = JSON.parse(fs.readFileSync(path.join(project.dir, "phoenix_lxc_configs.json"), "utf8")) as RawConfig;
  const sim = await project.phoenix("sim", "start", "--nodes", NODES.join(","));
  assert.equal(sim.code, 0, sim.stderr);
  const up = await project.phoenix("up");
  assert.equal(up.code, 0, up.stderr);
});
after(async () => {
  await project?.dispose();
});

describe(`change isolation on the example fleet (seed ${SEED}, ${RUNS} edits)`, () => {
  it("pushed the application script its own entry only, in the original file's shape", () => {
    const volumes = path.join(project.dir, ".phoenix", "sim", "nodes", "pve1", "volumes", "local-lvm");
    const rootfs = fs.readdirSync(volumes).find((v) => v.endsWith("-950-disk-0"));
    assert.ok(rootfs, `no root volume of CT 950 in ${volumes}`);
    const pushed = JSON.parse(fs.readFileSync(path.join(volumes, rootfs, "etc", "phoenix-lxc", "phoenix_lxc_configs.json"), "utf8"));
    assert.deepEqual(Object.keys(pushed), ["lxc_configs"], "the example sets no top-level key a script reads");
    assert.deepEqual(Object.keys(pushed.lxc_configs), ["950"]);
    assert.equal(pushed.lxc_configs["950"].application_script, config.lxc_configs["950"]!.application_script);
  });

  drawEdits().forEach((draw, run) => {
    it(`edit ${run + 1} (${draw.kind}): preview plans, and up touches, only the containers that read the edited field`, async () => {
      const edit = applyEdit(config, project.dir, draw, run);
      const context = `seed ${SEED}, edit ${run + 1}: ${edit.label}`;
      fs.writeFileSync(path.join(project.dir, "phoenix_lxc_configs.json"), `${JSON.stringify(config, null, 2)}\n`);

      const preview = await project.phoenix("preview", "--json");
      assert.equal(preview.code, 0, `${context}\n${preview.stderr}`);
      const containers = JSON.parse(preview.stdout).containers as Record<string, { ops: { step: string; op: string }[] }>;
      const planned = Object.entries(containers).filter(([, c]) => c.ops.some((o) => o.op !== "same")).map(([ctid]) => ctid).sort();
      assert.deepEqual(planned, [...edit.expected].sort(), `${context}: containers with planned operations\n${preview.stdout}`);

      const marks = logLengths();
      const up = await project.phoenix("up");
      assert.equal(up.code, 0, `${context}\n${up.stderr}`);
      const touched = touchedSince(marks);
      assert.deepEqual(touched.filter((c) => !edit.expected.includes(c)), [], `${context}: the up ran commands for containers it had no reason to touch`);
      // The log does see this up's work (retention alone reads the config file with cat, which no pct log records).
      if (!draw.kind.includes("retention")) assert.ok(touched.some((c) => edit.expected.includes(c)), `${context}: no command for ${edit.expected.join(", ")} in the log`);
    });
  });

  it("ends converged: a further preview plans nothing", async () => {
    const preview = await project.phoenix("preview", "--json");
    assert.equal(preview.code, 0, preview.stderr);
    const { changes } = JSON.parse(preview.stdout) as { changes: Record<string, number> };
    assert.deepEqual(["create", "update", "replace", "delete"].map((k) => changes[k] ?? 0), [0, 0, 0, 0], `seed ${SEED}\n${preview.stdout}`);
  });
});
