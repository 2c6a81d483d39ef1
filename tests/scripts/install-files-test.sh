#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make install-files DESTDIR=...`: the layout the packages and `make install` share (the file list
# of docs/INSTALL.md, modes, the DKMS tree's version) and that an edited configuration is never
# overwritten.  Host only, into a temporary DESTDIR; needs the daemon built in $BUILD.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
D=$(mktemp -d "${TMPDIR:-/tmp}/install-files-test.XXXXXX")
trap 'rm -rf "$D"' EXIT
fails=0 passes=0
check() {
	local name=$1
	shift
	if "$@"; then passes=$((passes + 1)); else fails=$((fails + 1)); echo "FAIL $name"; fi
}
mode_is() { [ "$(stat -c %a "$D$1")" = "$2" ]; }
inst() { make -s -C "$TOP" install-files DESTDIR="$D" BUILD="$BUILD" VERSION=9.8.7 INSTALL_SKIP_DAEMON=1; }

for f in procsentryd procsentryctl procsentry-dump; do
	[ -x "$BUILD/daemon/$f" ] || { echo "install-files-test: $BUILD/daemon/$f missing (make daemon)"; exit 1; }
done
inst > "$D.log" 2>&1 || { cat "$D.log"; exit 1; }
rm -f "$D.log"

for f in /usr/sbin/procsentryd /usr/sbin/procsentryctl /usr/sbin/procsentry-dump \
	/usr/lib/procsentry/procsentry-load-module; do
	check "$f executable 0755" mode_is "$f" 755
done
for f in /lib/systemd/system/procsentry.service /lib/systemd/system/procsentry-module.service \
	/etc/procsentry/procsentry.json /usr/src/procsentry-9.8.7/dkms.conf \
	/usr/src/procsentry-9.8.7/include/procsentry/procsentry_abi.h /usr/share/doc/procsentry/INSTALL.md; do
	check "$f 0644" mode_is "$f" 644
done
check "dkms.conf carries the version" grep -qx 'PACKAGE_VERSION="9.8.7"' "$D/usr/src/procsentry-9.8.7/dkms.conf"
check "every module source in the DKMS tree" \
	test "$(cd "$TOP/kmod" && find . -name "*.[ch]" | sort)" = "$(cd "$D/usr/src/procsentry-9.8.7/kmod" && find . -name "*.[ch]" | sort)"
check "no build products in the DKMS tree" \
	test -z "$(find "$D/usr/src" -name '*.o' -o -name '*.ko' -o -name '*.cmd' -o -name '*.mod*')"
check "the unit runs the installed loader" \
	grep -qx 'ExecStart=/usr/lib/procsentry/procsentry-load-module' "$D/lib/systemd/system/procsentry-module.service"

# Unchanged configuration: replaced silently.  Edited: kept, the new default next to it.
inst >/dev/null
check "unchanged config: no .dist" test ! -e "$D/etc/procsentry/procsentry.json.dist"
echo ' ' >> "$D/etc/procsentry/procsentry.json"
cp "$D/etc/procsentry/procsentry.json" "$D/edited"
out=$(inst)
check "edited config kept" cmp -s "$D/edited" "$D/etc/procsentry/procsentry.json"
check "new default as .dist" cmp -s "$TOP/daemon/etc/procsentry.json" "$D/etc/procsentry/procsentry.json.dist"
check "the kept file is announced" grep -q 'kept the edited .*/procsentry.json' <<<"$out"

echo "install-files-test: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
