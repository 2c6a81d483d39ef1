#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Checks the systemd units of this directory without installing them:
#  1. `systemd-analyze verify` on copies whose ExecStart= binaries that are
#     not installed here (procsentryd) point at stand-in executables; any
#     line it prints (unknown key, bad value, missing binary) fails the check,
#     because verify itself exits 0 on most of them;
#  2. `systemd-analyze security --offline=yes` on procsentry.service, printing
#     the exposure score and failing above SECURITY_THRESHOLD (0-100 scale,
#     default 30 = exposure 3.0) so that a loosened unit is noticed.
# Usage: verify.sh [UNIT_DIR]   (default: this script's directory)
# UNITS (default: the daemon's two units) and SECURITY_UNIT (default procsentry.service) name
# other units of UNIT_DIR: systemd.mk checks the console's unit with the same script.
set -eu

unit_dir=${1:-$(cd "$(dirname "$0")" && pwd)}
threshold=${SECURITY_THRESHOLD:-30}
units=${UNITS:-"procsentry.service procsentry-module.service"}
security_unit=${SECURITY_UNIT:-procsentry.service}

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "verify.sh: systemd-analyze not found (apt-get install systemd)" >&2
	exit 1
fi
# Without this systemd tools may log to the journal instead of stderr.
SYSTEMD_LOG_TARGET=console
SYSTEMD_LOG_COLOR=0
SYSTEMD_PAGER=
export SYSTEMD_LOG_TARGET SYSTEMD_LOG_COLOR SYSTEMD_PAGER

tmp=$(mktemp -d "${TMPDIR:-/tmp}/procsentry-units.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/stand-in"

for u in $units; do
	[ -f "$unit_dir/$u" ] || { echo "verify.sh: $unit_dir/$u missing" >&2; exit 1; }
	cp "$unit_dir/$u" "$tmp/$u"
	# First word of each Exec*= line, without systemd's prefixes (-@:+!).
	sed -n 's/^Exec[A-Za-z]*=[-@:+!]*\([^ ]*\).*/\1/p' "$tmp/$u" | sort -u | while read -r bin; do
		[ -x "$bin" ] && continue
		stand_in="$tmp/stand-in/$(basename "$bin")"
		printf '#!/bin/sh\nexit 0\n' >"$stand_in"
		chmod 0755 "$stand_in"
		# Only whole-word occurrences right after Exec*=.
		sed -i -E "s#^(Exec[A-Za-z]*=[-@:+!]*)$bin( |\$)#\1$stand_in\2#" "$tmp/$u"
		echo "verify.sh: $u: $bin not installed here, verified with a stand-in"
	done
done

set --
for u in $units; do
	set -- "$@" "./$u"
done
status=0
out=$(cd "$tmp" && systemd-analyze verify --man=no "$@" 2>&1) || status=$?
if [ -n "$out" ] || [ "$status" -ne 0 ]; then
	echo "$out" | sed "s|$tmp/||g" >&2
	echo "verify.sh: systemd-analyze verify failed (exit $status)" >&2
	exit 1
fi
echo "verify.sh: systemd-analyze verify: $units OK"

if systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
	status=0
	report=$(cd "$tmp" && systemd-analyze security --offline=yes --threshold="$threshold" --no-pager \
		"./$security_unit" 2>&1) || status=$?
	score=$(echo "$report" | grep 'Overall exposure level' || true)
	if [ "$status" -ne 0 ]; then
		echo "$report" | sed "s|$tmp/||g" >&2
		echo "verify.sh: $security_unit exposure above ${threshold}/100 (or security failed, exit $status)" >&2
		exit 1
	fi
	echo "verify.sh: $security_unit: ${score#→ }"
else
	echo "verify.sh: this systemd-analyze has no security --offline; score not checked"
fi
