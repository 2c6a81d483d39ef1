#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run a script inside a root filesystem with /proc, /sys and a minimal /dev mounted, and unmount
# them on every exit.  Called by run.sh inside `unshare --mount`, so the mounts are private to
# this process tree and vanish with it even if the trap never runs (SIGKILL).
#
#   chroot-mounts.sh <rootfs> <script inside rootfs> [args...]
set -euo pipefail

root=${1:?usage: chroot-mounts.sh <rootfs> <script> [args...]}
script=${2:?usage: chroot-mounts.sh <rootfs> <script> [args...]}
shift 2

mounted=()
cleanup() {
  local i
  # Innermost first.
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount -l "${mounted[$i]}" 2>/dev/null || echo "chroot-mounts: could not unmount ${mounted[$i]}" >&2
  done
}
trap cleanup EXIT
mnt() {
  # mnt <target> <mount args...>
  local target=$1
  shift
  mkdir -p "$target"
  mount "$@" "$target"
  mounted+=("$target")
}

mnt "$root/proc" -t proc proc
mnt "$root/sys" -t sysfs sysfs -o ro
# A /dev of our own (tmpfs + the few nodes package scripts use) rather than the host's /dev
# bind-mounted: nothing run in the chroot can reach the host's devices.
mnt "$root/dev" -t tmpfs devtmp -o mode=0755,nosuid
mknod -m 0666 "$root/dev/null" c 1 3
mknod -m 0666 "$root/dev/zero" c 1 5
mknod -m 0666 "$root/dev/full" c 1 7
mknod -m 0666 "$root/dev/random" c 1 8
mknod -m 0666 "$root/dev/urandom" c 1 9
mknod -m 0666 "$root/dev/tty" c 5 0
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"
mnt "$root/dev/pts" -t devpts devpts -o newinstance,ptmxmode=0666
ln -s pts/ptmx "$root/dev/ptmx"
mnt "$root/dev/shm" -t tmpfs shm -o mode=1777,nosuid,nodev
mnt "$root/run" -t tmpfs run -o mode=0755,nosuid,nodev

# A clean environment: nothing of the host's (locale, paths) leaks into package scripts.
chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  DEBIAN_FRONTEND=noninteractive /bin/bash "$script" "$@"
