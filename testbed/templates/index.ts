/**
 * Root filesystem templates for the testbed's `pct create`: building them once (cached) and
 * placing them in a simulated node's template storage.
 *
 * - busybox: `busybox-tiny_1.36_amd64.tar.gz`, a static busybox and a few /etc files; builds
 *   in under a second (build-busybox-template.sh).
 * - debian: `debian-12-standard_12.7-1_amd64.tar.zst` (`.tar.gz` without zstd), a debootstrap
 *   minbase bookworm with dpkg and apt; builds in about a minute (build-debian-template.sh).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The templates the testbed can build. */
export type TemplateKind = "busybox" | "debian";

const BUILD_SCRIPTS: Record<TemplateKind, string> = {
  busybox: "build-busybox-template.sh",
  debian: "build-debian-template.sh",
};

/** Archive names each kind may have; the first one present wins. */
const TEMPLATE_FILES: Record<TemplateKind, string[]> = {
  busybox: ["busybox-tiny_1.36_amd64.tar.gz"],
  debian: ["debian-12-standard_12.7-1_amd64.tar.zst", "debian-12-standard_12.7-1_amd64.tar.gz"],
};

/** `${PHOENIX_CACHE_DIR:-$HOME/.cache/phoenix-lxc}`, the root of the template cache. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PHOENIX_CACHE_DIR || path.join(env.HOME || os.homedir(), ".cache", "phoenix-lxc");
}

/**
 * Finds a build script: next to this file when run from the sources, or in the source tree
 * when run from dist/ (tsc does not copy shell scripts).
 */
function scriptPath(file: string): string {
  const candidates = [
    path.join(__dirname, file),
    path.resolve(__dirname, "..", "..", "..", "testbed", "templates", file),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`${file} not found (looked in ${candidates.join(", ")})`);
  return found;
}

function findBuilt(dir: string, kind: TemplateKind): string | undefined {
  return TEMPLATE_FILES[kind].map((f) => path.join(dir, f)).find((p) => fs.existsSync(p));
}

/**
 * Returns the path of the template tarball, building it first when the cache lacks it.
 * Synchronous; the Debian build takes about a minute and needs the host's apt mirror.
 * @param cacheDir - Cache root; tarballs go in its `templates/`. @default defaultCacheDir()
 * @throws Error with the build's output when the build fails.
 */
export function ensureTemplate(kind: TemplateKind, cacheDir: string = defaultCacheDir()): string {
  const dir = path.join(cacheDir, "templates");
  const cached = findBuilt(dir, kind);
  if (cached) return cached;
  fs.mkdirSync(dir, { recursive: true });
  const build = spawnSync("sh", [scriptPath(BUILD_SCRIPTS[kind]), dir], {
    encoding: "utf8",
    env: { ...process.env, PHOENIX_CACHE_DIR: cacheDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const built = findBuilt(dir, kind);
  if (build.status !== 0 || !built) {
    const tail = `${build.stderr ?? ""}${build.error?.message ?? ""}`.trim().split("\n").slice(-15).join("\n");
    throw new Error(`building the ${kind} template failed (exit ${build.status}): ${tail}`);
  }
  return built;
}

/**
 * Puts the template into `${simRoot}/nodes/${node}/template/cache/` (a hard link when the
 * cache is on the same filesystem, else a copy) and returns its volume id,
 * `local:vztmpl/<file>`, as `pveam` would list it.
 */
export function installTemplate(simRoot: string, node: string, kind: TemplateKind): string {
  const tarball = ensureTemplate(kind);
  const file = path.basename(tarball);
  const destDir = path.join(simRoot, "nodes", node, "template", "cache");
  const dest = path.join(destDir, file);
  fs.mkdirSync(destDir, { recursive: true });
  if (!fs.existsSync(dest)) {
    try {
      fs.linkSync(tarball, dest);
    } catch {
      // Whole or not at all: a `pct create` on a running node must never extract half a template.
      fs.copyFileSync(tarball, `${dest}.tmp.${process.pid}`);
      fs.renameSync(`${dest}.tmp.${process.pid}`, dest);
    }
  }
  return `local:vztmpl/${file}`;
}

/**
 * Extracts a template tarball (.tar.gz or .tar.zst) into `rootfs`, keeping numeric owners,
 * as `pct create` does into a fresh volume.
 * @throws Error with tar's message when extraction fails.
 */
export function extractTemplate(tarball: string, rootfs: string): void {
  fs.mkdirSync(rootfs, { recursive: true });
  const compression = tarball.endsWith(".zst") ? "--zstd" : "--gzip";
  const tar = spawnSync("tar", ["-x", compression, "--numeric-owner", "-p", "-f", tarball, "-C", rootfs], {
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (tar.status !== 0) {
    throw new Error(`extracting ${tarball} into ${rootfs} failed: ${(tar.stderr || tar.error?.message || "").trim()}`);
  }
}
