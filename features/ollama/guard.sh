#!/bin/sh
# ollama guard: exits 0 when the ollama binary is installed, its service runs with the wanted OLLAMA_HOST, and
# the API answers on the loopback address. Runs inside the container; read-only, talks only to 127.0.0.1.
#
# Inputs (environment):
#   PHX_OLLAMA_HOST  optional, OLLAMA_HOST of the service, <address>:<port> (default: 0.0.0.0:11434)
# Running means: with systemd as init, `systemctl is-active ollama` and the drop-in
# /etc/systemd/system/ollama.service.d/phoenix.conf sets OLLAMA_HOST; without systemd, the API answering.
# Exit: 0 installed; 1 not installed (one line on stdout says what is missing).
set -u

host=${PHX_OLLAMA_HOST:-0.0.0.0:11434}
port=${host##*:}
dropin=/etc/systemd/system/ollama.service.d/phoenix.conf
problems=""
add_problem() { problems="${problems:+$problems; }$1"; }

if ! command -v ollama >/dev/null 2>&1; then
  add_problem "ollama not installed"
elif [ -d /run/systemd/system ]; then
  grep -qxF "Environment=\"OLLAMA_HOST=$host\"" "$dropin" 2>/dev/null || add_problem "OLLAMA_HOST=$host not set in $dropin"
  systemctl is-active --quiet ollama || add_problem "ollama service not active ($(systemctl is-active ollama 2>/dev/null || true))"
fi
if [ -z "$problems" ]; then
  if ! command -v curl >/dev/null 2>&1; then
    add_problem "curl not installed (needed to probe the API)"
  elif ! curl -fsS -m 5 -o /dev/null "http://127.0.0.1:$port/api/tags" 2>/dev/null; then
    add_problem "ollama API not answering on 127.0.0.1:$port"
  fi
fi

if [ -n "$problems" ]; then
  printf '%s\n' "$problems"
  exit 1
fi
exit 0
