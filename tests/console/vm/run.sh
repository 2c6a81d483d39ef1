#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# procsentry-console end to end under QEMU: the real procsentry.ko and procsentryd in a Debian 6.1
# guest, enrolled in a procsentry-console that runs on this host (TLS with a test CA, SQLite in a
# temporary directory), reached over QEMU user-mode networking (the guest's 10.0.2.2 is this
# host's loopback).
#
#   tests/console/vm/run.sh            the test (make test-console-vm): an exec from /tmp in the
#                                      guest must arrive as the exact incident, from that host
#   tests/console/vm/run.sh --demo     make console-demo: the same setup, three agents, a few
#                                      alerts, left running until Ctrl-C
#
# Needs (make builds them): $BUILD/console/procsentry-console, $BUILD/daemon/procsentryd (with
# console support), tests/vm's pieces (kernel package cache, module build, initramfs).
# Environment: BUILD, SERIES (default 6.1), VM_TIMEOUT (s, default 900), CONSOLE_PORT (default: a
# free port), KEEP=1 (keep the temporary directory), VM_DEBUG=0 as in tests/vm.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
BUILD=${BUILD:-$TOP/build}
HERE=$TOP/tests/console/vm
VM=$TOP/tests/vm
series=${SERIES:-6.1}
mode="test"
case "${1:-}" in '') ;; --demo) mode=demo ;; *) echo "usage: run.sh [--demo]" >&2; exit 2 ;; esac
CONSOLE_BIN=${CONSOLE_BIN:-$BUILD/console/procsentry-console}
PAYLOAD=/tmp/ps-console-payload
RULE=exec-from-writable-dir
GUEST_HOST=procsentry-vm

say() { echo "console-vm: $*"; }
die() { echo "console-vm: FAILED: $*" >&2; exit 1; }

[ -x "$CONSOLE_BIN" ] || die "$CONSOLE_BIN missing (make console)"
[ -x "$BUILD/daemon/procsentryd" ] || die "$BUILD/daemon/procsentryd missing (make daemon)"
# The agent side is procsentryd's: without its console section the guest could never enrol.
if ! grep -aq 'enrollment_token_file' "$BUILD/daemon/procsentryd"; then
	die "$BUILD/daemon/procsentryd has no console support (the 'console' configuration section)"
fi

