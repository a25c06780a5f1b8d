#!/usr/bin/env bash
# Provides a complete Pulumi CLI directory, like an official install, without internet access beyond the package
# registries: `pulumi`, the Node.js language host `pulumi-language-nodejs` (runs `main` for `pulumi up`), and the
# dynamic-provider shim `pulumi-resource-pulumi-nodejs` (the engine starts it for every dynamic resource).
#
# A `pulumi` already on PATH is used as it is: an official install ships all three.
#
# Otherwise the pieces are built once into a cache outside the repo, each only when missing (a cache holding only
# `pulumi` is completed, not rebuilt):
#   - `pulumi` v3.274.1 from the Go module proxy through a tiny wrapper module (a `go install pkg@version` is
#     refused because pkg/go.mod carries replace directives; a dependency's replace directives are ignored).
#   - `pulumi-language-nodejs`: the proxy refuses its current module (.../sdk/nodejs/cmd/pulumi-language-nodejs/v3),
#     but the module github.com/pulumi/pulumi/sdk/v3 held it as a package up to v3.68.0; built from there through
#     its own wrapper module. The newer CLI drives it through the same language-host protocol.
#   - `pulumi-resource-pulumi-nodejs`: the official install ships the Node.js SDK's own shell script, which runs
#     `@pulumi/pulumi/cmd/dynamic-provider` as resolved from the program's directory; it is copied from this
#     checkout's node_modules/@pulumi/pulumi (run `npm ci` first).
#
# Prints the directory holding the `pulumi` binary on its last line of stdout.
set -euo pipefail

VERSION="${PHOENIX_PULUMI_VERSION:-v3.274.1}"
LANGUAGE_HOST_VERSION=v3.68.0
CACHE="${PHOENIX_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/phoenix-lxc}"
BIN_DIR="$CACHE/pulumi-$VERSION/bin"
REPO="$(cd "$(dirname "$0")/.." && pwd)"

log() { printf 'get-pulumi: %s\n' "$*" >&2; }

if [ -z "${PHOENIX_FORCE_PULUMI_BUILD:-}" ] && command -v pulumi >/dev/null 2>&1; then
  log "using the pulumi already on PATH: $(command -v pulumi)"
  dirname "$(command -v pulumi)"
  exit 0
fi

require_go() {
  command -v go >/dev/null 2>&1 && return 0
  log "no 'pulumi' on PATH and no Go toolchain to build $1; install Go >= 1.25 or the Pulumi CLI"
  exit 1
}

# Writes a wrapper module in $1 whose only dependency is the package $2 (a build-tagged import pins it).
write_wrapper() {
  mkdir -p "$1"
  [ -f "$1/go.mod" ] && return 0
  printf 'module phoenix-lxc/%s-wrapper\n\ngo 1.25\n' "$(basename "$2")" > "$1/go.mod"
  cat > "$1/tools.go" <<GOSRC
//go:build tools

// Package tools pins $(basename "$2") as a build dependency of this wrapper module.
package tools

import _ "$2"
GOSRC
}

# Builds package $2 of the module versions $3… in wrapper dir $1 into $BIN_DIR/$4, stamped with version $5.
build_in_wrapper() {
  local dir="$1" pkg="$2" out="$BIN_DIR/$3" stamp="$4"
  shift 4
  write_wrapper "$dir" "$pkg"
  (
    cd "$dir"
    export GOFLAGS="${GOFLAGS:-} -mod=mod"
    go get "$@" >&2
    go mod tidy >&2 || true
    go build -o "$out.tmp" -tags osusergo,grpcnotrace \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$stamp" "$pkg" >&2
  )
  mv "$out.tmp" "$out"
  log "built $out"
}

mkdir -p "$BIN_DIR"

if [ -x "$BIN_DIR/pulumi" ]; then
  log "using the cached build $BIN_DIR/pulumi"
else
  require_go "the Pulumi CLI"
  log "building the Pulumi CLI $VERSION from the Go module proxy (first time only; ~10 min on 2 cores)"
  build_in_wrapper "$CACHE/pulumi-$VERSION/build" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi pulumi "$VERSION" \
    "github.com/pulumi/pulumi/pkg/v3@$VERSION" "github.com/pulumi/pulumi/sdk/v3@$VERSION"
fi

if [ ! -x "$BIN_DIR/pulumi-language-nodejs" ]; then
  require_go "the Node.js language host"
  log "building the Node.js language host $LANGUAGE_HOST_VERSION (first time only; ~30 s)"
  build_in_wrapper "$CACHE/pulumi-$VERSION/build-language-nodejs" \
    github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs pulumi-language-nodejs "$LANGUAGE_HOST_VERSION" \
    "github.com/pulumi/pulumi/sdk/v3@$LANGUAGE_HOST_VERSION"
fi

if [ ! -x "$BIN_DIR/pulumi-resource-pulumi-nodejs" ]; then
  SHIM="$REPO/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  if [ ! -f "$SHIM" ]; then
    log "no $SHIM to install as the dynamic-provider shim: run 'npm ci' first"
    exit 1
  fi
  cp "$SHIM" "$BIN_DIR/pulumi-resource-pulumi-nodejs.tmp"
  chmod 755 "$BIN_DIR/pulumi-resource-pulumi-nodejs.tmp"
  mv "$BIN_DIR/pulumi-resource-pulumi-nodejs.tmp" "$BIN_DIR/pulumi-resource-pulumi-nodejs"
  log "installed the dynamic-provider shim $BIN_DIR/pulumi-resource-pulumi-nodejs"
fi

echo "$BIN_DIR"
