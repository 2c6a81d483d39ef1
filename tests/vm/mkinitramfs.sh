#!/usr/bin/env bash
# Build the busybox initramfs that boots one test kernel.
#
#   tests/vm/mkinitramfs.sh <5.10|6.1|6.12> <outfile> [--bench]
#
# Contents: busybox (static) with all applets, /init (tests/vm/guest/init), the module built for
# that kernel at /lib/modules/procsentry.ko (test-only modules such as escalate/ beside it as
# /lib/modules/<name>.ko), procsentryd, procsentryctl and procsentry-* programs from
# build/daemon/ with their shared libraries (not the unit-test programs), every executable of
# build/scenarios/ in /tests/bin/, the guest scripts and the scenario list, and the daemon
# end-to-end suite (tests/vm/daemon/*.sh and *.json, build/e2e/ helper) in /tests/e2e/.
# --bench also adds build/bench/ executables (in /bench/bin), auditd tools, and makes /init
# run /bench/run.sh (bench/in-guest.sh) by default.
# PROCSENTRY_KO names another procsentry.ko.
# To test the harness itself: PROCSENTRY_SCENARIOS_DIR, PROCSENTRY_SCENARIOS_LIST and
# PROCSENTRY_DAEMON_DIR replace build/scenarios, tests/vm/scenarios.list and build/daemon.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
VM=$TOP/tests/vm
series=${1:?usage: mkinitramfs.sh <series> <outfile> [--bench]}
outfile=${2:?usage: mkinitramfs.sh <series> <outfile> [--bench]}
bench=0
[ "${3:-}" = --bench ] && bench=1

# PROCSENTRY_KO: a module built elsewhere (make bench builds its own, in a private tree).
ko=${PROCSENTRY_KO:-$BUILD/kernels/$series/src/kmod/procsentry.ko}
[ -f "$ko" ] || { echo "mkinitramfs: $ko missing (run tests/vm/build-module.sh $series)" >&2; exit 1; }
BUSYBOX=/bin/busybox
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' || [ ! -x /usr/bin/file ] \
  || { echo "mkinitramfs: $BUSYBOX is not static (install busybox-static)" >&2; exit 1; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/procsentry-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
# mktemp made it 0700: as the initramfs root it must let uid 1000 (alice) in.
chmod 0755 "$stage"
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,lib/modules,tests/bin}

cp "$BUSYBOX" "$stage/bin/busybox"
# One symlink per applet at busybox's own idea of its path (bin/sh, sbin/insmod, usr/bin/timeout).
for a in $("$BUSYBOX" --list-full); do
  [ -e "$stage/$a" ] || ln -s /bin/busybox "$stage/$a"
done

# Copy a dynamic executable plus the libraries and loader ldd reports, at the same paths.
copy_with_libs() {
  local bin=$1 dest=$2 lib
  install -D -m 0755 "$bin" "$stage$dest"
  # ldd fails on static binaries: nothing more to copy then.
  for lib in $(ldd "$bin" 2>/dev/null | awk '/=> \// { print $3 } /^[[:space:]]*\// { print $1 }'); do
    [ -e "$stage$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$stage$lib"
  done
}

install -m 0644 "$ko" "$stage/lib/modules/procsentry.ko"
# Test-only helper modules (tests/vm/<dir>/Kbuild, built by build-module.sh), by their own name.
for m in "$BUILD/kernels/$series"/src/testmod-*/*.ko; do
  [ -f "$m" ] && install -m 0644 "$m" "$stage/lib/modules/${m##*/}"
done
install -m 0755 "$VM/guest/init" "$stage/init"
install -m 0755 "$VM/run-in-guest.sh" "$stage/tests/run-in-guest.sh"
install -m 0755 "$VM/demo-in-guest.sh" "$stage/tests/demo-in-guest.sh"
# Overridable to test the harness itself with a stand-in scenario binary.
SCEN_DIR=${PROCSENTRY_SCENARIOS_DIR:-$BUILD/scenarios}
SCEN_LIST=${PROCSENTRY_SCENARIOS_LIST:-$VM/scenarios.list}
if [ -f "$SCEN_LIST" ]; then install -m 0644 "$SCEN_LIST" "$stage/tests/scenarios.list"; fi

