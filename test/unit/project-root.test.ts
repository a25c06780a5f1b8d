/**
 * The project root that relative stack-config paths resolve against: the engine's when it names one, else the
 * nearest Pulumi.yaml at or above the working directory (the Pulumi CLI runs the program in the directory of
 * `main`, e.g. dist/).
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findProjectRoot, resolveProjectRoot } from "../../host/project-root";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-root-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

describe("project root", () => {
  const project = path.join(root, "project");
  const dist = path.join(project, "dist", "components");
  fs.mkdirSync(dist, { recursive: true });
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: p\nruntime: nodejs\nmain: dist/index.js\n");

  it("is the nearest directory holding Pulumi.yaml, from the program's directory or the root itself", () => {
    assert.equal(findProjectRoot(dist), project);
    assert.equal(findProjectRoot(path.join(project, "dist")), project);
    assert.equal(findProjectRoot(project), project);
  });

  it("accepts Pulumi.yml too, and is undefined where no project file is above", () => {
    const other = path.join(root, "other", "sub");
    fs.mkdirSync(other, { recursive: true });
    assert.equal(findProjectRoot(other), undefined);
    fs.writeFileSync(path.join(root, "other", "Pulumi.yml"), "name: o\n");
    assert.equal(findProjectRoot(other), path.join(root, "other"));
  });

  it("prefers the root the engine names, and falls back to the working directory", () => {
    assert.equal(resolveProjectRoot("/elsewhere/proj", dist), "/elsewhere/proj");
    assert.equal(resolveProjectRoot(undefined, dist), project);
    const lost = path.join(root, "lost");
    fs.mkdirSync(lost);
    assert.equal(resolveProjectRoot(undefined, lost), lost);
  });
});
