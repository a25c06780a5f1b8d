#!/bin/sh
# vllm verify: vllm imports and reports the wanted version, and torch sees a CUDA GPU.
#
# Inputs (environment):
#   PHX_VLLM_VERSION  optional, the exact vLLM version wanted (default: 0.10.2)
# Exit: 0 works; 1 something failed (one line per failure on stdout).
set -u

version=${PHX_VLLM_VERSION:-0.10.2}
python=/opt/vllm/bin/python
failed=0

if ! got=$("$python" -c 'import vllm; print(vllm.__version__)' 2>&1); then
  printf 'import vllm failed: %s\n' "$(printf '%s' "$got" | tail -n 1)"
  exit 1
fi
got=$(printf '%s' "$got" | tail -n 1)
if [ "$got" != "$version" ]; then
  echo "vllm reports version $got, wanted $version"
  failed=1
fi
if ! cuda=$("$python" -c 'import torch; print(torch.cuda.is_available())' 2>&1) || [ "$(printf '%s' "$cuda" | tail -n 1)" != True ]; then
  printf 'torch sees no CUDA GPU: %s\n' "$(printf '%s' "$cuda" | tail -n 1)"
  failed=1
fi
exit "$failed"
