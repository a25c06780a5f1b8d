#!/bin/sh
# base_setup guard: exits 0 when the base packages are installed and the locale is generated and set as LANG.
# Runs inside the container; read-only, no network.
#
# Inputs (environment):
#   PHX_BASE_PACKAGES  optional, space-separated package list; replaces the default list
#                      (default: ca-certificates curl wget vim htop jq git rsync gnupg locales)
#   PHX_LOCALE         optional, the locale to generate and set as LANG (default: en_US.UTF-8)
# Exit: 0 installed; 1 not installed (one line on stdout says what is missing).
set -u

packages=${PHX_BASE_PACKAGES:-ca-certificates curl wget vim htop jq git rsync gnupg locales}
wanted_locale=${PHX_LOCALE:-en_US.UTF-8}
problems=""
add_problem() { problems="${problems:+$problems; }$1"; }

# Ask dpkg, not the PATH: gnupg and locales install no command of that name, which is why the original
# command-based probe always reported them missing and re-ran apt on every run.
missing=""
for pkg in $packages; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) || status=""
  [ "$status" = "install ok installed" ] || missing="${missing:+$missing }$pkg"
done
[ -z "$missing" ] || add_problem "missing packages: $missing"

# `locale -a` prints glibc's normalised names: codeset lower-cased without '-' (en_US.UTF-8 -> en_US.utf8).
case $wanted_locale in
  *.*) normalised="${wanted_locale%%.*}.$(printf '%s' "${wanted_locale#*.}" | tr '[:upper:]' '[:lower:]' | tr -d '-')" ;;
  *) normalised=$wanted_locale ;;
esac
if ! locale -a 2>/dev/null | grep -qxF "$normalised"; then
  add_problem "locale $wanted_locale not generated"
fi

# update-locale writes LANG=<value> unquoted; accept a quoted value written by hand too.
lang=""
if [ -r /etc/default/locale ]; then
  lang=$(sed -n 's/^[[:space:]]*LANG=//p' /etc/default/locale | tail -n 1 | tr -d "\"'")
fi
if [ -z "$lang" ]; then
  add_problem "LANG not set in /etc/default/locale (wanted $wanted_locale)"
elif [ "$lang" != "$wanted_locale" ]; then
  add_problem "LANG is $lang in /etc/default/locale, wanted $wanted_locale"
fi

if [ -n "$problems" ]; then
  printf '%s\n' "$problems"
  exit 1
fi
exit 0
