#!/bin/sh
# Demo inside the guest: load procsentry.ko, start procsentryd (rules: tests/vm/daemon/demo.json)
# and do a few things an attacker would: run a payload from /tmp, try one that is not
# executable, become root through a set-user-ID program, be refused root, crash, get killed.
# The alerts are printed as E2E-ALERT lines; on the host, run-kernel.sh --demo shows them one
# line each (tests/vm/daemon/check_alerts.py --demo).
echo "procsentry demo: kernel $(uname -r)"
insmod /lib/modules/procsentry.ko || echo "demo: insmod failed"
H=/tests/e2e/bin/procsentry-e2e-helper
RUN=/run/procsentry
mkdir -p "$RUN" /var/lib/procsentry /etc/procsentry /opt/demo
cp /tests/e2e/demo.json /etc/procsentry/procsentry.json
if ! command -v procsentryd > /dev/null || [ ! -x "$H" ]; then
  echo "demo: procsentryd or the helper is not in this image (make daemon e2e-helper)"
  echo "PROCSENTRY-GUEST-DONE"
  exit 0
fi
procsentryd > "$RUN/daemon.log" 2>&1 &
dpid=$!
i=0
until procsentryctl status 2>/dev/null | grep -q registered || [ $i -ge 60 ]; do sleep 0.5; i=$((i + 1)); done
procsentryctl status

cp "$H" /tmp/miner; chmod 0755 /tmp/miner
cp "$H" /tmp/dropper.bin; chmod 0644 /tmp/dropper.bin
cp "$H" /opt/demo/pwn; chmod 4755 /opt/demo/pwn
cp "$H" /opt/demo/fake-sudo; chmod 4755 /opt/demo/fake-sudo
cp "$H" /opt/demo/service; chmod 0755 /opt/demo/service
cp "$H" /home/alice/getroot; chown 1000:1000 /home/alice/getroot; chmod 0755 /home/alice/getroot
echo "demo: run a payload from /tmp";            /tmp/miner
echo "demo: exec of a non-executable drop";      "$H" exec /tmp/dropper.bin 2>&1
echo "demo: alice runs a set-user-ID-root program that starts a shell"
"$H" runas 1000 1000 /opt/demo/pwn exec /bin/sh -c 'id'
echo "demo: alice calls setuid(0)";              "$H" runas 1000 1000 /home/alice/getroot setuid0
echo "demo: alice's set-user-ID program gives up (a refused sudo)"
"$H" runas 1000 1000 /opt/demo/fake-sudo exit 1
echo "demo: a service exits with status 3";      /opt/demo/service exit 3
echo "demo: a service crashes (SIGSEGV)";        /opt/demo/service segv
echo "demo: a service is killed (SIGKILL)"
/opt/demo/service sleep 60 &
v=$!
i=0
while [ "$(readlink "/proc/$v/exe")" != /opt/demo/service ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
kill -9 $v
wait $v
sleep 3

kill -TERM "$dpid"; wait "$dpid"
echo "demo: procsentryd stopped (rc $?)"
echo "E2E-ALERTS-BEGIN"
sed 's/^/E2E-ALERT /' "$RUN/alerts.jsonl" 2>/dev/null
echo "E2E-ALERTS-END"
echo "--- procsentryd log ---"
sed -e 's/WARNING:/warning:/g' -e 's/BUG:/bug:/g' "$RUN/daemon.log"
rmmod procsentry 2>/dev/null
echo "PROCSENTRY-GUEST-DONE"
