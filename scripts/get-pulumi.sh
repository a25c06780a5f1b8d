#!/usr/bin/env bash
# Provides the real Pulumi CLI without internet access beyond the package registries.
#
# No npm or Debian package ships the Pulumi CLI binary, so when `pulumi` is not on PATH we build
# v3.274.1 from the Go module proxy through a tiny wrapper module (a `go install pkg@version` is
# refused because pkg/go.mod carries replace directives; a dependency's replace directives are
# ignored). The result is cached outside the repo so a machine builds it once.
#
# `pulumi-language-nodejs` (needed only for CLI-driven `pulumi up`) is NOT served by the Go module proxy here
# (403 for its module path); the Automation API inline programs used by `phoenix` and the tests do not need it.
#
# Prints the directory holding the `pulumi` binary on its last line of stdout.
set -euo pipefail

VERSION="${PHOENIX_PULUMI_VERSION:-v3.274.1}"
CACHE="${PHOENIX_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/phoenix-lxc}"
BIN_DIR="$CACHE/pulumi-$VERSION/bin"

log() { printf 'get-pulumi: %s\n' "$*" >&2; }

if [ -z "${PHOENIX_FORCE_PULUMI_BUILD:-}" ] && command -v pulumi >/dev/null 2>&1; then
  log "using the pulumi already on PATH: $(command -v pulumi)"
  dirname "$(command -v pulumi)"
  exit 0
fi

if [ -x "$BIN_DIR/pulumi" ]; then
  log "using the cached build $BIN_DIR/pulumi"
  echo "$BIN_DIR"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  log "no 'pulumi' on PATH and no Go toolchain to build it; install Go >= 1.25 or the Pulumi CLI"
  exit 1
fi

WORK="$CACHE/pulumi-$VERSION/build"
mkdir -p "$WORK" "$BIN_DIR"
cd "$WORK"
if [ ! -f go.mod ]; then
  cat > go.mod <<GOMOD
module phoenix-lxc/pulumi-wrapper

go 1.25
GOMOD
  cat > tools.go <<'GOSRC'
//go:build tools

// Package tools pins the Pulumi CLI as a build dependency of this wrapper module.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GOSRC
fi

log "building the Pulumi CLI $VERSION from the Go module proxy (first time only; ~10 min on 2 cores)"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
go get "github.com/pulumi/pulumi/pkg/v3@$VERSION" "github.com/pulumi/pulumi/sdk/v3@$VERSION" >&2
go mod tidy >&2 || true
go build -o "$BIN_DIR/pulumi.tmp" -tags osusergo,grpcnotrace \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$VERSION" \
  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
mv "$BIN_DIR/pulumi.tmp" "$BIN_DIR/pulumi"
log "built $BIN_DIR/pulumi"
echo "$BIN_DIR"