out=$BUILD/console-vm
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/procsentry-console-vm.XXXXXX")
pids=()
cleanup() {
	local rc=$?
	if [ -s "$tmp/qemu.pid" ]; then kill "$(cat "$tmp/qemu.pid")" 2>/dev/null || true; fi
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	# Ctrl-C is how the demo ends: nothing to keep then.
	if [ "${KEEP:-0}" = 1 ] || { [ $rc -ne 0 ] && ! { [ "$mode" = demo ] && [ $rc -eq 130 ]; }; }; then
		say "kept $tmp (console log: $tmp/console.log)"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
# QEMU runs under timeout(1), in a process group of its own that a Ctrl-C does not reach: the
# EXIT trap stops it (by its pid file) and the helpers started here.
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ---- The console on the host: TLS (names of both sides of user-mode networking), temp store.
port=${CONSOLE_PORT:-$(free_port)}
ctl_port=$(free_port)
url=https://127.0.0.1:$port
bash "$TOP/console/systemd/procsentry-console-tls" --dir "$tmp/tls" --name localhost \
	--ip 127.0.0.1 --ip 10.0.2.2 --quiet
mkdir -p "$tmp/state" "$tmp/ctl" "$tmp/overlay"
python3 - "$TOP/console/etc/console.json" "$tmp" "$port" "$TOP/console/ui" > "$tmp/console.json" <<'EOF'
import json, sys
cfg = json.load(open(sys.argv[1]))
tmp, port, ui = sys.argv[2], int(sys.argv[3]), sys.argv[4]
cfg["listen"] = {"address": "127.0.0.1", "port": port}
cfg["tls"] = {"cert_file": f"{tmp}/tls/console.crt", "key_file": f"{tmp}/tls/console.key"}
cfg["store"] = {"type": "sqlite", "path": f"{tmp}/state/console.db"}
cfg["ui_dir"] = ui
cfg["threads"] = 2
print(json.dumps(cfg, indent=2))
EOF
"$CONSOLE_BIN" --config "$tmp/console.json" --check-config > "$tmp/check.log" 2>&1 ||
	{ cat "$tmp/check.log"; die "the console refused its configuration"; }
"$CONSOLE_BIN" --config "$tmp/console.json" > "$tmp/console.log" 2>&1 &
pids+=("$!")
api() { python3 "$HERE/console_api.py" --url "$url" --ca "$tmp/tls/ca.crt" "$@"; }
api wait-health --timeout 30 || { cat "$tmp/console.log"; die "the console did not come up"; }
pwfile=$tmp/state/initial-admin-password
for _ in $(seq 50); do [ -s "$pwfile" ] && break; sleep 0.2; done
[ -s "$pwfile" ] || { cat "$tmp/console.log"; die "no $pwfile after the first start"; }
api bootstrap --password-file "$pwfile" --token-out "$tmp/enrollment.token" --max-uses 3

# The guest's plain HTTP control directory (go / finish), on loopback only.
echo pong > "$tmp/ctl/ping"
python3 -m http.server --bind 127.0.0.1 --directory "$tmp/ctl" "$ctl_port" > "$tmp/ctl.log" 2>&1 &
pids+=("$!")

# ---- The guest: tests/vm's kernel, module and initramfs, plus an overlay archive.
bash "$TOP/scripts/fetch-kernels.sh" "$series" >/dev/null
# shellcheck source=/dev/null
. "$BUILD/kernels/$series/env"
bash "$VM/build-module.sh" "$series" > "$out/build-module.out" 2>&1 ||
	{ cat "$out/build-module.out"; die "module build for $KREL"; }
bash "$VM/mkinitramfs.sh" "$series" "$out/base.cpio.gz" >/dev/null

o=$tmp/overlay
mkdir -p "$o/lib/modules" "$o/etc/procsentry" "$o/tests/console"
e1000=$(find "$MODDIR/kernel/drivers/net/ethernet/intel/e1000" -name 'e1000.ko*' | head -n1)
[ -n "$e1000" ] || die "no e1000 module in $MODDIR"
case "$e1000" in
*.ko) install -m 0644 "$e1000" "$o/lib/modules/e1000.ko" ;;
*.ko.xz) xz -dc "$e1000" > "$o/lib/modules/e1000.ko" ;;
*.ko.zst) zstd -qdc "$e1000" > "$o/lib/modules/e1000.ko" ;;
*) die "unknown module compression: $e1000" ;;
esac
install -m 0755 "$HERE/guest.sh" "$o/tests/console/guest.sh"
printf 'CTL_PORT=%s\nMODE=%s\nPAYLOAD=%s\n' "$ctl_port" "$mode" "$PAYLOAD" > "$o/tests/console/env"
install -m 0644 "$tmp/tls/ca.crt" "$o/etc/procsentry/console-ca.pem"
install -m 0600 "$tmp/enrollment.token" "$o/etc/procsentry/enrollment.token"
python3 -c 'import uuid; print(uuid.uuid4().hex)' > "$o/etc/machine-id"
# The shipped configuration with a console section (the guest has no /dev/log: no syslog sink).
mkcfg() { # mkcfg NAME ALERTFILE
	python3 - "$TOP/daemon/etc/procsentry.json" "$port" "$2" <<'EOF'
import json, sys
cfg = json.load(open(sys.argv[1]))
cfg["sinks"] = [s for s in cfg["sinks"] if s["type"] != "syslog"]
for s in cfg["sinks"]:
    if s["type"] == "file":
        s["file"]["path"] = sys.argv[3]
cfg["console"] = {"url": f"https://10.0.2.2:{sys.argv[2]}",
                  "ca_file": "/etc/procsentry/console-ca.pem",
                  "enrollment_token_file": "/etc/procsentry/enrollment.token",
                  "heartbeat_wait_s": 25, "min_severity": "low"}
print(json.dumps(cfg, indent=2))
EOF
}
mkcfg procsentry /var/log/procsentry/alerts.json > "$o/etc/procsentry/procsentry.json"
if [ "$mode" = demo ]; then
	for n in web-2 web-3; do mkcfg "$n" "/var/log/procsentry/$n.json" > "$o/etc/procsentry/$n.json"; done
fi
# The kernel unpacks concatenated archives in order: the overlay's files replace the base's.
(cd "$o" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner=0:0 --quiet) | gzip -1 > "$tmp/overlay.cpio.gz"
cat "$out/base.cpio.gz" "$tmp/overlay.cpio.gz" > "$out/initramfs.cpio.gz"

