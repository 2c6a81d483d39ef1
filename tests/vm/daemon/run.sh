#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# procsentryd end to end, inside the guest (busybox sh), with the real module loaded.
#
# This script only acts and records: it starts procsentryd with tests/vm/daemon/e2e.json, runs
# each scenario's processes, waits (with deadlines) until the alerts it expects have reached
# the alert file, and prints what the host needs to judge:
#   E2E-BEGIN <scenario> / E2E-END <scenario>    where each scenario ran
#   E2E-FACT <key> <value...>                    exit codes, pids, timings
#   E2E-OUT <name> <line>                        captured output (status JSON, ctl messages)
#   E2E-ALERT <json>                             every line of the alert file, at the end
# tests/vm/daemon/check_alerts.py (on the host) asserts the exact alert fields.  Waiting here
# is only to keep the run short: a missing alert costs its deadline, nothing else.
E2E=/tests/e2e
H=$E2E/bin/procsentry-e2e-helper
RUN=/run/e2e
CFG=$RUN/procsentry.json
STATE=$RUN/state
SOCK=$RUN/ctl.sock
ALERTS=$RUN/alerts.jsonl
DLOG=$RUN/daemon.log
DPID=

fact() { echo "E2E-FACT $*"; }
out() { sed "s/^/E2E-OUT $1 /" "$2"; }
ctl() { procsentryctl --socket "$SOCK" "$@"; }
secs() { cut -d' ' -f1 /proc/uptime; }

# Lines of the alert file holding both fixed strings (awk: always exits 0, so the polling
# itself raises no termination-failure alerts).
count_alerts() {
  [ -f "$ALERTS" ] || { echo 0; return; }
  awk -v a="$1" -v b="$2" 'index($0, a) && (b == "" || index($0, b)) { n++ } END { print n + 0 }' "$ALERTS"
}

# wait_alerts A B N [deadline s]: until N alert lines hold A and B.
wait_alerts() {
  _end=$(($(date +%s) + ${4:-10}))
  while [ "$(count_alerts "$1" "$2")" -lt "$3" ]; do
    if [ "$(date +%s)" -ge "$_end" ]; then
      fact wait_timeout "$1 $2 want $3 got $(count_alerts "$1" "$2")"
      return 1
    fi
    sleep 0.2
  done
  return 0
}

# Alerts from two CPUs may land in any order: after the sentinel of a step arrived, give the
# other CPU's buffer one more flush before judging what did not arrive.
settle() { sleep 1; }

start_daemon() {
  t=$(secs)
  procsentryd --config "$CFG" --state-dir "$STATE" --socket "$SOCK" >> "$DLOG" 2>&1 &
  DPID=$!
  _end=$(($(date +%s) + 30))
  while :; do
    if ctl status --json > "$RUN/ready.json" 2>/dev/null &&
       [ "$(awk 'index($0, "\"registered\"") { n++ } END { print n + 0 }' "$RUN/ready.json")" -gt 0 ]; then
      fact daemon_started "pid=$DPID since=$t ready=$(secs)"
      return 0
    fi
    if ! kill -0 "$DPID" 2>/dev/null; then
      wait "$DPID"
      fact daemon_start_failed "exited rc=$?"
      return 1
    fi
    if [ "$(date +%s)" -ge "$_end" ]; then
      fact daemon_start_failed "not registered after 30 s"
      out ready "$RUN/ready.json"
      return 1
    fi
    sleep 0.3
  done
}

copy() { # copy MODE DEST...: the helper under other names
  _m=$1
  shift
  for _d in "$@"; do
    mkdir -p "${_d%/*}"
    cp "$H" "$_d"
    chmod "$_m" "$_d"
  done
}

setup() {
  mkdir -p "$RUN" "$STATE" /e2e
  chmod 0755 /e2e "$RUN"
  cp "$E2E/e2e.json" "$CFG"
  chmod 0644 "$CFG"
  # The reload scenario's variants: one rule's severity changed, or made invalid.
  sed '/"e2e-bin"/s/"success": "medium"/"success": "critical"/' "$CFG" > "$RUN/v2.json"
  sed '/"e2e-bin"/s/"success": "medium"/"success": "bogus"/' "$CFG" > "$RUN/bad.json"
  copy 0755 /e2e/bin/e2e-true /e2e/bin/e2e-setuid /e2e/bin/e2e-victim /e2e/bin/e2e-crash \
    /e2e/bin/e2e-renamed \
    /e2e/w/e2e-tool /e2e/w/e2e-r1 /e2e/w/e2e-r2 /e2e/w/e2e-k1 \
    /usr/bin/e2e-px /usr/binx/e2e-px /tmp/e2e-dd /usr/binx/e2e-skipme /usr/binx/e2e-skipme2 \
    /usr/binx/e2e-real /usr/binx/e2e-arg0 /usr/binx/e2e-sentinel4
  copy 0644 /e2e/w/e2e-noexec
  copy 4755 /e2e/suid/e2e-suid /e2e/suid/e2e-sudo
  mkdir -p /tmp/lnk
  ln -sf /usr/binx/e2e-real /tmp/lnk/e2e-skipme
}

