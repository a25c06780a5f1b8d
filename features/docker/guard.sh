#!/bin/sh
# docker guard: exits 0 when Docker Engine is installed, running, and /etc/docker/daemon.json asks for the wanted
# storage driver (and the NVIDIA runtime when wanted). Runs inside the container; read-only, no network.
#
# Inputs (environment):
#   PHX_DOCKER_STORAGE_DRIVER  optional, storage-driver daemon.json must name (default: fuse-overlayfs)
#   PHX_DOCKER_NVIDIA_RUNTIME  optional, "1" when the container or a clone ancestor has the nvidia feature:
#                              then default-runtime must be "nvidia" and runtimes.nvidia.path must exist
# Running means: with systemd as init (/run/systemd/system exists), `systemctl is-active docker`; without it
# (e.g. a chroot or a container started with another init), the daemon answers `docker info`.
# Exit: 0 installed; 1 not installed (one line on stdout says what is missing).
set -u

storage_driver=${PHX_DOCKER_STORAGE_DRIVER:-fuse-overlayfs}
nvidia_runtime=${PHX_DOCKER_NVIDIA_RUNTIME:-0}
daemon_json=/etc/docker/daemon.json
problems=""
add_problem() { problems="${problems:+$problems; }$1"; }

# json_get FILE DOTTED.PATH: prints the scalar at PATH (nothing when absent); exit 2 when FILE is not JSON.
# jq when the container has it; otherwise a small awk reader, because python3 is not in minimal templates.
json_get() {
  if command -v jq >/dev/null 2>&1; then
    jq -r --arg p "$2" '(try getpath($p | split(".")) catch null) | scalars | select(. != null)' "$1" 2>/dev/null || return 2
    return 0
  fi
  awk -v want="$2" '
    function ws() { while (pos <= n && index(" \t\r\n", substr(s, pos, 1)) > 0) pos++ }
    function str(   out, c) {
      pos++; out = ""
      while (pos <= n) {
        c = substr(s, pos, 1)
        if (c == "\"") { pos++; return out }
        if (c == "\\") {
          c = substr(s, pos + 1, 1); pos += 2
          if (c == "n") c = "\n"; else if (c == "t") c = "\t"; else if (c == "u") { c = "\\u" substr(s, pos, 4); pos += 4 }
          out = out c; continue
        }
        out = out c; pos++
      }
      bad = 1; return out
    }
    function value(path,   c, k, i, start) {
      ws(); c = substr(s, pos, 1)
      if (c == "{" || c == "[") {
        pos++; ws(); i = 0
        if (substr(s, pos, 1) == (c == "{" ? "}" : "]")) { pos++; return }
        while (!bad) {
          ws()
          if (c == "{") {
            if (substr(s, pos, 1) != "\"") { bad = 1; return }
            k = str(); ws()
            if (substr(s, pos, 1) != ":") { bad = 1; return }
            pos++
          } else k = i++
          value(path == "" ? k : path "." k)
          ws(); k = substr(s, pos, 1); pos++
          if (k == (c == "{" ? "}" : "]")) return
          if (k != ",") { bad = 1; return }
        }
        return
      }
      if (c == "\"") { k = str(); if (path == want) print k; return }
      start = pos
      while (pos <= n && index(",]} \t\r\n", substr(s, pos, 1)) == 0) pos++
      k = substr(s, start, pos - start)
      if (k !~ /^(true|false|null|-?[0-9][0-9.eE+-]*)$/) { bad = 1; return }
      if (path == want && k != "null") print k
    }
    { s = s $0 "\n" }
    END { n = length(s); pos = 1; bad = 0; value(""); ws(); if (bad || pos <= n) exit 2 }
  ' "$1"
}

docker_bin=$(command -v docker 2>/dev/null) || docker_bin=""
if [ -z "$docker_bin" ] || [ ! -x "$docker_bin" ]; then
  add_problem "docker not installed"
elif [ -d /run/systemd/system ]; then
  systemctl is-active --quiet docker || add_problem "docker service not active ($(systemctl is-active docker 2>/dev/null || true))"
else
  docker info >/dev/null 2>&1 || add_problem "docker daemon not answering (no systemd; docker info failed)"
fi

if [ ! -f "$daemon_json" ]; then
  add_problem "$daemon_json missing (wanted storage-driver $storage_driver)"
elif ! driver=$(json_get "$daemon_json" storage-driver); then
  add_problem "$daemon_json is not valid JSON"
else
  [ "$driver" = "$storage_driver" ] || add_problem "storage-driver is '${driver}' in $daemon_json, wanted '$storage_driver'"
  if [ "$nvidia_runtime" = 1 ]; then
    runtime=$(json_get "$daemon_json" default-runtime)
    [ "$runtime" = nvidia ] || add_problem "default-runtime is '${runtime}' in $daemon_json, wanted 'nvidia'"
    runtime_path=$(json_get "$daemon_json" runtimes.nvidia.path)
    if [ -z "$runtime_path" ]; then
      add_problem "runtimes.nvidia.path not set in $daemon_json"
    elif ! command -v "$runtime_path" >/dev/null 2>&1; then
      add_problem "nvidia runtime $runtime_path not installed"
    fi
  fi
fi

if [ -n "$problems" ]; then
  printf '%s\n' "$problems"
  exit 1
fi
exit 0
