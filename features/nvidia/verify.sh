#!/bin/sh
# nvidia verify: nvidia-smi sees every passed-through GPU with the wanted driver version, and nvcc runs.
#
# Inputs (environment):
#   PHX_NVIDIA_DRIVER_VERSION  required, exact driver version every GPU must report
#   PHX_NVIDIA_GPUS            optional, comma-separated GPU indices; nvidia-smi must list that many GPUs
# Exit: 0 works; 1 something failed (one line per failure on stdout); 2 bad input.
set -u

version=${PHX_NVIDIA_DRIVER_VERSION:-}
gpus=${PHX_NVIDIA_GPUS:-}
[ -n "$version" ] || { echo "PHX_NVIDIA_DRIVER_VERSION is not set" >&2; exit 2; }
[ "$gpus" != none ] || gpus=""
failed=0
fail() { printf '%s\n' "$1"; failed=1; }

if ! listed=$(nvidia-smi --query-gpu=index,name,driver_version --format=csv,noheader 2>&1); then
  fail "nvidia-smi failed: $(printf '%s' "$listed" | head -n 1)"
else
  wanted_count=$(printf '%s' "$gpus" | tr ',' ' ' | wc -w | tr -d ' ')
  count=$(printf '%s\n' "$listed" | grep -c .)
  [ "$wanted_count" = 0 ] || [ "$count" = "$wanted_count" ] || fail "nvidia-smi lists $count GPU(s), wanted $wanted_count"
  printf '%s\n' "$listed" | while IFS= read -r line; do
    [ "$(printf '%s' "${line##*,}" | tr -d ' \r')" = "$version" ] || echo "GPU $line: driver is not $version"
  done | grep . && failed=1
fi
/usr/local/cuda/bin/nvcc --version >/dev/null 2>&1 || fail "/usr/local/cuda/bin/nvcc --version failed"
exit "$failed"
