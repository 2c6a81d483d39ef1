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
XPID=

fact() { echo "E2E-FACT $*"; }
out() { sed "s/^/E2E-OUT $1 /" "$2"; }
ctl() { procsentryctl --socket "$SOCK" "$@"; }
secs() { cut -d' ' -f1 /proc/uptime; }

# Lines of the alert file holding both fixed strings (awk: always exits 0, so the polling
# itself raises no termination-failure alerts).
# AF (when set) names another alert file: the later scenarios' daemons write their own.
count_alerts() {
  [ -f "${AF:-$ALERTS}" ] || { echo 0; return; }
  awk -v a="$1" -v b="$2" 'index($0, a) && (b == "" || index($0, b)) { n++ } END { print n + 0 }' "${AF:-$ALERTS}"
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
    /e2e/w/e2e-x1 /e2e/w/e2e-d1 /e2e/w/e2e-d2 /e2e/w/e2e-d3 /e2e/w/e2e-t1 \
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

# ---- Scenarios on their own daemons (after the first one stopped), each writing its own
# alert file (XCFG: e2e.json with the sink moved to $XALERTS), printed as E2E-XALERT <file tag>.
XCFG=$RUN/x.json
XALERTS=$RUN/x.jsonl
XSTATE=$RUN/xstate

# xstart NAME CTLSOCKET [DAEMON ARGS...]: procsentryd in the background (XPID); waits (10 s)
# until its control socket answers, whatever the kernel link's state.
xstart() {
  _n=$1 _s=$2
  shift 2
  procsentryd "$@" >> "$DLOG" 2>&1 &
  XPID=$!
  _end=$(($(date +%s) + 10))
  while ! procsentryctl --socket "$_s" status --json > "$RUN/xready.json" 2>/dev/null; do
    if ! kill -0 "$XPID" 2>/dev/null || [ "$(date +%s)" -ge "$_end" ]; then
      kill -0 "$XPID" 2>/dev/null || { wait "$XPID"; fact "x_${_n}_exit_rc" $?; }
      fact "x_${_n}_start_failed" "no status answer"
      return 1
    fi
    sleep 0.2
  done
  return 0
}

xstop() { # xstop NAME
  _xt=$(secs)
  kill -TERM "$XPID" 2>/dev/null
  _end=$(($(date +%s) + 15))
  while kill -0 "$XPID" 2>/dev/null && [ "$(date +%s)" -lt "$_end" ]; do sleep 0.2; done
  kill -0 "$XPID" 2>/dev/null && kill -9 "$XPID"
  wait "$XPID"
  fact "x_${1}_term_rc" $?
  fact "x_${1}_stop_time" "$_xt $(secs)"
}

# xstatus_until NAME AWKCOND SECS [ctl args]: poll status --json until the condition holds;
# the last answer is printed as E2E-OUT NAME, the seconds it took as E2E-FACT NAME_secs.
xstatus_until() {
  _n=$1 _c=$2 _t0=$(date +%s)
  _end=$((_t0 + $3))
  shift 3
  while :; do
    procsentryctl "$@" status --json > "$RUN/xst.json" 2>&1
    if [ "$(awk "$_c { n++ } END { print n + 0 }" "$RUN/xst.json")" -gt 0 ]; then
      fact "${_n}_secs" "$(($(date +%s) - _t0))"
      break
    fi
    if [ "$(date +%s)" -ge "$_end" ]; then
      fact "${_n}_secs" timeout
      break
    fi
    sleep 0.3
  done
  out "$_n" "$RUN/xst.json"
}

sc_degraded() {
  sed "s|/run/e2e/alerts.jsonl|$XALERTS|" "$E2E/e2e.json" > "$XCFG"
  chmod 0644 "$XCFG"
  mkdir -p "$XSTATE"
  AF=$XALERTS
  # The first daemon stopped: no reader is left, so the module can go.
  rmmod procsentry
  fact rmmod_rc $?
  fact module_loaded_before_start "$(grep -c '^procsentry ' /proc/modules)"
  xstart degraded "$SOCK" --config "$XCFG" --state-dir "$XSTATE" --socket "$SOCK" || return
  xstatus_until status_degraded '/"degraded"/' 5 --socket "$SOCK"
  wait_alerts '"sensor_degraded"' '' 1 5
  insmod /lib/modules/procsentry.ko
  fact insmod_rc $?
  # The daemon retries every 5 s: registered again within about 10.
  xstatus_until status_recovered '/"registered"/' 12 --socket "$SOCK"
  /e2e/w/e2e-x1
  wait_alerts '"e2e-bin"' /e2e/w/e2e-x1 1
  kill -0 "$XPID" 2>/dev/null
  fact degraded_daemon_alive $?
}

sc_disable() {
  AF=$XALERTS
  ctl disable > "$RUN/dis.txt" 2>&1
  fact disable_rc $?
  out disable "$RUN/dis.txt"
  wait_alerts '"monitoring_disabled"' '' 1 5
  ctl status --json > "$RUN/xst.json" 2>&1
  out status_disabled "$RUN/xst.json"
  /e2e/w/e2e-d1
  # Persisted: a restarted daemon stays disabled (state.json in the same state dir).
  xstop disable1
  xstart disable2 "$SOCK" --config "$XCFG" --state-dir "$XSTATE" --socket "$SOCK" || return
  ctl status --json > "$RUN/xst.json" 2>&1
  out status_disabled_restart "$RUN/xst.json"
  /e2e/w/e2e-d2
  ctl enable > "$RUN/en.txt" 2>&1
  fact enable_rc $?
  out enable "$RUN/en.txt"
  wait_alerts '"monitoring_enabled"' '' 1 5
  xstatus_until status_enabled '/"registered"/' 5 --socket "$SOCK"
  /e2e/w/e2e-d3
  # No settle: e2e-d1 and e2e-d2 ran while no reader was registered, so nothing can be in flight.
  wait_alerts '"e2e-bin"' /e2e/w/e2e-d3 1
}

sc_tail() {
  AF=$XALERTS
  ctl tail > "$RUN/tail.txt" 2> "$RUN/tail.err" &
  t=$!
  # No reply says when the daemon has the subscriber: give it a moment.
  sleep 1
  /e2e/w/e2e-t1
  wait_alerts '"e2e-bin"' /e2e/w/e2e-t1 1
  _end=$(($(date +%s) + 5))
  while ! grep -q e2e-t1 "$RUN/tail.txt" && [ "$(date +%s)" -lt "$_end" ]; do sleep 0.2; done
  kill -0 "$t" 2>/dev/null
  fact tail_alive $?
  kill "$t"
  wait "$t"
  out tail "$RUN/tail.txt"
  out tail_err "$RUN/tail.err"
  xstop tail
}

sc_default_config() {
  # The shipped configuration, as installed: default paths for the file, state and socket.
  AF=/var/log/procsentry/alerts.json
  mkdir -p /var/log/procsentry /var/lib/procsentry /run/procsentry
  procsentryctl check-config /etc/procsentry/procsentry.json > "$RUN/ccd.txt" 2>&1
  fact checkconfig_default_rc $?
  out checkconfig_default "$RUN/ccd.txt"
  fact dev_log_exists "$([ -e /dev/log ] && echo 1 || echo 0)"
  xstart default /run/procsentry/control.sock || return
  xstatus_until status_default_start '/"registered"/' 10
  copy 0755 /tmp/x/e2e-w1
  /tmp/x/e2e-w1
  fact w1_rc $?
  wait_alerts '"exec-from-writable-dir"' /tmp/x/e2e-w1 1
  # The high alert is above the syslog sink's min_severity: it tries /dev/log.  Without one it
  # turns unhealthy; with one, 2 s pass and the host judges what status says.
  xstatus_until status_default '/"name":"syslog"/ && /"healthy":false/' 2
  xstop default
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
  step degraded sc_degraded
  if [ -n "$XPID" ] && kill -0 "$XPID" 2>/dev/null; then
    step disable sc_disable
    step tail sc_tail
  fi
  step default_config sc_default_config
  AF=
fi
echo "E2E-ALERTS-BEGIN"
[ -f "$ALERTS" ] && sed 's/^/E2E-ALERT /' "$ALERTS"
echo "E2E-ALERTS-END"
for f in x:$XALERTS default:/var/log/procsentry/alerts.json; do
  [ -f "${f#*:}" ] && sed "s/^/E2E-XALERT ${f%%:*} /" "${f#*:}"
done
# The daemon's own log, for whoever reads a failure.  Its words are not the kernel's: keep
# them from matching the host's BUG:/WARNING: scan of the serial log.
tail -n 60 "$DLOG" 2>/dev/null | sed -e 's/^/E2E-LOG /' -e 's/WARNING:/warning:/g' -e 's/BUG:/bug:/g'
echo "E2E-SUITE-END"
