#!/bin/sh
# Builds the tiny busybox root filesystem template used by the testbed's `pct create`.
#
# Usage: build-busybox-template.sh OUT_DIR
# Writes OUT_DIR/busybox-tiny_1.36_amd64.tar.gz and prints its path.
#
# The file name is fixed (the simulator refers to it); the busybox inside is whatever
# /bin/busybox the host has (Debian 12's busybox-static is 1.35). The output is
# byte-for-byte reproducible for a given /bin/busybox: fixed mtimes, owners, order and a
# gzip header without a name or timestamp.
set -eu

if [ "$#" -ne 1 ]; then
  echo "usage: $0 OUT_DIR" >&2
  exit 2
fi
out_dir=$1
busybox=${PHOENIX_BUSYBOX:-/bin/busybox}
name="busybox-tiny_1.36_amd64.tar.gz"

if [ ! -x "$busybox" ]; then
  echo "$busybox not found: install busybox-static (apt-get install busybox-static)" >&2
  exit 1
fi
# A dynamically linked busybox would not run inside the root filesystem, which has no libc.
if ! "$busybox" sh -c 'exit 0' || ldd "$busybox" >/dev/null 2>&1; then
  echo "$busybox is not a static busybox: install busybox-static" >&2
  exit 1
fi

mkdir -p "$out_dir"
work=$(mktemp -d "${TMPDIR:-/tmp}/phoenix-busybox.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
root=$work/rootfs
umask 022

mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/etc" \
  "$root/root" "$root/tmp" "$root/dev" "$root/proc" "$root/sys" "$root/run" \
  "$root/var/log" "$root/var/tmp" "$root/home"
cp "$busybox" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"

# A curated applet set rather than `busybox --install`: applets such as dpkg, rpm, init or
# wget would make feature guards believe the container has tools it does not really have.
applets="sh ash ls cat echo test [ [[ mkdir rmdir rm cp mv ln chmod chown chgrp grep egrep fgrep
  sed awk sleep usleep id env printf true false head tail wc uname hostname ps kill killall
  pidof which touch readlink realpath basename dirname find xargs sort uniq cut tr tee date
  stat mktemp expr seq timeout nproc df du pwd sync whoami groups yes md5sum sha256sum tar
  gzip gunzip zcat cmp diff od less more vi setsid start-stop-daemon logger su mkfifo
  uptime free"
for applet in $applets; do
  ln -s busybox "$root/bin/$applet"
done

cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$root/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
nobody:x:65534:
GROUP
cat >"$root/etc/shadow" <<'SHADOW'
root:*:19000:0:99999:7:::
nobody:*:19000:0:99999:7:::
SHADOW
chmod 0640 "$root/etc/shadow"
cat >"$root/etc/os-release" <<'OSRELEASE'
NAME="BusyBox"
ID=busybox
PRETTY_NAME="BusyBox tiny (Phoenix LXC testbed)"
VERSION_ID="1.36"
OSRELEASE
echo "localhost" >"$root/etc/hostname"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"
: >"$root/etc/resolv.conf"
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 0700 "$root/root"

# GNU tar flags make the archive reproducible; gzip -n drops the name and time stamp.
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu \
  -C "$root" -cf - . | gzip -n -9 >"$work/$name"
mv "$work/$name" "$out_dir/$name"
echo "$out_dir/$name"