# Userspace from the daemon build (procsentry-dump and friends), if it was built.
DAEMON_DIR=${PROCSENTRY_DAEMON_DIR:-$BUILD/daemon}
if [ -d "$DAEMON_DIR" ]; then
  while IFS= read -r -d '' f; do
    copy_with_libs "$f" "/usr/bin/${f##*/}"
  done < <(find "$DAEMON_DIR" -maxdepth 1 -type f \( -name 'procsentry-*' -o -name procsentryd \
             -o -name procsentryctl \) -perm -u+x -print0)
fi
# The daemon's end-to-end suite (run by run-in-guest.sh after the scenarios, and by the demo).
mkdir -p "$stage/tests/e2e/bin"
for f in "$VM"/daemon/*.sh "$VM"/daemon/*.json; do
  if [ -f "$f" ]; then install -m 0644 "$f" "$stage/tests/e2e/${f##*/}"; fi
done
# The shipped default configuration, where the package installs it (the suite runs the daemon on it).
if [ -f "$TOP/daemon/etc/procsentry.json" ]; then
  install -D -m 0644 "$TOP/daemon/etc/procsentry.json" "$stage/etc/procsentry/procsentry.json"
fi
if [ -x "$BUILD/e2e/procsentry-e2e-helper" ]; then
  install -m 0755 "$BUILD/e2e/procsentry-e2e-helper" "$stage/tests/e2e/bin/procsentry-e2e-helper"
fi
# Scenario binaries (static, from tests/vm/scenarios/).
if [ -d "$SCEN_DIR" ]; then
  while IFS= read -r -d '' f; do
    copy_with_libs "$f" "/tests/bin/${f##*/}"
  done < <(find "$SCEN_DIR" -maxdepth 1 -type f -perm -u+x -print0)
fi

echo /tests/run-in-guest.sh > "$stage/etc/procsentry-run"
if [ $bench -eq 1 ]; then
  mkdir -p "$stage/bench/bin"
  if [ -d "$BUILD/bench" ]; then
    while IFS= read -r -d '' f; do
      copy_with_libs "$f" "/bench/bin/${f##*/}"
    done < <(find "$BUILD/bench" -maxdepth 1 -type f -perm -u+x -print0)
    # procsentryd's benchmark configurations (bench/run-bench.sh puts them there).
    for f in "$BUILD"/bench/*.json; do
      if [ -f "$f" ]; then install -m 0644 "$f" "$stage/bench/${f##*/}"; fi
    done
  fi
  # The auditd baseline the benchmark compares against.
  for t in /sbin/auditd /sbin/auditctl; do
    if [ -x "$t" ]; then copy_with_libs "$t" "$t"; fi
  done
  if [ -f "$TOP/bench/in-guest.sh" ]; then
    install -m 0755 "$TOP/bench/in-guest.sh" "$stage/bench/run.sh"
    echo /bench/run.sh > "$stage/etc/procsentry-run"
  fi
fi

# /dev/console for the kernel to open before devtmpfs is up (the built-in cpio also has one).
if [ "$(id -u)" -eq 0 ]; then mknod -m 600 "$stage/dev/console" c 5 1; fi

mkdir -p "$(dirname "$outfile")"
# gzip -1: every Debian kernel decompresses gzip; level barely matters for size here.
(cd "$stage" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner=0:0 --quiet) \
  | gzip -1 > "$outfile.tmp"
mv "$outfile.tmp" "$outfile"
echo "mkinitramfs: $outfile ($(du -h "$outfile" | cut -f1))"
