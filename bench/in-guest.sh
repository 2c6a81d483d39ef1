#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make bench`, inside the guest (installed as /bench/run.sh by tests/vm/mkinitramfs.sh --bench).
# One boot, one vCPU, instruction-count clock: rotates the configurations round after round
# and prints one "BENCH ..." line per measurement; bench/report.py turns them into the table.
#
#   a   no module                    b   procsentry.ko loaded, no reader
#   c   module + procsentry-dump     c2  module (hook_mode=syscall_tp) + procsentry-dump
#   d   auditd, execve + set*id rules, log on tmpfs
#   e   proc-connector listener (cnproc-listen)
#   c0  module + rawreader (registers, discards messages undecoded: the module's own cost)
#   c0mN module + rawreader that sets the event mask to N (diagnostic: which record types
#       cost what; N=0 leaves only the hooks)
#   c0fN module loaded with flush_us=N + rawreader (diagnostic: batching vs cost)
#   c3  module + procsentry-dump --mask exec,exec_failed,exit,fork (the set*id hooks still
#       fire but return at once: the bare cost of the probes)
#   p   module + procsentryd, the shipped rules (daemon/etc/procsentry.json, sinks replaced by
#       one file sink on tmpfs: /bench/daemon-default.json)
#   pa  module + procsentryd, worst case: every exec raises an alert (one rule on /**, no
#       folding, no rate cap, file sink on tmpfs: /bench/daemon-all.json)
# After the rounds: exec-to-alert latency (alertlat, /bench/daemon-latency.json), at
# ps_lat_rate execs/s for ps_lat_n execs, with the module's default flush_us and with
# flush_us=100 (diagnostic).
#
# Parameters (kernel command-line words, arriving as environment): ps_rounds, ps_configs
# (comma-separated), ps_exec_n, ps_getppid_n, ps_setresuid_n, ps_cap_ns (a loop stops once
# it ran that long: results are per operation, so a 300x slower configuration stays
# bounded), ps_rate (1: run the zero-drop rate test afterwards).
BIN=/bench/bin
KO=/lib/modules/procsentry.ko
ROUNDS=${ps_rounds:-5}
CONFIGS=$(echo "${ps_configs:-a,b,c,d,e,c0,c2,c3,p,pa}" | tr ',' ' ')
EXEC_N=${ps_exec_n:-1500}
GETPPID_N=${ps_getppid_n:-1500000}
SETRESUID_N=${ps_setresuid_n:-1200000}
export PSBENCH_CAP_NS=${ps_cap_ns:-600000000}
RATE=${ps_rate:-1}
LAT_N=${ps_lat_n:-3000}
LAT_RATE=${ps_lat_rate:-1000}
PSD=/tmp/psd

say() { echo "BENCH-LOG $*"; }
have_dump() { command -v procsentry-dump >/dev/null 2>&1; }
have_daemon() { command -v procsentryd >/dev/null 2>&1 && have_dump && [ -f "/bench/$1" ]; }

echo "BENCH-START kernel=$(uname -r) nproc=$(nproc) rounds=$ROUNDS configs=$(echo $CONFIGS | tr ' ' ',')" \
  "exec_n=$EXEC_N getppid_n=$GETPPID_N setresuid_n=$SETRESUID_N cap_ns=$PSBENCH_CAP_NS uptime=$(cut -d' ' -f1 /proc/uptime)"

# --- configurations ---------------------------------------------------------------------------
DUMP=""; CN=""; RAW=""; PSDPID=""

# Wait (up to ~10 s guest time) until the module reports n registered listeners.
wait_listeners() {
  i=0
  while [ $i -lt 100 ]; do
    procsentry-dump --stats 2>/dev/null | grep -q "\"listeners\":$1[,}]" && return 0
    sleep 0.1; i=$((i + 1))
  done
  say "module never reported $1 listener(s): $(procsentry-dump --stats 2>&1)"
  return 1
}

start_dump() {
  procsentry-dump "$@" > /dev/null 2> /tmp/dump.err &
  DUMP=$!
  wait_listeners 1
}

stop_dump() {
  [ -n "$DUMP" ] || return 0
  kill -INT "$DUMP" 2>/dev/null
  i=0
  while kill -0 "$DUMP" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  kill -0 "$DUMP" 2>/dev/null && { say "procsentry-dump ignored SIGINT"; kill -TERM "$DUMP"; }
  wait "$DUMP" 2>/dev/null
  rc=$?
  [ $rc -eq 0 ] || say "procsentry-dump exited $rc: $(head -c 400 /tmp/dump.err)"
  DUMP=""
}

