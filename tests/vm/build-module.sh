#!/usr/bin/env bash
# Build procsentry.ko against one unpacked Debian kernel (scripts/fetch-kernels.sh), and the
# test-only helper modules (every tests/vm/<dir>/ with a Kbuild, e.g. escalate/).
#
#   tests/vm/build-module.sh <5.10|6.1|6.12>
#
# kmod/ and include/ are copied to build/kernels/<series>/src/ so the three kernels never share
# object files.  Any compiler warning fails the build.  For testing the pipeline itself,
# PROCSENTRY_KMOD_SRC / PROCSENTRY_INCLUDE_SRC may point at other source dirs.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
series=${1:?usage: build-module.sh <5.10|6.1|6.12>}
out=$BUILD/kernels/$series
[ -f "$out/env" ] || bash "$TOP/scripts/fetch-kernels.sh" "$series" >/dev/null
# shellcheck source=/dev/null
. "$out/env"

# Same per-series lock as run-kernel.sh (which holds it already when it calls us).
if [ "${PROCSENTRY_VM_LOCKED:-}" != "$series" ]; then
  exec 9> "$out/.run.lock"
  flock 9
fi

ksrc=${PROCSENTRY_KMOD_SRC:-$TOP/kmod}
isrc=${PROCSENTRY_INCLUDE_SRC:-$TOP/include}
src=$out/src
rm -rf "$src"
mkdir -p "$src"
if [ -d "$isrc" ]; then cp -a "$isrc" "$src/include"; fi

# build_one <source dir> <name under src/>
build_one() {
  local from=$1 name=$2 dir=$src/$2 log=$out/build-$2.log rc
  cp -a "$from" "$dir"
  # Leftovers of an in-tree `make kmod` would confuse kbuild (stale .o/.cmd of another kernel).
  find "$dir" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' -o -name '.*.cmd' \
    -o -name Module.symvers -o -name modules.order \) -delete
  # CC=gcc: the 5.10 headers ask for gcc-10 (absent on Debian 12); the host gcc-12 builds fine.
  set +e
  make -C "$KDIR" M="$dir" CC=gcc -j"$(nproc)" modules > "$log" 2>&1
  rc=$?
  set -e
  cat "$log"
  if [ $rc -ne 0 ]; then
    echo "build-module: $series ($KREL): $name: make failed (rc=$rc), log: $log" >&2
    return 1
  fi
  # Kbuild's own notice that gcc is not the exact compiler of the Debian build is expected
  # (it is the same major version except on 5.10); every other warning fails.
  if grep -ai 'warning:' "$log" | grep -v 'the compiler differs from the one used to build the kernel' >&2; then
    echo "build-module: $series ($KREL): $name: warnings above are not allowed" >&2
    return 1
  fi
  ls "$dir"/*.ko >/dev/null 2>&1 || { echo "build-module: $name: no .ko produced" >&2; return 1; }
  echo "build-module: $series ($KREL): built $(ls "$dir"/*.ko)"
}

build_one "$ksrc" kmod
for d in "$TOP"/tests/vm/*/; do
  d=${d%/}
  [ -f "$d/Kbuild" ] && [ "${d##*/}" != scenarios ] || continue
  build_one "$d" "testmod-${d##*/}"
done