sc_status() {
  ctl status > "$RUN/st.txt" 2>&1
  fact status_root_rc $?
  out status_root "$RUN/st.txt"
  ctl status --json > "$RUN/st.json" 2>&1
  fact status_json_rc $?
  out status_json "$RUN/st.json"
  "$H" runas 1000 1000 /usr/bin/procsentryctl --socket "$SOCK" status > "$RUN/st-alice.txt" 2>&1
  fact status_alice_rc $?
  out status_alice "$RUN/st-alice.txt"
  # The socket's mode stops alice above; with it opened up, the daemon's own peer-credential
  # check must refuse her.
  chmod 0666 "$SOCK"
  "$H" runas 1000 1000 /usr/bin/procsentryctl --socket "$SOCK" status > "$RUN/st-alice.txt" 2>&1
  fact status_alice_peer_rc $?
  out status_alice_peer "$RUN/st-alice.txt"
  chmod 0600 "$SOCK"
}

sc_bin() {
  /e2e/w/e2e-tool s1
  fact tool_rc $?
  # One execve of a file without any x bit: EACCES, even for root.
  "$H" exec /e2e/w/e2e-noexec s1 2>/dev/null
  fact noexec_rc $?
  wait_alerts '"e2e-bin"' /e2e/w/e2e-tool 1
  wait_alerts '"e2e-bin"' /e2e/w/e2e-noexec 1
}

sc_root() {
  # alice runs a set-user-ID-root program that runs something else: success.
  "$H" runas 1000 1000 /e2e/suid/e2e-suid exec /e2e/bin/e2e-true s2a
  fact suid_exec_rc $?
  # alice asks for uid 0 and the kernel refuses: failure (EPERM).
  "$H" runas 1000 1000 /e2e/bin/e2e-setuid setuid0
  fact setuid0_rc $?
  # alice runs a set-user-ID-root program that gives up without running anything: failure.
  "$H" runas 1000 1000 /e2e/suid/e2e-sudo exit 1
  fact sudo_refused_rc $?
  wait_alerts '"e2e-root"' /e2e/bin/e2e-setuid 1
  wait_alerts '"e2e-root"' /e2e/suid/e2e-sudo 1
  wait_alerts '"e2e-root"' '' 3
  settle
}

sc_term() {
  sh -c 'exit 3 # e2e-s3'
  fact exit3_rc $?
  /e2e/bin/e2e-victim sleep 30 &
  v=$!
  # Killed before its exec, the victim would still be a shell: wait for the exec (10 s at most).
  i=0
  while [ "$(readlink "/proc/$v/exe")" != /e2e/bin/e2e-victim ] && [ $i -lt 50 ]; do
    sleep 0.2
    i=$((i + 1))
  done
  kill -9 "$v"
  wait "$v"
  fact victim_rc $?
  old=$(cat /proc/sys/kernel/core_pattern)
  echo '/tmp/core.%p' > /proc/sys/kernel/core_pattern
  /e2e/bin/e2e-crash segv
  fact crash_rc $?
  echo "$old" > /proc/sys/kernel/core_pattern
  fact cores "$(ls /tmp/core.* 2>/dev/null | wc -l)"
  rm -f /tmp/core.*
  wait_alerts '"e2e-term"' e2e-s3 1
  wait_alerts '"e2e-term"' /e2e/bin/e2e-victim 1
  wait_alerts '"e2e-term"' /e2e/bin/e2e-crash 1
}

sc_skip() {
  /usr/bin/e2e-px exit 6             # global skip_paths /usr/bin: no alert of any rule
  /usr/binx/e2e-px exit 6            # sibling directory: e2e-skip and e2e-term
  /usr/bin/../../tmp/e2e-dd          # resolves to /tmp/e2e-dd: not under /usr/bin
  /usr/binx/e2e-skipme exit 5        # global skip_commands: no alert of any rule
  /usr/binx/e2e-skipme2              # a longer name is another command
  /tmp/lnk/e2e-skipme                # comm e2e-skipme through a symlink; runs e2e-real
  "$H" execa e2e-skipme /usr/binx/e2e-arg0   # argv[0] e2e-skipme
  /e2e/bin/e2e-renamed rename e2e-skipme exit 4   # prctl(PR_SET_NAME) then exit 4
  /usr/binx/e2e-sentinel4
  wait_alerts '"e2e-skip"' /usr/binx/e2e-sentinel4 1
  wait_alerts '"e2e-term"' /e2e/bin/e2e-renamed 1
  settle
}

