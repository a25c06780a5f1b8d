#!/bin/sh
# nvidia guard: exits 0 when the passed-through GPU devices are present, nvidia-smi reports exactly the wanted
# driver version for every GPU, and the CUDA compiler runs. Runs inside the container; read-only, no network.
#
# Inputs (environment):
#   PHX_NVIDIA_DRIVER_VERSION  required, e.g. 580.76.05; compared as an exact string with every GPU's version
#   PHX_NVIDIA_GPUS            optional, comma-separated GPU indices passed through, e.g. "0,1" (spaces allowed);
#                              "" or "none" = no per-GPU device is checked (default: "")
# Exit: 0 installed; 1 not installed (one line on stdout says what is missing); 2 bad input.
set -u

version=${PHX_NVIDIA_DRIVER_VERSION:-}
gpus=${PHX_NVIDIA_GPUS:-}
nvcc=/usr/local/cuda/bin/nvcc
problems=""
add_problem() { problems="${problems:+$problems; }$1"; }

if [ -z "$version" ]; then
  echo "PHX_NVIDIA_DRIVER_VERSION is not set" >&2
  exit 2
fi
[ "$gpus" != none ] || gpus=""
gpus=$(printf '%s' "$gpus" | tr ',' ' ')
for i in $gpus; do
  case $i in *[!0-9]*) echo "PHX_NVIDIA_GPUS must list GPU indices, got '$i'" >&2; exit 2 ;; esac
done

# The device nodes come from the node's lxc.mount.entry lines; without them nothing below can work.
absent=""
for dev in /dev/nvidiactl $(for i in $gpus; do printf '/dev/nvidia%s ' "$i"; done); do
  [ -c "$dev" ] || absent="${absent:+$absent }$dev"
done
[ -z "$absent" ] || add_problem "GPU devices not passed through: $absent"

if ! command -v nvidia-smi >/dev/null 2>&1; then
  add_problem "nvidia-smi not installed"
elif ! reported=$(nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>&1); then
  # e.g. "Failed to initialize NVML: Driver/library version mismatch" when the userspace differs from the host.
  add_problem "nvidia-smi failed: $(printf '%s' "$reported" | head -n 1)"
elif [ -z "$reported" ]; then
  add_problem "nvidia-smi lists no GPU"
else
  wrong=$(printf '%s\n' "$reported" | tr -d ' \r' | grep -vxF "$version" | sort -u | tr '\n' ' ')
  [ -z "$wrong" ] || add_problem "driver version ${wrong% }, wanted $version"
fi

if [ ! -x "$nvcc" ]; then
  add_problem "CUDA toolkit not installed ($nvcc missing)"
elif ! "$nvcc" --version >/dev/null 2>&1; then
  add_problem "$nvcc --version failed"
fi

if [ -n "$problems" ]; then
  printf '%s\n' "$problems"
  exit 1
fi
exit 0
