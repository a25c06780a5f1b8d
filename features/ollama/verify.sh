#!/bin/sh
# ollama verify: the API answers and the ollama client can talk to the server.
#
# Inputs (environment):
#   PHX_OLLAMA_HOST  optional, OLLAMA_HOST of the service, <address>:<port> (default: 0.0.0.0:11434)
# Exit: 0 works; 1 something failed (one line per failure on stdout).
set -u

host=${PHX_OLLAMA_HOST:-0.0.0.0:11434}
port=${host##*:}
failed=0

curl -fsS -m 10 -o /dev/null "http://127.0.0.1:$port/api/tags" || { echo "ollama API not answering on 127.0.0.1:$port"; failed=1; }
if ! out=$(OLLAMA_HOST="127.0.0.1:$port" ollama list 2>&1); then
  printf 'ollama list failed: %s\n' "$(printf '%s' "$out" | tail -n 1)"
  failed=1
fi
exit "$failed"
