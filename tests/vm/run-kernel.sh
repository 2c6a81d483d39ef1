#!/usr/bin/env bash
# Prove procsentry.ko on one real Debian kernel under QEMU (TCG, no KVM needed).
#
#   tests/vm/run-kernel.sh <5.10|6.1|6.12> [--demo|--bench]
#
# fetch kernel (cached) -> build module -> busybox initramfs -> boot -> check the serial log.
# Fails when the guest's done-marker is missing, a scenario failed, or the kernel log shows
# BUG/WARNING/Oops/panic and the like.  Serial log: build/kernels/<series>/guest.log.
# Environment: VM_TIMEOUT (s, whole boot, default 1200), SCENARIO_TIMEOUT (s, default 120),
# SCENARIOS=a,b (run only these), VM_APPEND (extra kernel command line), VM_DEBUG=0 (no
# slub_debug/kfence).  SCENARIOS=daemon runs only procsentryd's end-to-end suite, which the host
# judges with tests/vm/daemon/check_alerts.py (its PASS/FAIL lines count with the scenarios').
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
VM=$TOP/tests/vm
series=${1:?usage: run-kernel.sh <5.10|6.1|6.12> [--demo|--bench]}
mode=${2:-test}
case "$mode" in test|--demo|--bench) ;; *) echo "run-kernel: unknown mode '$mode'" >&2; exit 2 ;; esac
out=$BUILD/kernels/$series

mkdir -p "$out"
# One run per series at a time: a second `make demo`/`make test-kmod` on the same series would
# rebuild the module and truncate guest.log under the first.
exec 9> "$out/.run.lock"
if ! flock -n 9; then
  echo "run-kernel: $series is in use by another run; waiting" >&2
  flock 9
fi
export PROCSENTRY_VM_LOCKED=$series

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

t0=$(now)
bash "$TOP/scripts/fetch-kernels.sh" "$series" >/dev/null
# shellcheck source=/dev/null
. "$out/env"
t1=$(now)
bash "$VM/build-module.sh" "$series" > "$out/build-module.out" 2>&1 \
  || { cat "$out/build-module.out"; echo "kernel $series ($KREL): module build FAILED"; exit 1; }
t2=$(now)
initrd=$out/initramfs.cpio.gz
bench_arg=()
[ "$mode" = --bench ] && bench_arg=(--bench)
bash "$VM/mkinitramfs.sh" "$series" "$initrd" "${bench_arg[@]}" >/dev/null
t3=$(now)

# loglevel=5: WARN() splats and lockdep reports are KERN_WARNING (4); loglevel=4 would hide
# them from the serial log the host checks.  quiet keeps the rest of the boot short.
append="console=ttyS0 panic=-1 panic_on_warn=1 oops=panic quiet loglevel=5"
# Words with '=' the kernel does not know become the environment of /init.
append+=" ps_timeout=${SCENARIO_TIMEOUT:-120}"
# Memory-error detectors the Debian kernels have but leave off: SLUB red zones and poisoning
# (reports end in a Call Trace) and KFENCE sampling where built in ("BUG: KFENCE").
# Costs well under a second of boot here.  VM_DEBUG=0 turns them off.
[ "${VM_DEBUG:-1}" = 1 ] && append+=" slub_debug=FZP kfence.sample_interval=100"
[ -n "${SCENARIOS:-}" ] && append+=" ps_only=$SCENARIOS"
[ "$mode" = --demo ] && append+=" ps_run=/tests/demo-in-guest.sh"
[ -n "${VM_APPEND:-}" ] && append+=" $VM_APPEND"
# HOOK_MODE=syscall_tp: the module's kprobe-less mode, with its own log and label.
kdesc=$KREL
log=$out/guest.log
if [ -n "${HOOK_MODE:-}" ]; then
  append+=" ps_hook_mode=$HOOK_MODE"
  kdesc="$KREL, hook_mode=$HOOK_MODE"
  log=$out/guest-$HOOK_MODE.log
