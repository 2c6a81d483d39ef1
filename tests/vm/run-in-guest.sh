#!/bin/sh
# Scenario runner inside the guest.  Loads procsentry.ko, runs every scenario named in
# /tests/scenarios.list as `procsentry-scenarios <name>` under a timeout, prints PASS/FAIL per
# scenario, then runs the daemon's end-to-end suite (/tests/e2e/run.sh, judged on the host by
# tests/vm/daemon/check_alerts.py), a final "N passed, N failed" line and the marker the host
# waits for.
# Environment (from the kernel command line): ps_timeout=<s> per scenario, ps_only=a,b,c subset
# ("daemon" names the end-to-end suite; ps_only=daemon runs only that).
BIN=/tests/bin/procsentry-scenarios
LIST=/tests/scenarios.list
TIMEOUT=${ps_timeout:-120}
pass=0
fail=0

echo "procsentry guest: kernel $(uname -r), $(nproc) cpus"
# ps_hook_mode=syscall_tp (kernel command line) runs the suite in the kprobe-less mode.
if ! insmod /lib/modules/procsentry.ko ${ps_hook_mode:+hook_mode=$ps_hook_mode}; then
  echo "FAIL insmod"
  fail=$((fail + 1))
fi

names=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$LIST" 2>/dev/null)
run_daemon=1
if [ -n "$ps_only" ]; then
  names=$(echo "$ps_only" | tr ',' '\n' | grep -vx daemon)
  echo "$ps_only" | tr ',' '\n' | grep -qx daemon || run_daemon=0
fi
if [ -z "$names" ] && [ -z "$ps_only" ]; then
  echo "FAIL scenarios.list (no scenarios listed)"
  fail=$((fail + 1))
fi

# A scenario the binary has but the list lacks would silently never run: say so.
if [ -x "$BIN" ] && [ -z "$ps_only" ]; then
  for n in $("$BIN" list 2>/dev/null); do
    echo "$names" | grep -qx "$n" || echo "NOTE: scenario $n is not in scenarios.list"
  done
fi

for name in $names; do
  if [ ! -x "$BIN" ]; then
    echo "FAIL $name (missing $BIN)"
    fail=$((fail + 1))
    continue
  fi
  echo "=== RUN $name"
  start=$(date +%s)
  # -k: a scenario that ignores SIGTERM still ends.
  timeout -k 5 "$TIMEOUT" "$BIN" "$name"
  rc=$?
  secs=$(($(date +%s) - start))
  if [ $rc -eq 0 ]; then
    echo "PASS $name (${secs}s)"
    pass=$((pass + 1))
  else
    why="rc=$rc"
    if [ $rc -eq 143 ] || [ $rc -eq 137 ] || [ $rc -eq 124 ]; then why="timeout ${TIMEOUT}s?, rc=$rc"; fi
    echo "FAIL $name ($why, ${secs}s)"
    fail=$((fail + 1))
  fi
done

# procsentryd with the real module: the host judges the alerts (check_alerts.py), so this
# counts neither pass nor fail here.  The last scenario left the module loaded.
if [ $run_daemon -eq 1 ]; then
  echo "=== RUN daemon"
  start=$(date +%s)
  timeout -k 5 "${ps_e2e_timeout:-300}" sh /tests/e2e/run.sh
  echo "E2E-FACT suite_rc $? ($(($(date +%s) - start))s)"
  # A suite cut short by the timeout may leave its daemon behind.
  for p in $(pidof procsentryd); do kill -9 "$p"; done
fi

# Unloading after all scenarios catches refcount and cleanup bugs (a scenario may have
# unloaded it already).
if grep -q '^procsentry ' /proc/modules; then
  if ! rmmod procsentry; then
    echo "FAIL rmmod"
    fail=$((fail + 1))
  fi
fi

if [ $fail -ne 0 ]; then
  echo "--- dmesg (last 60 lines) ---"
  dmesg | tail -n 60
  echo "--- end dmesg ---"
fi
echo "$pass passed, $fail failed"
echo "PROCSENTRY-GUEST-DONE"