status_until() { # status_until AWKCOND: poll status --json (5 s) until the condition holds
  _end=$(($(date +%s) + 5))
  while :; do
    ctl status --json > "$RUN/st.json" 2>&1
    if [ "$(awk "$1 { n++ } END { print n + 0 }" "$RUN/st.json")" -gt 0 ] ||
       [ "$(date +%s)" -ge "$_end" ]; then
      return 0
    fi
    sleep 0.3
  done
}

sc_reload() {
  procsentryctl check-config "$RUN/bad.json" > "$RUN/cc.txt" 2>&1
  fact checkconfig_bad_rc $?
  out checkconfig_bad "$RUN/cc.txt"
  procsentryctl check-config "$RUN/v2.json" > "$RUN/cc.txt" 2>&1
  fact checkconfig_v2_rc $?
  # SIGHUP with a broken file: the old rules stay.
  cp "$RUN/bad.json" "$CFG"
  kill -HUP "$DPID"
  status_until '/last_reload_error/ && /bogus/'
  out status_bad_reload "$RUN/st.json"
  /e2e/w/e2e-r1
  wait_alerts '"e2e-bin"' /e2e/w/e2e-r1 1
  ctl reload > "$RUN/rl.txt" 2>&1
  fact reload_bad_rc $?
  out reload_bad "$RUN/rl.txt"
  # A valid file with one severity changed: applied.
  cp "$RUN/v2.json" "$CFG"
  ctl reload > "$RUN/rl.txt" 2>&1
  fact reload_good_rc $?
  out reload_good "$RUN/rl.txt"
  ctl status --json > "$RUN/st.json" 2>&1
  out status_good_reload "$RUN/st.json"
  /e2e/w/e2e-r2
  wait_alerts '"e2e-bin"' /e2e/w/e2e-r2 1
}

sc_restart() {
  # The storm goes on until the restarted daemon has read it for 2 s (30 s at most).
  rm -f "$RUN/storm.stop"
  "$H" storm 30 /e2e/bin/e2e-true "$RUN/storm.stop" > "$RUN/storm.txt" 2>&1 &
  s=$!
  sleep 2
  kill -9 "$DPID"
  wait "$DPID"
  fact daemon_killed_rc $?
  sleep 1
  start_daemon
  sleep 2
  touch "$RUN/storm.stop"
  wait "$s"
  fact storm_rc $?
  out storm "$RUN/storm.txt"
  /e2e/w/e2e-k1
  wait_alerts '"e2e-bin"' /e2e/w/e2e-k1 1
  wait_alerts '"monitoring_gap"' '' 1
  ctl status --json > "$RUN/st.json" 2>&1
  fact status_restart_rc $?
  out status_restart "$RUN/st.json"
}

stop_daemon() {
  kill -TERM "$DPID" 2>/dev/null
  _end=$(($(date +%s) + 15))
  while kill -0 "$DPID" 2>/dev/null && [ "$(date +%s)" -lt "$_end" ]; do sleep 0.2; done
  if kill -0 "$DPID" 2>/dev/null; then
    fact daemon_term "still running after SIGTERM + 15 s"
    kill -9 "$DPID"
  fi
  wait "$DPID"
  fact daemon_term_rc $?
}

step() { # step NAME FUNCTION: markers and the time it took
  echo "E2E-BEGIN $1"
  _t=$(secs)
  $2
  fact "time_$1" "$_t $(secs)"
  echo "E2E-END $1"
}

echo "E2E-SUITE-BEGIN kernel $(uname -r)"
if ! command -v procsentryd > /dev/null || ! command -v procsentryctl > /dev/null || [ ! -x "$H" ]; then
  fact missing "procsentryd, procsentryctl or $H is not in this image"
  echo "E2E-SUITE-END"
  exit 1
fi
grep -q '^procsentry ' /proc/modules || insmod /lib/modules/procsentry.ko
setup
if start_daemon; then
  step status sc_status
  step bin sc_bin
  step root sc_root
  step term sc_term
  step skip sc_skip
  step reload sc_reload
  step restart sc_restart
  step stop stop_daemon
fi
echo "E2E-ALERTS-BEGIN"
[ -f "$ALERTS" ] && sed 's/^/E2E-ALERT /' "$ALERTS"
echo "E2E-ALERTS-END"
# The daemon's own log, for whoever reads a failure.  Its words are not the kernel's: keep
# them from matching the host's BUG:/WARNING: scan of the serial log.
tail -n 60 "$DLOG" 2>/dev/null | sed -e 's/^/E2E-LOG /' -e 's/WARNING:/warning:/g' -e 's/BUG:/bug:/g'
echo "E2E-SUITE-END"