# procsentryd with /bench/<config>: alerts to $PSD/alerts.json (created first, so that a
# follower can open it before the first alert).
start_daemon() {
  rm -rf "$PSD"
  mkdir -p "$PSD/state"
  : > "$PSD/alerts.json"
  cp "/bench/$1" "$PSD/procsentry.json"
  chmod 0644 "$PSD/procsentry.json"
  procsentryd --config "$PSD/procsentry.json" --state-dir "$PSD/state" --socket "$PSD/ctl.sock" \
    > "$PSD/daemon.log" 2>&1 &
  PSDPID=$!
  wait_listeners 1 || { say "procsentryd: $(tail -n 5 "$PSD/daemon.log")"; return 1; }
}

stop_daemon() {
  [ -n "$PSDPID" ] || return 0
  kill -TERM "$PSDPID" 2>/dev/null
  i=0
  while kill -0 "$PSDPID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  kill -0 "$PSDPID" 2>/dev/null && { say "procsentryd ignored SIGTERM"; kill -KILL "$PSDPID"; }
  wait "$PSDPID" 2>/dev/null
  rc=$?
  [ $rc -eq 0 ] || say "procsentryd exited $rc: $(tail -n 5 "$PSD/daemon.log")"
  PSDPID=""
}

unload_module() {
  i=0
  while grep -q '^procsentry ' /proc/modules; do
    rmmod procsentry 2>/dev/null && break
    i=$((i + 1)); [ $i -lt 50 ] || { say "rmmod procsentry keeps failing"; return 1; }
    sleep 0.1
  done
}

auditd_conf() {
  mkdir -p /etc/audit /tmp/audit /var/log/audit /var/run
  # Debian's auditd.conf, but the log on tmpfs, group root (no 'adm' here), no TCP listener.
  cat > /etc/audit/auditd.conf <<'CONF'
local_events = yes
write_logs = yes
log_file = /tmp/audit/audit.log
log_group = root
log_format = ENRICHED
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 8
num_logs = 5
priority_boost = 4
name_format = NONE
max_log_file_action = ROTATE
space_left = 75
space_left_action = SYSLOG
admin_space_left = 50
admin_space_left_action = SUSPEND
disk_full_action = SUSPEND
disk_error_action = SUSPEND
use_libwrap = no
tcp_listen_queue = 5
tcp_max_per_addr = 1
tcp_client_max_idle = 0
transport = TCP
distribute_network = no
q_depth = 2000
overflow_action = SYSLOG
max_restarts = 10
plugin_dir = /etc/audit/plugins.d
end_of_event_timeout = 2
CONF
  chmod 0640 /etc/audit/auditd.conf
  mkdir -p /etc/audit/plugins.d
}

start_auditd() {
  rm -f /tmp/audit/audit.log*
  /sbin/auditd 2> /tmp/auditd.err || { say "auditd failed: $(cat /tmp/auditd.err)"; return 1; }
  i=0
  until /sbin/auditctl -s 2>/dev/null | grep -q '^pid [1-9]'; do
    i=$((i + 1)); [ $i -lt 100 ] || { say "auditd never registered: $(cat /tmp/auditd.err)"; return 1; }
    sleep 0.1
  done
  # Debian's /etc/audit/rules.d/audit.rules, then the rules under test.
  /sbin/auditctl -D >/dev/null
  /sbin/auditctl -b 8192 >/dev/null
  /sbin/auditctl --backlog_wait_time 60000 >/dev/null
  /sbin/auditctl -f 1 >/dev/null
  /sbin/auditctl -a always,exit -F arch=b64 -S execve,execveat -k exec
  /sbin/auditctl -a always,exit -F arch=b64 \
    -S setuid,setreuid,setresuid,setfsuid,setgid,setregid,setresgid,setfsgid -k setid
  /sbin/auditctl -e 1 >/dev/null
}

stop_auditd() {
  /sbin/auditctl -D >/dev/null
  # Once audit was ever enabled, every new task gets the syscall-audit slow path unless a
  # task rule says never: keep later configurations as cheap as before the first (d).
  /sbin/auditctl -a never,task
  /sbin/auditctl -e 0 >/dev/null
  pid=$(cat /var/run/auditd.pid 2>/dev/null)
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null
    i=0
    while kill -0 "$pid" 2>/dev/null; do
      i=$((i + 1)); [ $i -lt 100 ] || { say "auditd does not stop"; break; }
      sleep 0.1
    done
  fi
  AUDIT_LOG_BYTES=$(cat /tmp/audit/audit.log* 2>/dev/null | wc -c)
  rm -f /tmp/audit/audit.log*
}

start_cn() {
  "$BIN/cnproc-listen" > /tmp/cn.out 2>&1 &
  CN=$!
  i=0
  until grep -q ready /tmp/cn.out 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 100 ] || { say "cnproc-listen not ready: $(cat /tmp/cn.out)"; return 1; }
    sleep 0.1
  done
}

