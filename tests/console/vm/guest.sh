#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Inside the QEMU guest (busybox sh), for tests/console/vm/run.sh: the real procsentry.ko and
# procsentryd with a `console` section, enrolled in the procsentry-console that runs on the host
# (reached over QEMU user-mode networking at 10.0.2.2).
#
# The host steers the guest through a plain HTTP directory it serves on 10.0.2.2:$CTL_PORT:
#   go      the agent is enrolled and connected (the host saw it in GET /api/v1/hosts): act now
#   finish  the host has asserted everything: stop the daemon and power off
# The guest prints what the host needs on the serial console:
#   CONSOLE-VM-FACT <key> <value...>   and   CONSOLE-VM-OUT <name> <line>
# Settings come from /tests/console/env (written by run.sh): CTL_PORT, MODE (test|demo), PAYLOAD.
# shellcheck source=/dev/null
. /tests/console/env
RUN=/run/procsentry
DLOG=$RUN/daemon.log
H=/tests/e2e/bin/procsentry-e2e-helper

fact() { echo "CONSOLE-VM-FACT $*"; }
out() { sed -e "s/^/CONSOLE-VM-OUT $1 /" -e 's/WARNING:/warning:/g' -e 's/BUG:/bug:/g' "$2"; }

# ctl_get NAME: 0 when the host serves /NAME.  HTTP/1.0 over nc: the static busybox's wget
# crashes in glibc's resolver (no NSS in the initramfs), even for a numeric address.
ctl_get() {
	printf 'GET /%s HTTP/1.0\r\nHost: 10.0.2.2\r\n\r\n' "$1" | nc -w 3 10.0.2.2 "$CTL_PORT" > "$RUN/ctl.$1" 2>/dev/null
	head -n 1 "$RUN/ctl.$1" | grep -q ' 200 '
}

# ctl_wait NAME SECS: until the host serves /NAME (1 s polls); 1 on timeout.
ctl_wait() {
	_end=$(($(date +%s) + $2))
	until ctl_get "$1"; do
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 1
	done
	return 0
}

finish() {
	procsentryctl status > "$RUN/st.txt" 2>&1
	out status_end "$RUN/st.txt"
	for p in $DPIDS; do kill -TERM "$p" 2>/dev/null; done
	for p in $DPIDS; do
		_end=$(($(date +%s) + 15))
		while kill -0 "$p" 2>/dev/null && [ "$(date +%s)" -lt "$_end" ]; do sleep 0.2; done
		kill -0 "$p" 2>/dev/null && { fact daemon_term "pid $p still running after SIGTERM + 15 s"; kill -9 "$p"; }
		wait "$p"
		fact daemon_term_rc "$p $?"
	done
	# The daemon's words are not the kernel's: keep them from the host's BUG:/WARNING: scan.
	tail -n 80 "$DLOG" > "$RUN/dlog.tail" 2>/dev/null
	out daemon_log "$RUN/dlog.tail"
	rmmod procsentry 2>/dev/null
	fact rmmod_rc $?
	echo "PROCSENTRY-GUEST-DONE"
	exit 0
}

echo "CONSOLE-VM-BEGIN kernel $(uname -r) mode $MODE"
DPIDS=
mkdir -p "$RUN" /var/lib/procsentry /var/log/procsentry

# The network: e1000 (a module in Debian's kernel), static 10.0.2.15/24, the host at 10.0.2.2.
insmod /lib/modules/e1000.ko
fact insmod_e1000_rc $?
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
ip -o addr show dev eth0 > "$RUN/ip.txt" 2>&1
out ip "$RUN/ip.txt"
if ctl_wait ping 30; then fact host_reachable 1; else fact host_reachable 0; finish; fi

insmod /lib/modules/procsentry.ko
fact insmod_procsentry_rc $?

# The enrolled agent, with the shipped configuration plus the console section (run.sh made it).
procsentryd --config /etc/procsentry/procsentry.json >> "$DLOG" 2>&1 &
DPIDS=$!
fact daemon_pid "$DPIDS"
# The demo adds two more agents on the same kernel (the module serves several readers): three
# hosts in the console, each with its own state (enrolment, policy) and alert file.
if [ "$MODE" = demo ]; then
	for n in web-2 web-3; do
		[ -f "/etc/procsentry/$n.json" ] || continue
		mkdir -p "/var/lib/procsentry-$n"
		procsentryd --config "/etc/procsentry/$n.json" --hostname "$n" --state-dir "/var/lib/procsentry-$n" \
			--socket "$RUN/$n.sock" >> "$DLOG" 2>&1 &
		DPIDS="$DPIDS $!"
	done
fi
i=0
until procsentryctl status 2>/dev/null | grep -q registered || [ $i -ge 60 ]; do sleep 0.5; i=$((i + 1)); done
procsentryctl status > "$RUN/st.txt" 2>&1
fact status_rc $?
out status_start "$RUN/st.txt"

if ! ctl_wait go 240; then
	fact go timeout
	finish
fi
fact go 1

# Something the default rules alert on: a program run from /tmp (exec-from-writable-dir, high).
if [ -x "$H" ]; then cp "$H" "$PAYLOAD"; else cp /bin/busybox "$PAYLOAD"; fi
chmod 0755 "$PAYLOAD"
"$PAYLOAD" exit 0
fact payload_rc "$? $PAYLOAD"

if [ "$MODE" = demo ]; then
	# A few more of the demo's attack-like actions (tests/vm/demo-in-guest.sh).
	if [ -x "$H" ]; then
		mkdir -p /opt/demo
		cp "$H" /tmp/dropper.bin; chmod 0644 /tmp/dropper.bin
		"$H" exec /tmp/dropper.bin 2>/dev/null
		cp "$H" /opt/demo/pwn; chmod 4755 /opt/demo/pwn
		"$H" runas 1000 1000 /opt/demo/pwn exec /bin/true
		cp "$H" /home/alice/getroot; chown 1000:1000 /home/alice/getroot; chmod 0755 /home/alice/getroot
		"$H" runas 1000 1000 /home/alice/getroot setuid0
		cp "$H" /opt/demo/service; chmod 0755 /opt/demo/service
		/opt/demo/service segv
	fi
	echo "CONSOLE-VM-DEMO-READY"
	# Until the host says finish (Ctrl-C there): the payload again every 30 s, so that a rule
	# change pushed from the console (e.g. $PAYLOAD in skip commands) shows in what arrives.
	n=0
	while ! ctl_get finish; do
		sleep 5
		n=$((n + 1))
		if [ $((n % 6)) -eq 0 ]; then "$PAYLOAD" exit 0; fi
	done
	finish
fi

ctl_wait finish 600 || fact finish timeout
finish