fi
echo "kernel $series ($kdesc, Debian $KVER): booting under QEMU/TCG, log $log"
# -no-reboot: a panic (panic=-1 -> reboot) ends QEMU instead of looping.
# No NIC, no disks: everything is in the initramfs; the 8250 serial is built into the kernel.
set +e
timeout -k 10 "${VM_TIMEOUT:-1200}" \
  qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 2 -nographic -no-reboot -nic none \
    -kernel "$VMLINUZ" -initrd "$initrd" -append "$append" </dev/null 2>&1 \
  | sed -u -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' | tee "$log" | sed -u "s/^/[$series] /"
qrc=${PIPESTATUS[0]}
set -e
t4=$(now)

fail=()
[ "$qrc" -eq 124 ] && fail+=("QEMU timed out after ${VM_TIMEOUT:-1200}s")
grep -aqx 'PROCSENTRY-GUEST-DONE' "$log" || fail+=("guest done-marker missing")
bad=$(grep -aE 'BUG:|WARNING:|Call Trace|kmemleak|Oops|general protection|Kernel panic' "$log" | head -n 20 || true)
[ -n "$bad" ] && fail+=("kernel log shows problems:"$'\n'"$bad")

result=""
e2e=""
if [ "$mode" = test ]; then
  result=$(grep -aE '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n1 || true)
  # The daemon suite, unless SCENARIOS left it out: its verdicts add to the guest's counts.
  if [ -z "${SCENARIOS:-}" ] || echo ",$SCENARIOS," | grep -q ',daemon,'; then
    e2e=$out/e2e-check${HOOK_MODE:+-$HOOK_MODE}.out
    python3 "$VM/daemon/check_alerts.py" "$log" > "$e2e" || true
    sed "s/^/[$series] /" "$e2e"
    e2e_sum=$(grep -aE '^[0-9]+ passed, [0-9]+ failed$' "$e2e" | tail -n1 || true)
    [ -n "$e2e_sum" ] || e2e_sum="0 passed, 1 failed"
    if [ -n "$result" ]; then
      result="$(echo "$result $e2e_sum" | awk '{ print $1 + $5 " passed, " $3 + $7 " failed" }')"
    fi
  fi
  if [ -z "$result" ]; then
    fail+=("no scenario summary line")
    result="0 passed, 1 failed"
  elif [ "$(echo "$result" | awk '{ print $3 }')" != 0 ]; then
    fail+=("scenarios failed: $(cat "$log" ${e2e:+"$e2e"} | { grep -aE '^FAIL ' || true; } | cut -d' ' -f2 | tr '\n' ' ')")
  elif [ "$(echo "$result" | awk '{ print $1 }')" = 0 ]; then
    fail+=("no scenario ran")
  fi
fi

# The demo's alerts, one line each (the guest printed them as E2E-ALERT lines).
if [ "$mode" = --demo ]; then
  python3 "$VM/daemon/check_alerts.py" --demo "$log" || fail+=("demo: not every rule type and outcome alerted")
fi

echo "timing $series: fetch $(secs "$t0" "$t1")s, build $(secs "$t1" "$t2")s," \
  "initramfs $(secs "$t2" "$t3")s, boot+run $(secs "$t3" "$t4")s, total $(secs "$t0" "$t4")s"
if [ "$mode" = test ]; then
  # A run that failed outside the scenarios (panic, missing marker) still counts as failed.
  if [ ${#fail[@]} -ne 0 ] && [ "$(echo "$result" | awk '{ print $3 }')" = 0 ]; then
    result="$(echo "$result" | awk '{ print $1 }') passed, 1 failed"
  fi
  echo "kernel $series ($kdesc): $result"
fi
if [ ${#fail[@]} -ne 0 ]; then
  for f in "${fail[@]}"; do echo "kernel $series ($kdesc): FAILED: $f"; done
  exit 1
fi
echo "kernel $series ($kdesc): OK"
[ "$mode" = test ] && echo "$result"
exit 0
