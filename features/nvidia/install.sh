#!/bin/sh
# nvidia install: the NVIDIA userspace driver from the .run installer (no kernel module: the container shares the
# node's kernel, whose module must be the same version), then the CUDA toolkit from NVIDIA's apt repository.
# Idempotent: the runfile is skipped when nvidia-smi already reports the wanted version; repository files are
# rewritten only when their content differs.
#
# Inputs (environment):
#   PHX_NVIDIA_DRIVER_VERSION  required, the driver version the runfile installs, e.g. 580.76.05
#   PHX_NVIDIA_RUNFILE         required unless that version is already installed: path INSIDE the container of
#                              the .run installer; the provider downloads nvidia_runfile_url on the node and pushes
#                              it here (pct push) before running this script. Deleted after a successful install.
#   PHX_NVIDIA_REPO_URL        required, CUDA apt repository, e.g.
#                              https://developer.download.nvidia.com/compute/cuda/repos/ubuntu2404/x86_64/
#   PHX_NVIDIA_CUDA_PACKAGE    optional, toolkit package to install (default: cuda-toolkit-12-8)
#   PHX_NVIDIA_GPUS            optional, comma-separated GPU indices whose /dev/nvidia<i> must exist (default: "")
# Exit: 0 done; 2 bad input or GPU devices not passed through; other non-zero: the failing step's status.
set -eu

version=${PHX_NVIDIA_DRIVER_VERSION:-}
runfile=${PHX_NVIDIA_RUNFILE:-}
repo_url=${PHX_NVIDIA_REPO_URL:-}
cuda_package=${PHX_NVIDIA_CUDA_PACKAGE:-cuda-toolkit-12-8}
gpus=${PHX_NVIDIA_GPUS:-}

say() { printf '[nvidia] %s\n' "$*"; }
die() { printf '[nvidia] error: %s\n' "$2" >&2; exit "$1"; }

# @include lib/apt.sh
installed_version() { nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -n 1 | tr -d ' \r'; }

[ -n "$version" ] || die 2 "PHX_NVIDIA_DRIVER_VERSION is not set (config: nvidia_driver_version)"
[ -n "$repo_url" ] || die 2 "PHX_NVIDIA_REPO_URL is not set (config: nvidia_repo_url)"
case $repo_url in */) ;; *) repo_url="$repo_url/" ;; esac
[ "$gpus" != none ] || gpus=""

absent=""
for dev in /dev/nvidiactl $(printf '%s' "$gpus" | tr ',' ' ' | sed 's|[0-9][0-9]*|/dev/nvidia&|g'); do
  [ -c "$dev" ] || absent="${absent:+$absent }$dev"
done
[ -z "$absent" ] || die 2 "GPU devices not passed through: $absent; the node must map them (gpu_assignment) and restart the container"

say "installing prerequisites"
apt_update
apt_install ca-certificates curl pkg-config libglvnd-dev

if [ "$(installed_version)" = "$version" ]; then
  say "driver $version already installed"
else
  [ -n "$runfile" ] || die 2 "PHX_NVIDIA_RUNFILE is not set; the provider pushes the driver .run file into the container"
  [ -f "$runfile" ] || die 2 "driver installer $runfile not found in the container"
  say "installing driver userspace from $runfile"
  # The runfile is a makeself archive (sh). No kernel module, no DKMS, no nouveau/X checks: the node owns those.
  sh "$runfile" --silent --no-kernel-module --no-x-check --no-nouveau-check --no-nvidia-modprobe --no-dkms
  rm -f "$runfile"
  got=$(installed_version)
  [ "$got" = "$version" ] || die 1 "after the runfile nvidia-smi reports '${got}', wanted $version (does the runfile match nvidia_driver_version and the node's kernel module?)"
fi

say "configuring the CUDA repository $repo_url"
install -d -m 0755 /etc/apt/keyrings
# apt reads an ASCII-armoured key named *.asc directly, so no gpg --dearmor is needed.
key=$(curl -fsSL "${repo_url}3bf863cc.pub")   # in a variable: a failed download must stop the script
printf '%s\n' "$key" | write_if_changed /etc/apt/keyrings/cuda-archive-keyring.asc || true
chmod 0644 /etc/apt/keyrings/cuda-archive-keyring.asc
echo "deb [signed-by=/etc/apt/keyrings/cuda-archive-keyring.asc] $repo_url /" \
  | write_if_changed /etc/apt/sources.list.d/cuda.list || true
# NVIDIA's pin keeps its packages above the distribution's (…/repos/ubuntu2404/x86_64/ → cuda-ubuntu2404.pin).
distro_dir=$(printf '%s' "$repo_url" | awk -F/ '{ print $(NF - 2) }')
if pin=$(curl -fsSL "${repo_url}cuda-${distro_dir}.pin" 2>/dev/null); then
  printf '%s\n' "$pin" | write_if_changed /etc/apt/preferences.d/cuda-repository-pin-600 || true
else
  say "no pin file cuda-${distro_dir}.pin in the repository; continuing without it"
fi
apt_update
say "installing $cuda_package"
apt_install "$cuda_package"
/usr/local/cuda/bin/nvcc --version | tail -n 1
say "done"
