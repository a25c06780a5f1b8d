#!/usr/bin/env bash
# Sets up everything Phoenix LXC needs on a Debian machine, idempotently:
#   system packages (OpenSSH server for the simulated nodes, busybox and debootstrap for container root
#   filesystems, shellcheck for the feature scripts, util-linux for flock/unshare), npm dependencies, the
#   TypeScript build, and the Pulumi CLI directory — pulumi, the Node.js language host, the dynamic-provider shim
#   (a pulumi on PATH as it is, else completed in the cache from the Go module proxy; see get-pulumi.sh).
# Safe to run again: each step checks before it acts.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

PACKAGES=(openssh-server openssh-client busybox-static debootstrap shellcheck util-linux procps zstd xz-utils lxc)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    say "missing system packages: ${missing[*]}; this is not a Debian system, install them by hand"
    exit 1
  fi
  if [ "$(id -u)" != 0 ]; then
    say "missing system packages: ${missing[*]}; run as root (or: sudo apt-get install ${missing[*]})"
    exit 1
  fi
  say "installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || { say "apt-get update failed; check the machine's access to Debian's packages"; exit 1; }
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || { say "apt-get install ${missing[*]} failed"; exit 1; }
fi
mkdir -p /run/sshd 2>/dev/null || true

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  npm ci --no-audit --no-fund >&2
fi

say "building"
# From a clean dist/: a moved or deleted source must not leave its old compiled test behind.
rm -rf dist
npx tsc -p tsconfig.json >&2

PULUMI_DIR="$(bash scripts/get-pulumi.sh | tail -n 1)"
mkdir -p .phoenix
echo "$PULUMI_DIR" > .phoenix/pulumi-bin-dir
say "pulumi: $PULUMI_DIR/pulumi ($("$PULUMI_DIR/pulumi" version 2>/dev/null || echo 'version unknown'))"
