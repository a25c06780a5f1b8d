#!/bin/sh
# ollama install: the official installer (binary, ollama user, systemd unit), then one unit that names the
# binary the PATH resolves to, plus a drop-in for OLLAMA_HOST. The original wrote a unit with
# /usr/local/bin/ollama and its application script another with /usr/bin/ollama; here the unit's ExecStart is
# always `$(command -v ollama) serve` and settings live only in the drop-in, so nothing else rewrites the unit.
# Idempotent: the installer runs only when ollama is missing; files change only when their content differs.
#
# Inputs (environment):
#   PHX_OLLAMA_INSTALL_URL  optional, installer script URL (default: https://ollama.com/install.sh)
#   PHX_OLLAMA_HOST         optional, OLLAMA_HOST of the service, <address>:<port> (default: 0.0.0.0:11434)
# Exit: 0 done; other non-zero: the failing step's status.
set -eu

install_url=${PHX_OLLAMA_INSTALL_URL:-https://ollama.com/install.sh}
host=${PHX_OLLAMA_HOST:-0.0.0.0:11434}
port=${host##*:}
unit=/etc/systemd/system/ollama.service
dropin=/etc/systemd/system/ollama.service.d/phoenix.conf

say() { printf '[ollama] %s\n' "$*"; }
die() { printf '[ollama] error: %s\n' "$2" >&2; exit "$1"; }

# @include lib/apt.sh
api_up() { curl -fsS -m 5 -o /dev/null "http://127.0.0.1:$port/api/tags" 2>/dev/null; }

case $port in '' | *[!0-9]*) die 2 "PHX_OLLAMA_HOST must be <address>:<port>, got '$host'" ;; esac

if ! command -v curl >/dev/null 2>&1 || ! command -v zstd >/dev/null 2>&1; then
  say "installing prerequisites"
  apt_update
  # The installer downloads with curl and unpacks .tar.zst archives in recent releases.
  apt_get -y -q --no-install-recommends install ca-certificates curl zstd
fi

if ! command -v ollama >/dev/null 2>&1; then
  say "running the installer from $install_url"
  curl -fsSL "$install_url" -o /tmp/ollama-install.sh
  sh /tmp/ollama-install.sh
  rm -f /tmp/ollama-install.sh
fi
bin=$(command -v ollama) || die 1 "the installer finished but no ollama is on PATH"
say "binary: $bin"

if [ -d /run/systemd/system ]; then
  changed=0
  if [ ! -f "$unit" ]; then
    getent passwd ollama >/dev/null 2>&1 || useradd -r -s /bin/false -U -m -d /usr/share/ollama ollama
    printf '%s\n' "[Unit]" "Description=Ollama Service" "After=network-online.target" "" \
      "[Service]" "ExecStart=$bin serve" "User=ollama" "Group=ollama" "Restart=always" "RestartSec=3" "" \
      "[Install]" "WantedBy=multi-user.target" > "$unit"
    changed=1
  elif ! grep -qxF "ExecStart=$bin serve" "$unit"; then
    say "pointing $unit at $bin"
    sed -i "s|^ExecStart=.*|ExecStart=$bin serve|" "$unit"
    changed=1
  fi
  mkdir -p "${dropin%/*}"
  printf '%s\n' "[Service]" "Environment=\"OLLAMA_HOST=$host\"" | write_if_changed "$dropin" && changed=1
  systemctl daemon-reload
  systemctl enable --quiet ollama
  if [ "$changed" = 1 ] || ! systemctl is-active --quiet ollama; then
    say "restarting ollama"
    systemctl restart ollama
  fi
elif ! api_up; then
  # No systemd as init: run the server detached; it lasts until the container restarts.
  say "starting ollama serve (no systemd)"
  OLLAMA_HOST=$host nohup "$bin" serve >> /var/log/ollama.log 2>&1 &
fi

i=0
until api_up; do
  i=$((i + 1))
  [ "$i" -lt 30 ] || die 1 "ollama API did not answer on 127.0.0.1:$port within 30 s"
  sleep 1
done
say "done"
