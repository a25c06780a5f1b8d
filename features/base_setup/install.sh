#!/bin/sh
# base_setup install: installs the base packages and generates the locale, setting it as LANG. Idempotent:
# only missing packages are installed, and the locale steps rewrite the same state.
# Runs inside the container as root; needs the distribution's apt repositories.
#
# Inputs (environment):
#   PHX_BASE_PACKAGES  optional, space-separated package list; replaces the default list
#                      (default: ca-certificates curl wget vim htop jq git rsync gnupg locales)
#   PHX_LOCALE         optional, the locale to generate and set as LANG (default: en_US.UTF-8)
# Exit: 0 done; non-zero failed (the last lines say which step).
set -eu

packages=${PHX_BASE_PACKAGES:-ca-certificates curl wget vim htop jq git rsync gnupg locales}
wanted_locale=${PHX_LOCALE:-en_US.UTF-8}

say() { printf '[base_setup] %s\n' "$*"; }

# Non-interactive apt: no debconf prompts, no pty progress bars, keep existing conffiles, wait for a dpkg lock
# held by unattended-upgrades in a freshly booted container instead of failing.
# @include lib/apt.sh
is_installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]; }

# locale-gen comes from the locales package even when an override list leaves it out.
missing=""
for pkg in $packages locales; do
  is_installed "$pkg" || case " $missing " in *" $pkg "*) ;; *) missing="${missing:+$missing }$pkg" ;; esac
done
if [ -n "$missing" ]; then
  say "installing: $missing"
  apt_update
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  apt_install $missing
else
  say "packages already installed"
fi

# Debian's locale-gen compiles what /etc/locale.gen lists; Ubuntu's also takes the locale as an argument.
case $wanted_locale in
  *.*) charset=${wanted_locale#*.} ;;
  *) charset=ISO-8859-1 ;;
esac
line="$wanted_locale $charset"
touch /etc/locale.gen
locale_gen_changed=1
line_re=$(printf '%s' "$line" | sed 's/[]\/$*.^[]/\\&/g')   # as a basic regular expression
if grep -qxF "$line" /etc/locale.gen; then
  locale_gen_changed=0
elif grep -q "^#[[:space:]]*${line_re}[[:space:]]*\$" /etc/locale.gen; then
  say "enabling $line in /etc/locale.gen"
  sed -i "s/^#[[:space:]]*\($line_re\)[[:space:]]*\$/\1/" /etc/locale.gen
else
  say "adding $line to /etc/locale.gen"
  printf '%s\n' "$line" >> /etc/locale.gen
fi
normalised="${wanted_locale%%.*}.$(printf '%s' "$charset" | tr '[:upper:]' '[:lower:]' | tr -d '-')"
if [ "$locale_gen_changed" = 1 ] || ! locale -a | grep -qxF "$normalised"; then
  say "generating locale $wanted_locale"
  locale-gen
  locale -a | grep -qxF "$normalised" || locale-gen "$wanted_locale"
fi
current_lang=$(sed -n 's/^[[:space:]]*LANG=//p' /etc/default/locale 2>/dev/null | tail -n 1 | tr -d "\"'")
if [ "$current_lang" != "$wanted_locale" ]; then
  say "setting LANG=$wanted_locale"
  update-locale "LANG=$wanted_locale"
fi
say "done"
