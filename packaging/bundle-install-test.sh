#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the offline bundle's install.sh (packaging/bundle-install.sh) on this host, with no
# root side effects: small fake .debs carrying the real packages' names and kinds of Depends, a
# fake dpkg-query reading a package list of the test's own, fake dkms/dpkg/systemctl/
# procsentryctl that only record their calls, and the kernel paths pointed at a temporary tree.
# Run by `make test-bundle`.  Exit 0 when every case passes.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
SCRIPT=$TOP/packaging/bundle-install.sh
T=$(mktemp -d /tmp/procsentry-bundle-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
KREL=$(uname -r)
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# --- fixtures -------------------------------------------------------------------------------
mkdeb() { # name version arch depends
	local d=$T/debsrc/$1
	mkdir -p "$d/DEBIAN" "$d/usr/share/doc/$1"
	printf 'Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: test <test@example.invalid>\nDepends: %s\nDescription: fake %s\n' \
		"$1" "$2" "$3" "$4" "$1" > "$d/DEBIAN/control"
	echo "$1" > "$d/usr/share/doc/$1/README"
	dpkg-deb --root-owner-group -Zgzip --build "$d" "$T/debs/${1}_${2}_${3}.deb" >/dev/null
}
mkdir -p "$T/debs"
mkdeb procsentry-dkms 9.9.9-1 all 'dkms (>= 2.1.0.0)'
mkdeb procsentry 9.9.9-1 amd64 \
	'libc6 (>= 2.34), libnl-3-200 (>= 3.2.7), libjsoncpp25 (>=1.9.5), procsentry-dkms (= 9.9.9-1), kmod, libalt-one | libalt-two, mail-transport-agent'

# A fresh bundle directory: the two .debs, install.sh, SHA256SUMS.
mkbundle() {
	local b=$T/$1
	rm -rf "$b"
	mkdir -p "$b"
	cp "$T"/debs/*.deb "$b/"
	install -m 0755 "$SCRIPT" "$b/install.sh"
	(cd "$b" && sha256sum ./*.deb install.sh | sed 's| \./| |' > SHA256SUMS)
	echo "$b"
}

# The "installed packages" of the fake dpkg-query: name TAB version TAB provides.
ALL_DB=$'libc6\t2.36-9\t\nlibnl-3-200\t3.7.0-0.2\t\nlibjsoncpp25\t1.9.5-4\t\nkmod\t30-1\t\nlibalt-two\t1.0\t\npostfix\t3.7\tmail-transport-agent, default-mta\ndkms\t3.0.10-8\t\n'
mkdir -p "$T/bin" "$T/modules/$KREL/build" "$T/sys" "$T/systemd" "$T/run"
cat > "$T/bin/dpkg-query" <<'EOF'
#!/bin/bash
# fake: dpkg-query -W -f=FORMAT [package]
fmt= name=
for a; do case $a in -W) ;; -f=*) fmt=${a#-f=} ;; *) name=$a ;; esac; done
found=0
while IFS=$'\t' read -r n v p; do
	[ -n "$n" ] || continue
	[ -z "$name" ] || [ "$n" = "$name" ] || continue
	found=1
	out=${fmt//'${Status}'/install ok installed}
	out=${out//'${Version}'/$v}
	out=${out//'${Provides}'/$p}
	out=${out//'${Package}'/$n}
	# shellcheck disable=SC2059 # the format's \t and \n are meant
	printf "$out"
done < "$FAKE_DPKG_DB"
if [ "$found" = 0 ] && [ -n "$name" ]; then echo "dpkg-query: no packages found matching $name" >&2; exit 1; fi
exit 0
EOF
for c in dkms dpkg systemctl procsentryctl; do
	cat > "$T/bin/$c" <<EOF
#!/bin/bash
# fake $c: records its arguments
[ "$c \${1:-}" != "dpkg --compare-versions" ] || exec /usr/bin/dpkg "\$@"
echo "$c \$*" >> "$T/calls"
case "$c \${1:-}" in
"dpkg -i") exit "\${FAKE_DPKG_RC:-0}" ;;
"systemctl is-active") echo "\${FAKE_ACTIVE:-active}"; [ "\${FAKE_ACTIVE:-active}" = active ] ;;
"dkms status") echo "procsentry/9.9.9, $KREL, x86_64: installed" ;;
"procsentryctl status") echo "kernel link: registered" ;;
esac
EOF
done
chmod +x "$T"/bin/*

# Runs install.sh of bundle $1 with the fakes; the rest are its arguments.  Sets $rc and $out.
# dkms is on PATH only through $T/bin (the host's /usr/sbin is left out); FAKE_NO_DKMS hides it.
run() {
	local b=$1 path=$T/bin:/usr/bin:/bin
	shift
	if [ -n "${FAKE_NO_DKMS:-}" ]; then
		mkdir -p "$T/bin-nodkms"
		cp -a "$T"/bin/* "$T/bin-nodkms/"
		rm -f "$T/bin-nodkms/dkms"
		path=$T/bin-nodkms:/usr/bin:/bin
	fi
	rm -f "$T/calls"
	rc=0
	out=$(env PATH="$path" FAKE_DPKG_DB="$T/db" PROCSENTRY_MODULES_ROOT="${MODROOT:-$T/modules}" \
		PROCSENTRY_SYSFS_MODULE="$T/sys/procsentry" PROCSENTRY_SYSTEMD_DIR="$T/systemd" \
		PROCSENTRY_MODULE_ERROR_FILE="$T/run/procsentry-module.error" \
		bash "$b/install.sh" "$@" 2>&1) || rc=$?
}

expect_rc() { # name expected
	if [ "$rc" -eq "$2" ]; then ok "$1 (exit $rc)"; else bad "$1: exit $rc, expected $2"; printf '%s\n' "$out" | sed 's/^/     | /'; fi
}
expect_out() { # name pattern
	if grep -qE -- "$2" <<<"$out"; then ok "$1"; else bad "$1: output lacks /$2/"; printf '%s\n' "$out" | sed 's/^/     | /'; fi
}
expect_no_out() { # name pattern
	if grep -qE -- "$2" <<<"$out"; then bad "$1: output has /$2/"; printf '%s\n' "$out" | sed 's/^/     | /'; else ok "$1"; fi
}
calls() { cat "$T/calls" 2>/dev/null || true; }
no_calls() { # name: nothing was installed, started or queried
	if [ -z "$(calls)" ]; then ok "$1"; else bad "$1: calls: $(calls)"; fi
}

# --- cases ----------------------------------------------------------------------------------
B=$(mkbundle good)
printf '%s' "$ALL_DB" > "$T/db"

run "$B" --help
expect_rc "--help" 0
expect_out "--help documents the exit codes" '^  3  a file is missing or does not match SHA256SUMS'

run "$B" --bogus
expect_rc "unknown option" 1

run "$B" --check
expect_rc "--check, everything present" 0
expect_out "--check verifies every file" 'verified 3 files against SHA256SUMS'
expect_out "--check reports the prerequisites present" 'prerequisites present'
no_calls "--check runs neither dpkg -i nor systemctl"

# A corrupted package: refused, and named.
B=$(mkbundle corrupt)
printf 'X' | dd of="$B/procsentry_9.9.9-1_amd64.deb" bs=1 seek=100 conv=notrunc status=none
run "$B" --check
expect_rc "corrupted .deb refused" 3
expect_out "the corrupted file is named" 'procsentry_9\.9\.9-1_amd64\.deb \(checksum mismatch\)'
expect_no_out "the intact file is not named" 'procsentry-dkms.*mismatch'
run "$B"
expect_rc "corrupted .deb: no install either" 3
no_calls "corrupted .deb: dpkg never called"

# A listed file that is missing, a package that SHA256SUMS does not cover, no SHA256SUMS at all.
B=$(mkbundle gone)
rm "$B/procsentry-dkms_9.9.9-1_all.deb"
run "$B" --check
expect_rc "missing listed file refused" 3
expect_out "the missing file is named" 'procsentry-dkms_9\.9\.9-1_all\.deb \(missing\)'
B=$(mkbundle extra)
cp "$B/procsentry_9.9.9-1_amd64.deb" "$B/intruder_1.0_all.deb"
run "$B" --check
expect_rc "unlisted .deb refused" 3
expect_out "the unlisted .deb is named" 'intruder_1\.0_all\.deb \(not in SHA256SUMS\)'
B=$(mkbundle nosums)
rm "$B/SHA256SUMS"
run "$B" --check
expect_rc "no SHA256SUMS refused" 3

# Everything missing at once: headers, dkms, a library, a too old library, an alternative
# group with none installed.  One list, one apt-get line, exit 2.
B=$(mkbundle missing)
printf '%s' "$ALL_DB" | grep -vE '^(dkms|libnl-3-200|libalt-two)' > "$T/db"
printf 'libjsoncpp25\t1.9.4-1\t\n' >> "$T/db"
sed -i '/^libjsoncpp25\t1\.9\.5/d' "$T/db"
MODROOT=$T/nomodules FAKE_NO_DKMS=1 run "$B" --check
expect_rc "missing prerequisites" 2
expect_out "kernel headers reported" "headers of the running kernel $KREL"
expect_out "dkms reported" 'dkms is not installed'
expect_out "procsentry-dkms' dkms dependency reported" 'procsentry-dkms needs dkms \(>= 2\.1\.0\.0\): dkms is not installed'
expect_out "missing library reported" 'procsentry needs libnl-3-200 \(>= 3\.2\.7\): libnl-3-200 is not installed'
expect_out "too old library reported" 'libjsoncpp25 1\.9\.4-1 is installed but \(>= 1\.9\.5\) is needed'
expect_out "alternatives: none installed" 'needs libalt-one \| libalt-two: none installed'
expect_out "one apt-get command with all of them" "apt-get install --no-install-recommends linux-headers-$KREL dkms libnl-3-200 libjsoncpp25 libalt-one\$"
expect_no_out "a bundled package is never asked for" 'apt-get install.*procsentry'
expect_no_out "a virtual package provided by an installed one is satisfied" 'mail-transport-agent'
expect_no_out "kmod (installed) not reported" 'needs kmod'

# --kernel: the headers of that kernel are what is checked and asked for; no path tricks.
MODROOT=$T/nomodules run "$B" --check --kernel 6.1.0-99-amd64
expect_rc "--kernel, headers missing" 2
expect_out "--kernel: that kernel's headers reported" 'headers of kernel 6\.1\.0-99-amd64 \('
expect_out "--kernel: its headers package asked for" 'apt-get install --no-install-recommends linux-headers-6\.1\.0-99-amd64 '
run "$B" --check --kernel ../../etc
expect_rc "--kernel with a path refused" 1
run "$B" --kernel
expect_rc "--kernel without a value refused" 1

# Without --check, missing prerequisites stop before dpkg; --force goes on; --check --force does not.
MODROOT=$T/nomodules FAKE_NO_DKMS=1 run "$B"
expect_rc "install with missing prerequisites" 2
no_calls "missing prerequisites: dpkg never called"
MODROOT=$T/nomodules FAKE_NO_DKMS=1 run "$B" --check --force
expect_rc "--check --force still reports missing" 2

if [ "$(id -u)" -eq 0 ]; then
	# Only fakes run (dpkg, systemctl, dkms, procsentryctl are the recording scripts).
	printf '%s' "$ALL_DB" > "$T/db"
	B=$(mkbundle install)
	mkdir -p "$T/sys/procsentry"
	echo 9.9.9 > "$T/sys/procsentry/version"
	run "$B"
	expect_rc "install, module loaded, daemon active" 0
	out=$(calls)
	expect_out "both packages in one dpkg -i call" '^dpkg -i procsentry-dkms_9\.9\.9-1_all\.deb procsentry_9\.9\.9-1_amd64\.deb$'
	run "$B"
	expect_out "result shows dkms status" 'procsentry/9\.9\.9, .*: installed'
	expect_out "result shows the loaded module" 'procsentry 9\.9\.9 is loaded'
	expect_out "result shows procsentryctl status" 'kernel link: registered'

	# An upgrade that left the old module loaded is not "installed and running".
	echo 9.9.8 > "$T/sys/procsentry/version"
	run "$B"
	expect_rc "old module still loaded" 5
	expect_out "the stale module is named" "this bundle's version is 9\.9\.9: the old module could not be replaced"
	expect_out "and the fix" 'procsentry-load-module --reload-stale'
	echo 9.9.9 > "$T/sys/procsentry/version"

	rm -rf "$T/sys/procsentry"
	echo "cause: the kernel refused the module's signature; fix: mokutil --import /var/lib/dkms/mok.pub" \
		> "$T/run/procsentry-module.error"
	FAKE_ACTIVE=activating run "$B"
	expect_rc "install, module refused" 5
	expect_out "the refusal's cause and fix are shown" "cause: the kernel refused the module's signature; fix: mokutil"
	expect_out "an inactive daemon is shown" '^activating$'

	FAKE_DPKG_RC=1 run "$B"
	expect_rc "dpkg -i failure" 4

	MODROOT=$T/nomodules run "$B" --force
	expect_out "--force installs despite missing headers" 'force: installing anyway'
	out=$(calls)
	expect_out "--force: dpkg -i called" '^dpkg -i '
else
	echo "skip install-mode cases (need root to get past the root check; they run only fakes)"
fi

if command -v shellcheck >/dev/null; then
	if shellcheck "$SCRIPT" "$0"; then ok "shellcheck"; else bad "shellcheck"; fi
fi

echo "bundle-install-test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