start_raw() {
  "$BIN/rawreader" "$@" > /tmp/raw.out 2>&1 &
  RAW=$!
  wait_listeners 1
}

stop_raw() {
  [ -n "$RAW" ] || return 0
  kill -TERM "$RAW" 2>/dev/null
  wait "$RAW" 2>/dev/null
  RAW=""
}

stop_cn() {
  [ -n "$CN" ] || return 0
  kill -TERM "$CN" 2>/dev/null
  wait "$CN" 2>/dev/null
  CN=""
}

setup() {
  case $1 in
    a) ;;
    b) insmod "$KO" ;;
    c) insmod "$KO" && start_dump ;;
    c2) insmod "$KO" hook_mode=syscall_tp && start_dump ;;
    c0) insmod "$KO" && start_raw ;;
    c3) insmod "$KO" && start_dump --mask exec,exec_failed,exit,fork ;;
    p) insmod "$KO" && start_daemon daemon-default.json ;;
    pa) insmod "$KO" && start_daemon daemon-all.json ;;
    c0m*) insmod "$KO" && start_raw "${1#c0m}" ;;
    c0f*) insmod "$KO" flush_us="${1#c0f}" && start_raw ;;
    d) start_auditd ;;
    e) start_cn ;;
  esac
}

teardown() {
  case $1 in
    a) ;;
    b) unload_module ;;
    c|c2|c3) stop_dump; unload_module ;;
    c0|c0m*|c0f*) stop_raw; unload_module ;;
    p|pa) stop_daemon; unload_module ;;
    d) stop_auditd ;;
    e) stop_cn ;;
  esac
}

available() {
  case $1 in
    a|b) return 0 ;;
    c|c2|c3) have_dump ;;
    d) [ -x /sbin/auditd ] && [ -x /sbin/auditctl ] ;;
    e) [ -x "$BIN/cnproc-listen" ] ;;
    c0|c0m*|c0f*) [ -x "$BIN/rawreader" ] && have_dump ;;
    p) have_daemon daemon-default.json ;;
    pa) have_daemon daemon-all.json ;;
    *) return 1 ;;
  esac
}

# --- workloads --------------------------------------------------------------------------------
# run <config> <round> <workload> <args...>: one measurement, one BENCH line.
run() {
  cfg=$1 round=$2; shift 2
  line=$("$BIN/psbench" "$@" 2>&1 | grep '^RESULT ')
  if [ -n "$line" ]; then
    echo "BENCH cfg=$cfg round=$round ${line#RESULT }"
  else
    say "cfg=$cfg round=$round psbench $* failed"
  fi
  # Module counters after each workload (cumulative since this configuration's insmod).
  case $cfg in
    c|c0|c0m*|c0f*|c2|c3|p|pa) echo "BENCH-STATS cfg=$cfg round=$round workload=$1 $(procsentry-dump --stats 2>&1)" ;;
  esac
}

workloads() {
  cfg=$1 round=$2
  run "$cfg" "$round" exec "$EXEC_N" "$BIN/bench-true"
  run "$cfg" "$round" getppid "$GETPPID_N"
  run "$cfg" "$round" setresuid "$SETRESUID_N"
}

auditd_conf
ACTIVE=""
for c in $CONFIGS; do
  if available "$c"; then ACTIVE="$ACTIVE $c"; else echo "BENCH-SKIP cfg=$c (tool missing in the image)"; fi
done

# The kernel's random generator must be ready before anything is measured: until then every
# execve pays for the slow path of get_random_bytes (stack and mmap randomisation, AT_RANDOM),
# ~90k instructions per exec in this guest, which has no hardware entropy source.  Since 5.18
# the first read of /dev/urandom (procsentryd's fallback for its alert-id prefix) or a
# blocking read of /dev/random makes the kernel generate jitter entropy at once, so without
# this the configurations before the first procsentryd run measure a dearer exec than those
# after it (seen in the first run with (p): (a) 337 µs per exec in round 1, 245 µs after).
t=$(cut -d' ' -f1 /proc/uptime)
head -c 1 /dev/random > /dev/null
say "random generator ready: waited from uptime $t to $(cut -d' ' -f1 /proc/uptime)"

# Warm-up (not reported): page in the binaries, settle the allocator.
workloads warmup 0 > /dev/null

