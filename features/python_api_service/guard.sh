#!/bin/sh
# python_api_service guard: exits 0 when python3 and pip3 are installed and virtualenvs can be created.
# Runs inside the container; read-only, no network.
# `import venv` alone is not enough on Debian/Ubuntu: the venv module ships with python3 but ensurepip comes
# from python3-venv, and without it `python3 -m venv` fails.
#
# Inputs (environment): none.
# Exit: 0 installed; 1 not installed (one line on stdout says what is missing).
set -u

missing=""
command -v python3 >/dev/null 2>&1 || missing="python3"
command -v pip3 >/dev/null 2>&1 || missing="${missing:+$missing }pip3"
if [ -z "$missing" ] || [ "$missing" = pip3 ]; then
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing="${missing:+$missing }venv"
fi
if [ -n "$missing" ]; then
  echo "missing: $missing"
  exit 1
fi
exit 0
