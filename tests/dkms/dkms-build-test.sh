#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `dkms build` of the module exactly as installed by `make install` / procsentry-dkms, against the
# headers of this machine's own Debian kernel package (linux-headers-amd64, which .ci/run installs
# through scripts/install-deps.sh), whatever kernel the machine runs.  DKMS works in a private tree
# under $BUILD/dkms-test, and in a private mount namespace a tmpfs hides /var/lib/dkms, so the
# signing key DKMS makes for itself is thrown away and the host's DKMS state is never touched.
#
#   tests/dkms/dkms-build-test.sh [KERNEL_RELEASE]      (default: the one linux-headers-amd64 names)
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
VERSION=${VERSION:-$(sed -n 's/^VERSION := //p' "$TOP/Makefile")}
W=$BUILD/dkms-test
log() { echo "dkms-build-test: $*"; }
die() { log "$*" >&2; exit 1; }

krel=${1:-}
if [ -z "$krel" ]; then
	hdr=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null | tr ',' '\n' |
		sed -n 's/^ *linux-headers-\([0-9][^ ]*-amd64\).*/\1/p' | head -n1) ||
		true
	[ -n "$hdr" ] || die "linux-headers-amd64 is not installed (scripts/install-deps.sh installs it)"
	krel=$hdr
fi
[ -e "/lib/modules/$krel/build" ] || die "no headers for $krel in /lib/modules/$krel/build (apt-get install linux-headers-$krel)"
command -v dkms >/dev/null || die "dkms is missing (apt-get install dkms)"

rm -rf "$W"
mkdir -p "$W/tree"
make -s -C "$TOP" install-dkms-src DESTDIR="$W/root" VERSION="$VERSION"

run_dkms() {
	dkms "$@" -m procsentry -v "$VERSION" --sourcetree "$W/root/usr/src" --dkmstree "$W/tree"
}
export -f run_dkms
export W VERSION krel
steps='set -e
	mount -t tmpfs -o mode=0700 procsentry-dkms-test /var/lib/dkms
	run_dkms add
	run_dkms build -k "$krel"
	cp /var/lib/dkms/mok.pub "$W/mok.pub" 2>/dev/null || true'
if ! unshare -m --propagation private true 2>/dev/null; then
	die "unshare -m is not permitted here: refusing to let DKMS write its signing key to /var/lib/dkms"
fi
mkdir -p /var/lib/dkms
log "dkms build procsentry/$VERSION for $krel"
if ! unshare -m --propagation private bash -c "$steps" > "$W/dkms.log" 2>&1; then
	cat "$W/dkms.log" >&2
	find "$W/tree" -name make.log -exec tail -n 40 {} \; >&2
	die "dkms build failed for $krel"
fi

ko=$(find "$W/tree/procsentry/$VERSION/$krel" -name procsentry.ko | head -n1)
[ -n "$ko" ] || { cat "$W/dkms.log" >&2; die "dkms build left no procsentry.ko for $krel"; }
fails=0
expect() { # what got wanted
	if [ "$2" = "$3" ]; then log "ok: $1 = $2"; else log "FAIL: $1 = '$2', want '$3'" >&2; fails=$((fails + 1)); fi
}
expect "module version" "$(modinfo -F version "$ko")" "$VERSION"
expect "vermagic kernel" "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" "$krel"
expect "module name" "$(modinfo -F name "$ko")" procsentry
# DKMS signs with its MOK key when the kernel's sign-file exists (docs/INSTALL.md, Secure Boot).
if grep -q '^Sign command: .*sign-file' "$W/dkms.log" && ! grep -q "won't be signed" "$W/dkms.log"; then
	expect "signed by the DKMS key" "$(modinfo -F signer "$ko" | grep -c .)" 1
fi
[ "$fails" -eq 0 ] || die "$fails check(s) failed ($W/dkms.log)"
log "procsentry/$VERSION built by DKMS for $krel: $ko"