r=1
while [ "$r" -le "$ROUNDS" ]; do
  for c in $ACTIVE; do
    if setup "$c"; then
      workloads "$c" "$r"
    else
      say "setup of $c failed in round $r"
    fi
    teardown "$c"
    [ "$c" = d ] && echo "BENCH-AUDITLOG round=$r bytes=${AUDIT_LOG_BYTES:-0}"
    [ "$c" = e ] && echo "BENCH-CN round=$r $(tail -n 1 /tmp/cn.out)"
    case $c in c0|c0m*|c0f*) echo "BENCH-RAW cfg=$c round=$r $(tail -n 1 /tmp/raw.out)" ;; esac
    case $c in p|pa) echo "BENCH-DAEMON cfg=$c round=$r alerts=$(wc -l < "$PSD/alerts.json")"; rm -rf "$PSD" ;; esac
  done
  r=$((r + 1))
done

# --- exec-to-alert latency -------------------------------------------------------------------
# alertlat execs /tmp/bench/lat-target LAT_RATE times a second (the latency rule matches
# /tmp/bench/**) and follows the alert file; one line per module flush_us setting.
lat_run() {
  flush=$1
  insmod "$KO" flush_us="$flush" || { say "latency: insmod flush_us=$flush failed"; return; }
  if start_daemon daemon-latency.json; then
    line=$("$BIN/alertlat" "$LAT_N" "$LAT_RATE" /tmp/bench/lat-target "$PSD/alerts.json" 2>&1 | grep '^RESULT ')
    if [ -n "$line" ]; then
      echo "BENCH-LAT flush_us=$flush rate=$LAT_RATE ${line#RESULT }"
    else
      say "latency: alertlat failed (flush_us=$flush)"
    fi
    echo "BENCH-LAT-STATS flush_us=$flush $(procsentry-dump --stats 2>&1)"
  fi
  stop_daemon
  unload_module
  rm -rf "$PSD"
}
if [ -x "$BIN/alertlat" ] && have_daemon daemon-latency.json; then
  mkdir -p /tmp/bench
  cp "$BIN/bench-true" /tmp/bench/lat-target
  lat_run 1000
  lat_run 100
fi

# --- zero-drop rate test ----------------------------------------------------------------------
# Module (kprobe mode) + procsentry-dump; module counters before and after each step.
stats() { procsentry-dump --stats 2>&1; }
# Bytes queued on generic-netlink sockets (protocol 16): the reader's backlog.
nl_rmem() { awk '$2 == 16 { s += $5 } END { print s + 0 }' /proc/net/netlink; }
uptime_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
# Wait (at most ~20 s of guest time) until the reader has read everything queued.
drain() {
  i=0
  while [ "$(nl_rmem)" -gt 0 ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
}
rate_step() {
  tag=$1; shift
  drain      # every step starts with an empty socket: no backlog carried over
  b=$(stats)
  line=$("$BIN/psbench" "$@" 2>&1 | grep '^RESULT ')
  backlog=$(nl_rmem)
  t0=$(uptime_ms)
  sleep 0.1  # the flush timer's last records
  drain
  t1=$(uptime_ms)
  a=$(stats)
  echo "BENCH-RATE tag=$tag ${line#RESULT } backlog=$backlog drain_ms=$((t1 - t0))"
  echo "BENCH-RATE-BEFORE tag=$tag $b"
  echo "BENCH-RATE-AFTER tag=$tag $a"
}
if [ "$RATE" = 1 ] && have_dump; then
  insmod "$KO" && start_dump
  rate_step exec-full exec "$EXEC_N" "$BIN/bench-true"
  # Two cred-change records per iteration, paced by GAP ns of spinning after each pair;
  # about 0.25 s of guest time per step.
  for gap in 100000 60000 40000 30000 20000 10000 5000 2000 0; do
    n=$((250000000 / (gap + 10000)))
    rate_step "cred-gap$gap" credburst "$n" "$gap"
  done
  stop_dump
  # The same at full speed with rawreader: what the module delivers when the reader costs
  # (almost) nothing.
  if [ -x "$BIN/rawreader" ]; then
    start_raw
    rate_step raw-exec-full exec "$EXEC_N" "$BIN/bench-true"
    rate_step raw-cred-gap0 credburst 25000 0
    stop_raw
  fi
  unload_module
fi
# Diagnostic (ps_record=1): what procsentry-dump reads during a short exec storm, as a replay
# file in base64 between markers, to profile the reader on the host
# (procsentry-dump --replay FILE under valgrind --tool=callgrind).
if [ "${ps_record:-0}" = 1 ] && have_dump; then
  insmod "$KO" && start_dump --record /tmp/rec.replay
  "$BIN/psbench" exec 300 "$BIN/bench-true" > /dev/null
  sleep 0.5
  stop_dump
  unload_module
  echo "BENCH-RECORD-BEGIN"
  base64 /tmp/rec.replay
  echo "BENCH-RECORD-END"
fi
echo "BENCH-END uptime=$(cut -d' ' -f1 /proc/uptime)"
echo "PROCSENTRY-GUEST-DONE"
