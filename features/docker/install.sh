#!/bin/sh
# docker install: Docker Engine from Docker's apt repository for this container's distribution (debian or
# ubuntu, read from /etc/os-release), the wanted storage driver in /etc/docker/daemon.json (deep-merged: other
# keys are kept), and with PHX_DOCKER_NVIDIA_RUNTIME=1 the NVIDIA container runtime as the default runtime.
# Idempotent: repository files and daemon.json are rewritten only when their content differs; docker is
# restarted only when daemon.json changed or the service is not running.
#
# Inputs (environment):
#   PHX_DOCKER_STORAGE_DRIVER  optional, storage driver (default: fuse-overlayfs; "overlay2" needs ZFS >= 2.2
#                              or a non-ZFS root filesystem; fuse-overlayfs needs /dev/fuse in the container)
#   PHX_DOCKER_NVIDIA_RUNTIME  optional, "1": install nvidia-container-toolkit and make "nvidia" the default
#                              runtime; needs a working nvidia-smi (the nvidia feature) first
# Exit: 0 done; 2 unsupported distribution or unusable input; other non-zero: the failing step's status.
set -eu

storage_driver=${PHX_DOCKER_STORAGE_DRIVER:-fuse-overlayfs}
nvidia_runtime=${PHX_DOCKER_NVIDIA_RUNTIME:-0}
nvidia_runtime_path=/usr/bin/nvidia-container-runtime
daemon_json=/etc/docker/daemon.json

say() { printf '[docker] %s\n' "$*"; }
die() { printf '[docker] error: %s\n' "$2" >&2; exit "$1"; }

# @include lib/apt.sh

case $storage_driver in
  *[!a-z0-9-]* | "") die 2 "PHX_DOCKER_STORAGE_DRIVER '$storage_driver' is not a storage driver name" ;;
esac
case $nvidia_runtime in 0 | 1) ;; *) die 2 "PHX_DOCKER_NVIDIA_RUNTIME must be 0 or 1, got '$nvidia_runtime'" ;; esac

[ -r /etc/os-release ] || die 2 "/etc/os-release missing; cannot tell which Docker repository to use"
# shellcheck disable=SC1091 # the container's own file
. /etc/os-release
distro=${ID:-}
codename=${VERSION_CODENAME:-${UBUNTU_CODENAME:-}}
case $distro in
  debian | ubuntu) ;;
  *) die 2 "Docker's apt repository has no '$distro' (from /etc/os-release); supported: debian, ubuntu" ;;
esac
[ -n "$codename" ] || die 2 "/etc/os-release has no VERSION_CODENAME; cannot pick the Docker repository"
if [ "$nvidia_runtime" = 1 ] && ! nvidia-smi >/dev/null 2>&1; then
  die 2 "PHX_DOCKER_NVIDIA_RUNTIME=1 but nvidia-smi does not work; install the nvidia feature first"
fi

say "installing prerequisites"
apt_update
apt_install ca-certificates curl jq
[ "$storage_driver" != fuse-overlayfs ] || apt_install fuse-overlayfs

arch=$(dpkg --print-architecture)
install -d -m 0755 /etc/apt/keyrings
# apt reads ASCII-armoured keys named *.asc directly, so no gpg --dearmor (and no gnupg) is needed.
say "configuring Docker's repository for $distro $codename ($arch)"
key=$(curl -fsSL "https://download.docker.com/linux/$distro/gpg")
printf '%s\n' "$key" | write_if_changed /etc/apt/keyrings/docker.asc || true
chmod 0644 /etc/apt/keyrings/docker.asc
echo "deb [arch=$arch signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/$distro $codename stable" \
  | write_if_changed /etc/apt/sources.list.d/docker.list || true

if [ "$nvidia_runtime" = 1 ]; then
  say "configuring NVIDIA's container toolkit repository"
  curl -fsSL https://nvidia.github.io/libnvidia-container/gpgkey -o /etc/apt/keyrings/nvidia-container-toolkit.asc
  chmod 0644 /etc/apt/keyrings/nvidia-container-toolkit.asc
  echo "deb [signed-by=/etc/apt/keyrings/nvidia-container-toolkit.asc] https://nvidia.github.io/libnvidia-container/stable/deb/$arch /" \
    | write_if_changed /etc/apt/sources.list.d/nvidia-container-toolkit.list || true
fi

apt_update
say "installing Docker Engine"
apt_install docker-ce docker-ce-cli containerd.io docker-buildx-plugin docker-compose-plugin
if [ "$nvidia_runtime" = 1 ]; then
  say "installing nvidia-container-toolkit"
  apt_install nvidia-container-toolkit
  # An unprivileged container cannot manage device cgroups; the host already grants the GPU devices.
  nvidia-ctk config --set nvidia-container-cli.no-cgroups=true --in-place
fi

say "merging $daemon_json"
install -d -m 0755 /etc/docker
current='{}'
if [ -s "$daemon_json" ]; then
  jq -e 'type == "object"' "$daemon_json" >/dev/null 2>&1 || die 2 "$daemon_json is not a JSON object; fix or remove it"
  current=$(cat "$daemon_json")
fi
if [ "$nvidia_runtime" = 1 ]; then
  wanted=$(jq -n --arg d "$storage_driver" --arg p "$nvidia_runtime_path" \
    '{"storage-driver": $d, "default-runtime": "nvidia", "runtimes": {"nvidia": {"path": $p, "runtimeArgs": []}}}')
else
  wanted=$(jq -n --arg d "$storage_driver" '{"storage-driver": $d}')
fi
config_changed=0
merged=$(printf '%s\n' "$current" | jq --argjson w "$wanted" '. * $w')
printf '%s\n' "$merged" | write_if_changed "$daemon_json" && config_changed=1

if [ -d /run/systemd/system ]; then
  systemctl enable --quiet docker
  if [ "$config_changed" = 1 ] || ! systemctl is-active --quiet docker; then
    say "restarting docker"
    systemctl restart docker
  fi
else
  # No systemd as init: docker-ce ships a SysV script; it only lasts until the container restarts.
  if [ "$config_changed" = 1 ] || ! docker info >/dev/null 2>&1; then
    say "restarting docker (no systemd: /etc/init.d/docker)"
    /etc/init.d/docker restart
  fi
fi
docker --version
say "done"
