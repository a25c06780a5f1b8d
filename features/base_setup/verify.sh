#!/bin/sh
# base_setup verify: the guard's state plus the tools actually running and the locale being usable.
#
# Inputs (environment):
#   PHX_BASE_PACKAGES  optional, space-separated package list (default: see guard.sh)
#   PHX_LOCALE         optional, the locale that must work (default: en_US.UTF-8)
# Exit: 0 works; 1 something failed (one line per failure on stdout).
set -u

packages=${PHX_BASE_PACKAGES:-ca-certificates curl wget vim htop jq git rsync gnupg locales}
wanted_locale=${PHX_LOCALE:-en_US.UTF-8}
failed=0
fail() { printf '%s\n' "$1"; failed=1; }

for pkg in $packages; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) || status=""
  [ "$status" = "install ok installed" ] || fail "package $pkg is not installed (status: ${status:-unknown})"
done

# Run the commands of the default packages that install one, so a broken install (missing library) shows here.
for cmd in curl wget jq git rsync; do
  case " $packages " in *" $cmd "*) "$cmd" --version >/dev/null 2>&1 || fail "$cmd --version failed" ;; esac
done

# A locale that is listed but broken makes every program print "setlocale: cannot change locale".
out=$(LC_ALL=$wanted_locale locale 2>&1 >/dev/null) || out="locale exited non-zero"
[ -z "$out" ] || fail "locale $wanted_locale does not load: $out"

lang=$(sed -n 's/^[[:space:]]*LANG=//p' /etc/default/locale 2>/dev/null | tail -n 1 | tr -d "\"'")
[ "$lang" = "$wanted_locale" ] || fail "LANG in /etc/default/locale is '${lang}', wanted '$wanted_locale'"

exit "$failed"
