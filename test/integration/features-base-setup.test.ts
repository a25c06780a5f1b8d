import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { FeatureRootfs, RootFlavour } from "../fixtures/feature-states/rootfs";
import { DpkgStatus, withDpkgPackages, withLocale } from "../fixtures/feature-states/states";

const DEFAULT_PACKAGES = ["ca-certificates", "curl", "wget", "vim", "htop", "jq", "git", "rsync", "gnupg", "locales"];
const allInstalled = (): Record<string, DpkgStatus> =>
  Object.fromEntries(DEFAULT_PACKAGES.map((p) => [p, "install ok installed" as DpkgStatus]));

/** The guard's answer when it fails: exactly one line. */
function reason(stdout: string): string {
  assert.match(stdout, /^[^\n]+\n$/, `expected one line, got ${JSON.stringify(stdout)}`);
  return stdout.trimEnd();
}

// Each case runs under busybox ash and under dash, the /bin/sh of Debian and Ubuntu containers.
for (const flavour of ["busybox", "debian"] as RootFlavour[]) {
describe(`base_setup guard (${flavour})`, () => {
  let root: FeatureRootfs;
  beforeEach(() => {
    root = FeatureRootfs.create(flavour);
  });
  afterEach(() => root.remove());

  it("passes when every package is installed and en_US.UTF-8 is generated and set as LANG", () => {
    withDpkgPackages(root, allInstalled());
    withLocale(root, ["en_US.utf8"], "LANG=en_US.UTF-8\n");
    const run = root.runScript("base_setup", "guard");
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.stdout, "");
  });

  it("names the packages dpkg does not list as installed, in list order", () => {
    const packages = allInstalled();
    delete packages.jq;
    packages.git = "deinstall ok config-files";
    withDpkgPackages(root, packages);
    withLocale(root, ["en_US.utf8"], "LANG=en_US.UTF-8\n");
    const run = root.runScript("base_setup", "guard");
    assert.equal(run.code, 1);
    assert.equal(reason(run.stdout), "missing packages: jq git");
  });

  it("treats a half-installed (unpacked) package as missing", () => {
    withDpkgPackages(root, { ...allInstalled(), locales: "install ok unpacked" });
    withLocale(root, ["en_US.utf8"], "LANG=en_US.UTF-8\n");
    const run = root.runScript("base_setup", "guard");
    assert.equal(run.code, 1);
    assert.equal(reason(run.stdout), "missing packages: locales");
  });

  it("reports a locale that is set as LANG but not generated", () => {
    withDpkgPackages(root, allInstalled());
    withLocale(root, ["de_DE.utf8"], "LANG=en_US.UTF-8\n");
    const run = root.runScript("base_setup", "guard");
    assert.equal(run.code, 1);
    assert.equal(reason(run.stdout), "locale en_US.UTF-8 not generated");
  });

  it("reports a generated locale that is not set as LANG", () => {
    withDpkgPackages(root, allInstalled());
    withLocale(root, ["en_US.utf8"], "LANG=C.UTF-8\n");
    const run = root.runScript("base_setup", "guard");
    assert.equal(run.code, 1);
    assert.equal(reason(run.stdout), "LANG is C.UTF-8 in /etc/default/locale, wanted en_US.UTF-8");
  });

  it("reports a missing /etc/default/locale", () => {
    withDpkgPackages(root, allInstalled());
    withLocale(root, ["en_US.utf8"]);
    const run = root.runScript("base_setup", "guard");
    assert.equal(run.code, 1);
    assert.equal(reason(run.stdout), "LANG not set in /etc/default/locale (wanted en_US.UTF-8)");
  });

  it("accepts a quoted LANG value", () => {
    withDpkgPackages(root, allInstalled());
    withLocale(root, ["en_US.utf8"], 'LANG="en_US.UTF-8"\n');
    assert.equal(root.runScript("base_setup", "guard").code, 0);
  });

  it("joins several problems into one line", () => {
    const packages = allInstalled();
    delete packages.curl;
    withDpkgPackages(root, packages);
    withLocale(root, []);
    const run = root.runScript("base_setup", "guard");
    assert.equal(run.code, 1);
    assert.equal(
      reason(run.stdout),
      "missing packages: curl; locale en_US.UTF-8 not generated; LANG not set in /etc/default/locale (wanted en_US.UTF-8)",
    );
  });

  it("checks the locale named by PHX_LOCALE under glibc's normalised name", () => {
    withDpkgPackages(root, allInstalled());
    withLocale(root, ["de_DE.utf8"], "LANG=de_DE.UTF-8\n");
    assert.equal(root.runScript("base_setup", "guard", { PHX_LOCALE: "de_DE.UTF-8" }).code, 0);
    assert.equal(root.runScript("base_setup", "guard").code, 1);
  });

  it("checks only the packages PHX_BASE_PACKAGES lists when it is set", () => {
    withDpkgPackages(root, { curl: "install ok installed" });
    withLocale(root, ["en_US.utf8"], "LANG=en_US.UTF-8\n");
    assert.equal(root.runScript("base_setup", "guard", { PHX_BASE_PACKAGES: "curl" }).code, 0);
    const run = root.runScript("base_setup", "guard", { PHX_BASE_PACKAGES: "curl s-tui" });
    assert.equal(reason(run.stdout), "missing packages: s-tui");
  });
});
}
