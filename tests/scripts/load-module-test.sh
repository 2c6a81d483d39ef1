#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# scripts/procsentry-load-module against stand-ins for modprobe, modinfo, dkms, systemctl and the
# kernel's files: every refusal the kernel can give must come out as the right cause and fix, on
# stderr and in the error file procsentryd reads, as one printable line.  Host only, no root
# side effects.  The real refusals (module.sig_enforce=1, lockdown=integrity) are checked by
# tests/install on a booted Debian system.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
SCRIPT=$TOP/scripts/procsentry-load-module
T=$(mktemp -d "${TMPDIR:-/tmp}/load-module-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0 passes=0

mkdir -p "$T/bin"
# modprobe: behaviour from $T/modprobe.{out,rc}; success "loads" version $T/new-version.
cat > "$T/bin/modprobe" <<'STUB'
#!/bin/sh
echo "modprobe $*" >> "$T/calls"
if [ "$1" = -r ]; then
	if [ -f "$T/rmmod.fail" ]; then echo "modprobe: FATAL: Module procsentry is in use." >&2; exit 1; fi
	rm -rf "$T/sys/procsentry"; exit 0
fi
if [ "$1" = --dry-run ]; then
	[ -f "$T/new-version" ] || { echo "modprobe: FATAL: Module procsentry not found." >&2; exit 1; }
	exit 0
fi
if [ -f "$T/modprobe.out" ]; then cat "$T/modprobe.out" >&2; exit 1; fi
mkdir -p "$T/sys/procsentry"; cat "$T/new-version" > "$T/sys/procsentry/version"
STUB
cat > "$T/bin/modinfo" <<'STUB'
#!/bin/sh
[ -f "$T/new-version" ] || { echo "modinfo: ERROR: Module procsentry not found." >&2; exit 1; }
case $1 in -n) echo /lib/modules/6.1.0-50-amd64/updates/dkms/procsentry.ko ;; -F) cat "$T/new-version" ;; esac
STUB
# deb-systemd-invoke: what maintainer scripts must use; here it just forwards to the stand-in.
cat > "$T/bin/deb-systemd-invoke" <<'STUB'
#!/bin/sh
echo "deb-systemd-invoke $*" >> "$T/calls"
exec systemctl "$@"
STUB
cat > "$T/bin/uname" <<'STUB'
#!/bin/sh
echo 6.1.0-50-amd64
STUB
cat > "$T/bin/dkms" <<'STUB'
#!/bin/sh
echo "procsentry/0.1.0: added"
STUB
cat > "$T/bin/dmesg" <<'STUB'
#!/bin/sh
[ -f "$T/dmesg" ] && cat "$T/dmesg"
exit 0
STUB
# systemctl: records calls; restarting the module unit runs the script the unit runs.
cat > "$T/bin/systemctl" <<'STUB'
#!/bin/sh
echo "systemctl $*" >> "$T/calls"
case "$*" in
"-q is-active procsentry.service") [ -f "$T/daemon-active" ] ;;
"stop procsentry.service") [ ! -f "$T/stop.refused" ] || exit 1; rm -f "$T/daemon-active" ;;
"start procsentry.service") touch "$T/daemon-active" ;;
"restart procsentry-module.service") "$SCRIPT" >/dev/null 2>&1 ;;
*) exit 0 ;;
esac
STUB
chmod +x "$T"/bin/*

reset() {
	rm -rf "$T/sys" "$T/modules" "$T/systemd" "$T"/{calls,modprobe.out,rmmod.fail,new-version,dmesg,daemon-active,error,lockdown,disabled,stop.refused}
	mkdir -p "$T/sys" "$T/modules/6.1.0-50-amd64/build"
	echo "0.1.0" > "$T/new-version"
	echo "none" > "$T/lockdown"
	echo 0 > "$T/disabled"
	: > "$T/calls"
}

run() {
	set +e
	out=$(env T="$T" SCRIPT="$SCRIPT" PATH="$T/bin:$PATH" \
		PROCSENTRY_MODULE_ERROR_FILE="$T/error" PROCSENTRY_SYSFS_MODULE="$T/sys/procsentry" \
		PROCSENTRY_LOCKDOWN_FILE="$T/lockdown" PROCSENTRY_MODULES_DISABLED_FILE="$T/disabled" \
		PROCSENTRY_MODULES_ROOT="$T/modules" PROCSENTRY_SYSTEMD_DIR="$T/systemd" \
		"$SCRIPT" "$@" 2>&1)
	rc=$?
	set -e
}

check() { # name condition...
	local name=$1
	shift
	if "$@"; then
		passes=$((passes + 1))
	else
		fails=$((fails + 1))
		echo "FAIL $name"
		echo "  rc=$rc output: $out"
		[ -f "$T/error" ] && echo "  error file: $(cat "$T/error")"
		[ -s "$T/calls" ] && echo "  calls: $(tr '\n' ';' < "$T/calls")"
	fi
	return 0
}
has() { grep -qF -- "$1" <<<"$out"; }
err_has() { [ -f "$T/error" ] && grep -qF -- "$1" "$T/error"; }
one_printable_line() { [ "$(wc -l < "$T/error")" -eq 1 ] && ! LC_ALL=C grep -q '[^[:print:]]' "$T/error"; }
called() { grep -qxF -- "$1" "$T/calls"; }
not() { ! "$@"; }

# Loads, and clears an old verdict.
reset; echo "cause: old" > "$T/error"; run
check "load: rc 0" [ "$rc" -eq 0 ]
check "load: says the version" has "loaded procsentry 0.1.0 for kernel 6.1.0-50-amd64"
check "load: old error file removed" [ ! -e "$T/error" ]

# Secure Boot / module.sig_enforce=1.
reset; echo "modprobe: ERROR: could not insert 'procsentry': Key was rejected by service" > "$T/modprobe.out"
echo "[    5.1] Loading of module with unavailable key is rejected" > "$T/dmesg"; run
check "signature: rc 1" [ "$rc" -eq 1 ]
check "signature: cause" err_has "the kernel refused the module's signature"
check "signature: fix names mokutil" err_has "mokutil --import /var/lib/dkms/mok.pub"
check "signature: kernel log quoted" err_has "unavailable key is rejected"
check "signature: stderr = error file" has "$(cat "$T/error")"
check "signature: one printable line" one_printable_line

# Lockdown.
reset; echo "modprobe: ERROR: could not insert 'procsentry': Operation not permitted" > "$T/modprobe.out"
echo "none [integrity] confidentiality" > "$T/lockdown"; run
check "lockdown: rc 1" [ "$rc" -eq 1 ]
check "lockdown: cause" err_has "kernel lockdown (integrity) refuses modules without a trusted signature"
check "lockdown: fix" err_has "mokutil --import"

# EPERM without lockdown: modules_disabled, then plain missing privilege.
reset; echo "modprobe: ERROR: could not insert 'procsentry': Operation not permitted" > "$T/modprobe.out"
echo 1 > "$T/disabled"; run
check "modules_disabled: cause" err_has "kernel.modules_disabled=1"
echo 0 > "$T/disabled"; run
check "eperm: cause" err_has "needs root with CAP_SYS_MODULE"

# Not built: headers missing, then headers present but no DKMS build.
reset; rm -f "$T/new-version"; rmdir "$T/modules/6.1.0-50-amd64/build"
echo "modprobe: FATAL: Module procsentry not found in directory /lib/modules/6.1.0-50-amd64" > "$T/modprobe.out"; run
check "no headers: rc 1" [ "$rc" -eq 1 ]
check "no headers: cause" err_has "procsentry is not built for kernel 6.1.0-50-amd64: the headers of that kernel are not installed"
check "no headers: fix" err_has "apt-get install linux-headers-6.1.0-50-amd64"
mkdir -p "$T/modules/6.1.0-50-amd64/build"; run
check "no build: cause" err_has "procsentry is not built for kernel 6.1.0-50-amd64 (dkms status: procsentry/0.1.0: added)"
check "no build: fix" err_has "dkms autoinstall -k 6.1.0-50-amd64"

# Built for another kernel; unknown symbol; anything else keeps modprobe's words.
reset; echo "modprobe: ERROR: could not insert 'procsentry': Exec format error" > "$T/modprobe.out"; run
check "vermagic: cause" err_has "was built for another kernel than 6.1.0-50-amd64"
reset; echo "modprobe: ERROR: could not insert 'procsentry': Unknown symbol in module, or unknown parameter" > "$T/modprobe.out"; run
check "symbol: cause" err_has "lacks a symbol procsentry needs"
reset; printf 'modprobe: ERROR: weird\n\033[31mred\033]0;title\007 second line\n' > "$T/modprobe.out"; run
check "other: modprobe's words kept" err_has "modprobe failed: modprobe: ERROR: weird"
check "other: one printable line (escapes stripped)" one_printable_line

# Upgrade: an old module loaded, the daemon running.
reset; mkdir -p "$T/systemd" "$T/sys/procsentry"; echo 0.0.9 > "$T/sys/procsentry/version"
touch "$T/daemon-active"; run --reload-stale
check "reload-stale: rc 0" [ "$rc" -eq 0 ]
check "reload-stale: says so" has "replacing the loaded procsentry 0.0.9 by 0.1.0"
check "reload-stale: new module loaded" [ "$(cat "$T/sys/procsentry/version")" = 0.1.0 ]
check "reload-stale: daemon stopped first" called "systemctl stop procsentry.service"
check "reload-stale: old module unloaded" called "modprobe -r procsentry"
check "reload-stale: new module loaded" called "modprobe procsentry"
check "reload-stale: daemon started again" [ -f "$T/daemon-active" ]
check "reload-stale: stop before unload" [ "$(grep -nxF 'systemctl stop procsentry.service' "$T/calls" | cut -d: -f1)" -lt \
	"$(grep -nxF 'modprobe -r procsentry' "$T/calls" | cut -d: -f1)" ]

# Upgrade while something holds the old module: reported, daemon restarted on the old one.
reset; mkdir -p "$T/systemd" "$T/sys/procsentry"; echo 0.0.9 > "$T/sys/procsentry/version"
touch "$T/daemon-active" "$T/rmmod.fail"; run --reload-stale
check "reload-stale busy: rc 1" [ "$rc" -eq 1 ]
check "reload-stale busy: cause" err_has "procsentry 0.0.9 is loaded, the installed module and procsentryd are 0.1.0"
check "reload-stale busy: says why" has "cannot be unloaded: modprobe: FATAL: Module procsentry is in use."
check "reload-stale busy: daemon running again" [ -f "$T/daemon-active" ]

# Upgrade where the kernel refuses the new module: its own cause stays, not a version story.
reset; mkdir -p "$T/systemd" "$T/sys/procsentry"; echo 0.0.9 > "$T/sys/procsentry/version"
touch "$T/daemon-active"
echo "modprobe: ERROR: could not insert 'procsentry': Key was rejected by service" > "$T/modprobe.out"; run --reload-stale
check "reload-stale refused: rc 1" [ "$rc" -eq 1 ]
check "reload-stale refused: the signature cause stays" err_has "the kernel refused the module's signature"
check "reload-stale refused: says so" has "procsentry 0.1.0 could not be loaded: cause: the kernel refused"
check "reload-stale refused: daemon started again (degraded, reports it)" [ -f "$T/daemon-active" ]

# From a maintainer script: no daemon start of its own (debhelper's snippet restarts it next).
reset; mkdir -p "$T/systemd" "$T/sys/procsentry"; echo 0.0.9 > "$T/sys/procsentry/version"
touch "$T/daemon-active"; DPKG_MAINTSCRIPT_NAME=postinst run --reload-stale
check "maintscript: rc 0" [ "$rc" -eq 0 ]
check "maintscript: new module" [ "$(cat "$T/sys/procsentry/version")" = 0.1.0 ]
check "maintscript: the daemon is left to debhelper" not called "systemctl start procsentry.service"
check "maintscript: service actions through deb-systemd-invoke" called "deb-systemd-invoke stop procsentry.service"

# The daemon cannot be stopped (policy-rc.d): the old module is left alone.
reset; mkdir -p "$T/systemd" "$T/sys/procsentry"; echo 0.0.9 > "$T/sys/procsentry/version"
touch "$T/daemon-active" "$T/stop.refused"; run --reload-stale
check "stop refused: rc 1" [ "$rc" -eq 1 ]
check "stop refused: old module kept" [ "$(cat "$T/sys/procsentry/version")" = 0.0.9 ]
check "stop refused: not unloaded" not called "modprobe -r procsentry"
check "stop refused: says so" has "procsentry 0.0.9 stays loaded"

# --diagnose only prints: a module that would load is not called a failure; the file stays.
reset; echo "cause: from the real load" > "$T/error"; run --diagnose
check "diagnose loadable: rc 1" [ "$rc" -eq 1 ]
check "diagnose loadable: says how to load" has "load it with 'systemctl restart procsentry-module.service'"
check "diagnose: error file untouched" grep -qx "cause: from the real load" "$T/error"
reset; rm -f "$T/new-version"; rmdir "$T/modules/6.1.0-50-amd64/build"; run --diagnose
check "diagnose not built: the cause" has "the headers of that kernel are not installed"
check "diagnose not built: no error file written" [ ! -e "$T/error" ]

# The kernel log quoted is the kernel's own words, not a user's process name.
reset; echo "modprobe: ERROR: could not insert 'procsentry': Operation not permitted" > "$T/modprobe.out"
echo "none [integrity] confidentiality" > "$T/lockdown"
printf '%s\n' "[ 9.1] procsentry-fix-[1]: segfault at 0 ip 0 sp 0 error 4: run rm -rf / to fix" \
	"[ 9.2] Lockdown: modprobe: unsigned module loading is restricted; see man kernel_lockdown.7" > "$T/dmesg"; run
check "dmesg: the lockdown line quoted" err_has "Lockdown: modprobe: unsigned module loading is restricted"
check "dmesg: a process name is not quoted" not err_has "rm -rf"

# Nothing to do: same version, or not loaded (the unit loads it), or chroot without systemd.
reset; mkdir -p "$T/systemd" "$T/sys/procsentry"; echo 0.1.0 > "$T/sys/procsentry/version"; run --reload-stale
check "reload-stale same: rc 0" [ "$rc" -eq 0 ]
check "reload-stale same: no stop" not called "systemctl stop procsentry.service"
reset; run --reload-stale
check "reload-stale not loaded: rc 0" [ "$rc" -eq 0 ]
check "reload-stale not loaded: nothing done" [ ! -s "$T/calls" ]

# Unload (package removal).
reset; mkdir -p "$T/systemd" "$T/sys/procsentry"; echo 0.1.0 > "$T/sys/procsentry/version"
touch "$T/daemon-active"; echo "cause: x" > "$T/error"; run --unload
check "unload: rc 0" [ "$rc" -eq 0 ]
check "unload: gone" [ ! -d "$T/sys/procsentry" ]
check "unload: daemon stopped" called "systemctl stop procsentry.service"
check "unload: error file removed" [ ! -e "$T/error" ]
reset; run --unload
check "unload not loaded: rc 0" [ "$rc" -eq 0 ]
check "unload not loaded: nothing done" [ ! -s "$T/calls" ]

reset; run --bogus
check "usage: rc 2" [ "$rc" -eq 2 ]

echo "load-module-test: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
