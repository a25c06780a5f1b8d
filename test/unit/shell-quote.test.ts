/**
 * The display form of a command (what every error's `command:` line shows): secrets redacted, and an inline
 * script shown by its name, so a feature's converge (three scripts as arguments) stays one short line.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { quoteArg, quoteArgv, redactArgv } from "../../core/shell-quote";
import { buildExecArgv } from "../../core/pct-argv";
import { buildFeatureConvergeArgv } from "../../core/features/converge-script";

describe("redactArgv", () => {
  it("shows a feature converge as pct exec <vmid> -- <script NAME>: no script text, no env value, no nonce", () => {
    const nonce = "a".repeat(16) + "b".repeat(16);
    const scripts = { guard: "test -e /x", install: "apt-get install -y x\nexit 100", verify: "command -v x" };
    const argv = buildExecArgv(953, buildFeatureConvergeArgv("base-tools", scripts, { PHX_TOKEN: "s3cret" }, nonce));
    assert.equal(redactArgv(argv), "pct exec 953 -- <script phoenix-base-tools-converge>");
  });

  it("keeps what comes before the script and redacts --password values", () => {
    assert.equal(redactArgv(["pct", "create", "100", "t", "--password", "pw", "--hostname", "a b"]), "pct create 100 t --password '***' --hostname 'a b'");
    assert.equal(redactArgv(["sh", "-c", "cat /etc/pve/lxc/*.conf", "phoenix-inventory"]), "<script phoenix-inventory>");
    assert.equal(redactArgv(["sh", "-c", "exit 3"]), "<script>");
  });

  it("leaves a command line with no inline script as quoteArgv writes it", () => {
    const argv = ["pct", "exec", "100", "--", "echo", "it's"];
    assert.equal(redactArgv(argv), quoteArgv(argv));
  });
});

describe("quoteArg", () => {
  it("refuses a NUL character as a config error (a JSON string may hold \\u0000)", () => {
    assert.throws(() => quoteArg("a\0b"), { code: "config", message: /NUL character[^]*\n  next step: remove the \\u0000/ });
  });
});
