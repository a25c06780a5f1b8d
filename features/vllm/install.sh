#!/bin/sh
# vllm install: a Python virtualenv at /opt/vllm with vllm==<version> from PyPI (its wheel brings the matching
# CUDA build of torch). Idempotent: the virtualenv is reused, and pip leaves a satisfied pin alone or moves an
# installed vLLM to the wanted version. Needs a working GPU userspace (the nvidia feature) first.
#
# Inputs (environment):
#   PHX_VLLM_VERSION                optional, exact vLLM version (default: 0.10.2)
#   PHX_VLLM_TORCH_INDEX_URL        optional, extra pip index for torch wheels, e.g.
#                                   https://download.pytorch.org/whl/cu128 (default: none, PyPI only)
#   PHX_VLLM_FLASHINFER_VERSION     optional, also install flashinfer-python==<version> (default: not installed)
#   PHX_VLLM_TORCH_CUDA_ARCH_LIST   optional, written as TORCH_CUDA_ARCH_LIST to /etc/environment, e.g. "12.0"
#                                   for GPUs newer than the prebuilt kernels (default: not written)
# Exit: 0 done; 2 no working nvidia-smi; other non-zero: the failing step's status.
set -eu

version=${PHX_VLLM_VERSION:-0.10.2}
torch_index=${PHX_VLLM_TORCH_INDEX_URL:-}
flashinfer=${PHX_VLLM_FLASHINFER_VERSION:-}
arch_list=${PHX_VLLM_TORCH_CUDA_ARCH_LIST:-}
venv=/opt/vllm

say() { printf '[vllm] %s\n' "$*"; }
die() { printf '[vllm] error: %s\n' "$2" >&2; exit "$1"; }

# @include lib/apt.sh

nvidia-smi >/dev/null 2>&1 || die 2 "nvidia-smi does not work; vllm needs the nvidia feature (on this container or a clone ancestor)"

say "installing Python build prerequisites"
apt_update
# python3-dev and a compiler: triton compiles kernels at run time and needs Python.h and cc.
apt_get -y -q --no-install-recommends install ca-certificates python3 python3-venv python3-dev build-essential git

if [ ! -x "$venv/bin/python" ]; then
  say "creating virtualenv $venv"
  python3 -m venv "$venv"
fi
# --no-cache-dir: torch wheels are gigabytes; a pip cache would be cloned into every child container.
pip() { "$venv/bin/python" -m pip --no-cache-dir --disable-pip-version-check --progress-bar off "$@"; }
pip install --upgrade pip
say "installing vllm==$version (this downloads several GB)"
if [ -n "$torch_index" ]; then
  pip install --extra-index-url "$torch_index" "vllm==$version"
else
  pip install "vllm==$version"
fi
if [ -n "$flashinfer" ]; then
  say "installing flashinfer-python==$flashinfer"
  pip install "flashinfer-python==$flashinfer"
fi
if [ -n "$arch_list" ]; then
  touch /etc/environment
  sed -i '/^TORCH_CUDA_ARCH_LIST=/d' /etc/environment
  printf 'TORCH_CUDA_ARCH_LIST="%s"\n' "$arch_list" >> /etc/environment
fi
say "done"
