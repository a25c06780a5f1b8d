import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { expandIncludes } from "../../core/features/script-includes";

describe("feature script includes", () => {
  it("replaces an include line with the library text, marked", () => {
    const out = expandIncludes("#!/bin/sh\n# @include lib/apt.sh\napt_update\n", (f) => `# lib ${f}\napt_update() { :; }\n`);
    assert.equal(out, "#!/bin/sh\n# --- lib/apt.sh ---\n# lib lib/apt.sh\napt_update() { :; }\n# --- end of lib/apt.sh ---\napt_update\n");
  });

  it("leaves scripts without include lines byte for byte", () => {
    const script = "#!/bin/sh\n# include nothing\necho hi\n";
    assert.equal(expandIncludes(script, () => { throw new Error("not read"); }), script);
  });

  it("only accepts library paths under lib/", () => {
    assert.equal(expandIncludes("# @include ../../etc/passwd\n", () => "x"), "# @include ../../etc/passwd\n");
  });
});
