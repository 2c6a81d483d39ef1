#!/usr/bin/env bash
# Kernel coding style check of kmod/ and the ABI header with the kernel's own checkpatch.pl,
# taken from Debian's linux-source package (cached; no kernel tree needed).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/procsentry/checkpatch
tool=$CACHE/scripts/checkpatch.pl
if [ ! -x "$tool" ]; then
  mkdir -p "$CACHE"
  deb=$(ls "$CACHE"/linux-source-*_all.deb 2>/dev/null | head -n1 || true)
  if [ -z "$deb" ]; then
    (cd "$CACHE" && apt-get download linux-source-6.1 >/dev/null 2>&1) \
      || { apt-get update -qq && (cd "$CACHE" && apt-get download linux-source-6.1); }
    deb=$(ls "$CACHE"/linux-source-*_all.deb | head -n1)
  fi
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  dpkg -x "$deb" "$tmp"
  tarball=$(ls "$tmp"/usr/src/linux-source-*.tar.* | head -n1)
  tar -xaf "$tarball" -C "$tmp" --wildcards --strip-components=1 \
    '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
  mkdir -p "$CACHE/scripts"
  cp "$tmp"/scripts/checkpatch.pl "$tmp"/scripts/spelling.txt \
    "$tmp"/scripts/const_structs.checkpatch "$CACHE/scripts/"
  chmod +x "$tool"
fi
cd "$TOP"
# --no-tree: an out-of-tree module; SPDX and the rest are still checked.  compat.h is the one
# file allowed to compare kernel versions (it exists for that).
args=(--no-tree --terse --show-types --ignore FILE_PATH_CHANGES)
rc=0
"$tool" "${args[@]}" -f $(ls kmod/*.c kmod/*.h include/procsentry/*.h | grep -v compat.h) || rc=1
"$tool" "${args[@]}" --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f kmod/compat.h || rc=1
[ $rc -eq 0 ] && echo "checkpatch: kmod/ and include/ clean"
exit $rc
