#!/bin/sh
# docker verify: the running daemon (not only daemon.json) uses the wanted storage driver and, when wanted, the
# nvidia runtime by default. Runs inside the container; no network (pulls nothing).
#
# Inputs (environment):
#   PHX_DOCKER_STORAGE_DRIVER  optional, storage driver the daemon must report (default: fuse-overlayfs)
#   PHX_DOCKER_NVIDIA_RUNTIME  optional, "1": the daemon's default runtime must be nvidia
# Exit: 0 works; 1 something failed (one line per failure on stdout).
set -u

storage_driver=${PHX_DOCKER_STORAGE_DRIVER:-fuse-overlayfs}
nvidia_runtime=${PHX_DOCKER_NVIDIA_RUNTIME:-0}

if ! docker --version >/dev/null 2>&1; then
  echo "docker --version failed"
  exit 1
fi
if ! info=$(docker info --format '{{.Driver}} {{.DefaultRuntime}}' 2>&1); then
  printf 'docker info failed: %s\n' "$(printf '%s' "$info" | tail -n 1)"
  exit 1
fi
failed=0
driver=${info%% *}
runtime=${info#* }
if [ "$driver" != "$storage_driver" ]; then
  echo "docker daemon uses storage driver '$driver', wanted '$storage_driver' (is daemon.json applied? restart docker)"
  failed=1
fi
if [ "$nvidia_runtime" = 1 ] && [ "$runtime" != nvidia ]; then
  echo "docker daemon default runtime is '$runtime', wanted 'nvidia'"
  failed=1
fi
exit "$failed"
