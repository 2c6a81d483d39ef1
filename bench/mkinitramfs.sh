#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The busybox initramfs of `make bench` (a trimmed copy of tests/vm/mkinitramfs.sh, so the
# benchmark does not depend on the test harness's build directories).
#
#   bench/mkinitramfs.sh <procsentry.ko> <outfile>
#
# Contents: static busybox with all applets, /init (tests/vm/guest/init), the module at
# /lib/modules/procsentry.ko, procsentry-* from $BUILD/daemon with their shared libraries,
# the bench programs of $BUILD/bench in /bench/bin, auditd and auditctl with their libraries,
# bench/in-guest.sh as /bench/run.sh (what /init runs).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
ko=${1:?usage: mkinitramfs.sh <procsentry.ko> <outfile>}
outfile=${2:?usage: mkinitramfs.sh <procsentry.ko> <outfile>}
[ -f "$ko" ] || { echo "bench/mkinitramfs: $ko missing" >&2; exit 1; }
BUSYBOX=/bin/busybox
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' || [ ! -x /usr/bin/file ] \
  || { echo "bench/mkinitramfs: $BUSYBOX is not static (install busybox-static)" >&2; exit 1; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/procsentry-bench-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,lib/modules,bench/bin}

cp "$BUSYBOX" "$stage/bin/busybox"
for a in $("$BUSYBOX" --list-full); do
  [ -e "$stage/$a" ] || ln -s /bin/busybox "$stage/$a"
done

# A dynamic executable plus the libraries and loader ldd reports, at the same paths.
copy_with_libs() {
  local bin=$1 dest=$2 lib
  install -D -m 0755 "$bin" "$stage$dest"
  for lib in $(ldd "$bin" 2>/dev/null | awk '/=> \// { print $3 } /^[[:space:]]*\// { print $1 }'); do
    [ -e "$stage$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$stage$lib"
  done
}

install -m 0644 "$ko" "$stage/lib/modules/procsentry.ko"
install -m 0755 "$TOP/tests/vm/guest/init" "$stage/init"
install -m 0755 "$TOP/bench/in-guest.sh" "$stage/bench/run.sh"
echo /bench/run.sh > "$stage/etc/procsentry-run"
if [ -d "$BUILD/daemon" ]; then
  while IFS= read -r -d '' f; do
    copy_with_libs "$f" "/usr/bin/${f##*/}"
  done < <(find "$BUILD/daemon" -maxdepth 2 -type f -name 'procsentry-*' -perm -u+x -print0)
fi
for f in psbench bench-true cnproc-listen rawreader; do
  copy_with_libs "$BUILD/bench/$f" "/bench/bin/$f"
done
# The auditd baseline.
for t in /sbin/auditd /sbin/auditctl; do
  if [ -x "$t" ]; then copy_with_libs "$t" "$t"; fi
done
if [ "$(id -u)" -eq 0 ]; then mknod -m 600 "$stage/dev/console" c 5 1; fi

mkdir -p "$(dirname "$outfile")"
(cd "$stage" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner=0:0 --quiet) \
  | gzip -1 > "$outfile.tmp"
mv "$outfile.tmp" "$outfile"
echo "bench/mkinitramfs: $outfile ($(du -h "$outfile" | cut -f1))"
