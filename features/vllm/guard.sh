#!/bin/sh
# vllm guard: exits 0 when the virtualenv /opt/vllm holds the wanted vLLM version. Runs inside the container;
# read-only, no network. It reads the installed distribution's metadata instead of importing vllm, which pulls
# in torch and CUDA and takes seconds; verify.sh does the real import.
#
# Inputs (environment):
#   PHX_VLLM_VERSION  optional, the exact vLLM version wanted (default: 0.10.2)
# Exit: 0 installed; 1 not installed (one line on stdout says what is missing).
set -u

version=${PHX_VLLM_VERSION:-0.10.2}
python=/opt/vllm/bin/python

if [ ! -x "$python" ]; then
  echo "vllm virtualenv missing ($python not found)"
  exit 1
fi
if ! got=$("$python" -c 'import importlib.metadata as m; print(m.version("vllm"))' 2>/dev/null); then
  echo "vllm not installed in /opt/vllm"
  exit 1
fi
if [ "$got" != "$version" ]; then
  echo "vllm $got installed, wanted $version"
  exit 1
fi
exit 0
