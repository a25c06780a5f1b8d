#!/bin/sh
# Becomes PID 1 of a chroot-backend container. Started by chroot-backend.ts as
#   unshare --pid --fork --kill-child --mount --uts --ipc --propagation private -- sh ct-init.sh ROOTFS HOSTNAME READY_FILE
# so every mount below lives only in the container's private mount namespace: it vanishes
# with the namespace when this process dies, and the host never sees it.
#
# It mounts what apt, dpkg and shells expect (/proc, /sys read-only, a small /dev), sets the
# UTS hostname, writes READY_FILE, then execs a reaping init that sleeps until killed.
set -eu

root=$1
hostname=$2
ready=$3

mkdir -p "$root/proc" "$root/sys" "$root/dev" "$root/tmp"

# A fresh procfs: this process is PID 1 of a new PID namespace, so the container sees only
# its own processes, as under LXC.
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"

# /dev is a tmpfs with bind mounts of the host's harmless character devices (what LXC's
# autodev creates), a private devpts instance and a /dev/shm.
mount -t tmpfs -o mode=755,nosuid,size=65536k tmpfs "$root/dev"
for dev in null zero full random urandom tty; do
  : >"$root/dev/$dev"
  mount --bind "/dev/$dev" "$root/dev/$dev"
done
mkdir -p "$root/dev/pts" "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"

hostname "$hostname"

echo ready >"$ready"

# PID 1 must reap the orphans that daemons leave behind (otherwise `kill -0` on a dead
# daemon succeeds) and ignores signals it has no handler for, hence the explicit TERM.
exec perl -MPOSIX=WNOHANG -e '
  $0 = "phoenix-ct-init";
  $SIG{CHLD} = sub { 1 while waitpid(-1, WNOHANG) > 0 };
  $SIG{TERM} = sub { exit 0 };
  sleep while 1;
'
