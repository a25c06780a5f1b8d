#!/bin/sh
# python_api_service verify: a virtualenv can be created and its pip runs (then it is removed).
#
# Inputs (environment): none.
# Exit: 0 works; 1 something failed (one line on stdout).
set -u

dir=$(mktemp -d) || { echo "mktemp failed"; exit 1; }
trap 'rm -rf "$dir"' EXIT
if ! out=$(python3 -m venv "$dir/venv" 2>&1); then
  printf 'python3 -m venv failed: %s\n' "$(printf '%s' "$out" | tail -n 1)"
  exit 1
fi
if ! out=$("$dir/venv/bin/pip" --version 2>&1); then
  printf 'pip in a new virtualenv failed: %s\n' "$(printf '%s' "$out" | tail -n 1)"
  exit 1
fi
pip3 --version >/dev/null 2>&1 || { echo "pip3 --version failed"; exit 1; }
exit 0
