# shellcheck shell=sh
# Shared by the install scripts: non-interactive apt with a lock wait and one retry of `update`, and
# write_if_changed. Not run on its own: a script's `# @include lib/apt.sh` line is replaced by this text when the
# script is read (host/feature-files.ts), because scripts reach the container as text (`pct exec … sh -c`).
# The including script defines `say` (its log prefix).

export DEBIAN_FRONTEND=noninteractive
apt_get() {
  apt-get -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300 \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}
apt_update() {
  # Mirrors fail transiently (sync in progress, proxy hiccup): one retry, then give up loudly.
  apt_get -q update || { say "apt-get update failed; retrying once in 10 s"; sleep 10; apt_get -q update; }
}
apt_install() { apt_get -y -q --no-install-recommends install "$@"; }

# write_if_changed PATH: replaces PATH with stdin when the content differs; exit 0 when it wrote.
write_if_changed() {
  tmp="$1.phx-new"
  cat > "$tmp"
  if [ -f "$1" ] && cmp -s "$tmp" "$1"; then rm -f "$tmp"; return 1; fi
  mv "$tmp" "$1"
}