append="console=ttyS0 panic=-1 panic_on_warn=1 oops=panic quiet loglevel=5 ps_run=/tests/console/guest.sh"
[ "${VM_DEBUG:-1}" = 1 ] && append+=" slub_debug=FZP kfence.sample_interval=100"
log=$out/guest.log
say "console $url (TLS, SQLite in $tmp/state); guest: Debian $KREL, log $log"
if [ "$mode" = demo ]; then
	cat <<EOF

  procsentry console demo
  -----------------------
  web UI:    $url/   (self-signed test CA: $tmp/tls/ca.crt)
  login:     admin / $(cat "$pwfile")
  from another machine: ssh -L $port:127.0.0.1:$port $(id -un)@$(hostname -f 2>/dev/null || hostname)
             then open https://127.0.0.1:$port/ there (accept the certificate, or import ca.crt)
  the guest: three agents (procsentry-vm, web-2, web-3) on the real module; an exec from /tmp
             every 30 s.  Ctrl-C stops everything.

EOF
fi

t0=$(date +%s)
# Empty before the tail below starts: it must not show the previous run's log.
: > "$log"
# QEMU's own pid (-pidfile) for the cleanup, its exit status through a file: $! is the pipeline's
# last command.
{
	timeout -k 10 "${VM_TIMEOUT:-900}" \
		qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 2 -nographic -no-reboot \
		-pidfile "$tmp/qemu.pid" -nic user,model=e1000,ipv6=off \
		-kernel "$VMLINUZ" -initrd "$out/initramfs.cpio.gz" -append "$append" </dev/null 2>&1
	echo $? > "$tmp/qemu.rc"
} | sed -u -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' > "$log" &
qpid=$!
pids+=("$qpid")
# The serial log on this terminal as it grows (the demo's whole output; the test's progress).
tail -n +1 -f "$log" --pid=$qpid | sed -u "s/^/[guest] /" &
pids+=("$!")

fail=()
if [ "$mode" = test ]; then
	api wait-host --password-file "$pwfile" --name "$GUEST_HOST" --timeout 300 || fail+=("the guest's agent never connected")
	touch "$tmp/ctl/go"
	if [ ${#fail[@]} -eq 0 ]; then
		api wait-incident --password-file "$pwfile" --host-name "$GUEST_HOST" --rule "$RULE" \
			--exe "$PAYLOAD" --outcome success --severity high --timeout 180 | tee "$out/incident.out" ||
			fail+=("no incident $RULE $PAYLOAD from $GUEST_HOST")
	fi
	# The Runtime Incidents view, through the browser tests' WebDriver client when it exists.
	if [ ${#fail[@]} -eq 0 ]; then
		if [ -f "$TOP/tests/console/browser/webdriver.py" ]; then
			python3 "$HERE/ui_check.py" --url "$url" --password-file "$pwfile" --shot "$out/incidents.png" \
				--host-name "$GUEST_HOST" --rule "$RULE" --exe "$PAYLOAD" ||
				fail+=("the Runtime Incidents view does not show the incident")
		else
			say "note: tests/console/browser/webdriver.py is not in this tree: the incident was checked through the API only"
		fi
	fi
	touch "$tmp/ctl/finish"
else
	api wait-host --password-file "$pwfile" --name "$GUEST_HOST" --timeout 300 || say "the guest's agent has not connected yet"
	touch "$tmp/ctl/go"
fi

set +e
wait "$qpid"
set -e
qrc=$(cat "$tmp/qemu.rc" 2>/dev/null || echo 1)
say "guest ran $(( $(date +%s) - t0 )) s"
[ "$qrc" -eq 124 ] && fail+=("QEMU timed out after ${VM_TIMEOUT:-900}s")
grep -aqx 'PROCSENTRY-GUEST-DONE' "$log" || fail+=("guest done-marker missing")
bad=$(grep -aE 'BUG:|WARNING:|Call Trace|kmemleak|Oops|general protection|Kernel panic' "$log" | head -n 20 || true)
[ -n "$bad" ] && fail+=("kernel log shows problems:"$'\n'"$bad")
grep -aq 'CONSOLE-VM-FACT payload_rc 0 ' "$log" || [ "$mode" = demo ] || fail+=("the payload did not run in the guest")
if [ ${#fail[@]} -ne 0 ]; then
	cp "$tmp/console.log" "$out/console.log" 2>/dev/null || true
	for f in "${fail[@]}"; do echo "console-vm ($KREL): FAILED: $f"; done
	echo "console-vm: console log: $out/console.log, guest log: $log"
	exit 1
fi
say "($KREL): OK: the guest's exec of $PAYLOAD reached the console as a $RULE incident of host $GUEST_HOST"
