// Makes `require("phoenix-lxc/...")` resolve from this checkout's node_modules.
//
// A Pulumi dynamic provider is stored in state as serialized code that runs with cwd = the project directory,
// and module paths derived from it (require-from-string gives the module an empty file name). Our provider
// text therefore names its implementation by a bare specifier, `phoenix-lxc/impl/<x>`, so that state written
// from one checkout can be refreshed or destroyed from another (GitOps runners use fresh workspaces). When this
// package is itself the Pulumi project (this repo), nothing would provide that name, so we link it here.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const link = path.join(root, "node_modules", "phoenix-lxc");
// Only for a checkout of this repo, not when installed as somebody else's dependency.
if (path.basename(path.dirname(root)) !== "node_modules") {
  fs.mkdirSync(path.dirname(link), { recursive: true });
  let current;
  try { current = fs.readlinkSync(link); } catch { current = undefined; }
  if (current !== "..") {
    fs.rmSync(link, { force: true, recursive: true });
    fs.symlinkSync("..", link, "dir");
  }
}
