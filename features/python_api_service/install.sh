#!/bin/sh
# python_api_service install: python3, pip and venv from the distribution. Idempotent (apt skips what is
# installed).
#
# Inputs (environment): none.
# Exit: 0 done; other non-zero: the failing step's status.
set -eu

say() { printf '[python_api_service] %s\n' "$*"; }

# @include lib/apt.sh

say "installing python3 python3-pip python3-venv"
apt_update
apt_get -y -q --no-install-recommends install python3 python3-pip python3-venv
python3 --version
say "done"
