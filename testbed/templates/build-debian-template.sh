#!/bin/sh
# Builds the Debian 12 root filesystem template used by the testbed's `pct create`.
#
# Usage: build-debian-template.sh OUT_DIR
# Prints the path of OUT_DIR/debian-12-standard_12.7-1_amd64.tar.zst (.tar.gz when zstd is
# not installed). The file name mimics Proxmox's template so the simulator can list it the
# same way; the content is a `debootstrap --variant=minbase bookworm` (dpkg and apt, no
# locales: the base_setup feature installs those).
#
# Building takes minutes, so the result is cached in
# ${PHOENIX_CACHE_DIR:-$HOME/.cache/phoenix-lxc}/templates/ and reused when present.
# The Debian mirror is the host's own (from its apt sources) unless PHOENIX_DEBIAN_MIRROR
# is set: the sandboxes this runs in only reach the package mirror they are configured for.
set -eu

if [ "$#" -ne 1 ]; then
  echo "usage: $0 OUT_DIR" >&2
  exit 2
fi
out_dir=$1
cache_dir="${PHOENIX_CACHE_DIR:-$HOME/.cache/phoenix-lxc}/templates"
base="debian-12-standard_12.7-1_amd64"
suite="bookworm"

if command -v zstd >/dev/null 2>&1; then
  ext="tar.zst"
else
  ext="tar.gz"
fi

# Prints the first URI the host's apt sources use for "$suite" main (deb822 files first,
# then one-line sources.list entries). Security and -updates suites do not match.
host_mirror() {
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v suite="$suite" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && comps ~ /(^| )main( |$)/ && uris != "") {
          split(uris, u, " "); print u[1]; found = 1; exit
        }
        types = ""; suites = ""; comps = ""; uris = ""
      }
      /^[ \t]*$/ { flush(); next }
      /^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0 }
      /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
      /^Components:/ { sub(/^Components:[ \t]*/, ""); comps = $0 }
      /^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
      END { if (!found) flush() }
    ' "$f"
  done | head -n 1 | grep . && return 0
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    # "deb [options] URI suite components..."
    sed -n 's/^[ \t]*deb[ \t]\+\(\[[^]]*\][ \t]\+\)\?\([^ \t]\+\)[ \t]\+'"$suite"'[ \t].*main.*/\2/p' "$f"
  done | head -n 1 | grep . && return 0
  return 1
}

find_cached() {
  for e in tar.zst tar.gz; do
    if [ -f "$cache_dir/$base.$e" ]; then
      echo "$cache_dir/$base.$e"
      return 0
    fi
  done
  return 1
}

build() {
  mirror=${PHOENIX_DEBIAN_MIRROR:-}
  if [ -z "$mirror" ]; then
    if ! mirror=$(host_mirror); then
      echo "no Debian $suite mirror found in /etc/apt/sources.list*; set PHOENIX_DEBIAN_MIRROR" >&2
      return 1
    fi
  fi
  command -v debootstrap >/dev/null 2>&1 || {
    echo "debootstrap not found: apt-get install debootstrap" >&2
    return 1
  }
  work=$(mktemp -d "$cache_dir/build.XXXXXX")
  # shellcheck disable=SC2064 # expand $work now: the trap must remove this build's dir.
  trap "rm -rf '$work'" EXIT INT TERM
  echo "debootstrap $suite from $mirror (minutes)..." >&2
  if ! debootstrap --variant=minbase "$suite" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
    tail -n 20 "$work/debootstrap.log" >&2
    echo "debootstrap failed (full log above was in $work/debootstrap.log)" >&2
    return 1
  fi
  root=$work/rootfs
  # A template must not carry the build host's identity, caches or package lists.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin \
    "$root"/var/cache/apt/archives/*.deb "$root"/var/log/*.log "$root"/var/log/apt/* \
    "$root"/tmp/* "$root"/var/tmp/*
  mkdir -p "$root/var/lib/apt/lists/partial"
  echo "localhost" >"$root/etc/hostname"
  : >"$root/etc/resolv.conf"
  printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
  if [ "$ext" = "tar.zst" ]; then
    tar --numeric-owner -C "$root" -cf - . | zstd -q -T0 -o "$work/$base.$ext"
  else
    tar --numeric-owner -C "$root" -cf - . | gzip -n >"$work/$base.$ext"
  fi
  mv "$work/$base.$ext" "$cache_dir/$base.$ext"
  rm -rf "$work"
  trap - EXIT INT TERM
}

mkdir -p "$cache_dir" "$out_dir"
# Several test processes may ask for the template at once: build it only once.
exec 9>"$cache_dir/.debian.lock"
flock 9
if ! cached=$(find_cached); then
  build
  cached=$(find_cached)
fi
flock -u 9

file=$(basename "$cached")
if [ "$(cd "$out_dir" && pwd -P)" != "$(cd "$cache_dir" && pwd -P)" ]; then
  ln -f "$cached" "$out_dir/$file" 2>/dev/null || cp "$cached" "$out_dir/$file"
fi
echo "$out_dir/$file"
