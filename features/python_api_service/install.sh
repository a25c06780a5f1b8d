#!/bin/sh
# python_api_service install: python3, pip and venv from the distribution. Idempotent (apt skips what is
# installed).
#
# Inputs (environment): none.
# Exit: 0 done; other non-zero: the failing step's status.
set -eu

say() { printf '[python_api_service] %s\n' "$*"; }

export DEBIAN_FRONTEND=noninteractive
apt_get() {
  apt-get -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300 \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}
apt_update() {
  apt_get -q update || { say "apt-get update failed; retrying once in 10 s"; sleep 10; apt_get -q update; }
}

say "installing python3 python3-pip python3-venv"
apt_update
apt_get -y -q --no-install-recommends install python3 python3-pip python3-venv
python3 --version
say "done"
