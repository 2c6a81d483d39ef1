#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: one Debian guest, one vCPU, instruction-count clock; see docs/PERFORMANCE.md.
#
#   bench/run-bench.sh [series]          (default: $KERNEL or 6.1)
#
# fetch kernel (cached) -> build module (tests/vm/build-module.sh, private tree) -> build bench
# programs (static, bench/src/) -> busybox initramfs (tests/vm/mkinitramfs.sh --bench) -> boot once under
# QEMU TCG with -icount -> bench/report.py writes the table into docs/PERFORMANCE.md and
# prints it.
# Before the guest, the daemon's host part (bench/host-bench.sh: pipeline throughput, RSS with
# 10 k processes) unless BENCH_NO_HOST=1.
# Environment: BENCH_ROUNDS (5), BENCH_CONFIGS (a,b,c,d,e,c0,c2,c3,p,pa), BENCH_EXEC_N (1500),
# BENCH_GETPPID_N (1500000), BENCH_SETRESUID_N (1200000), BENCH_CAP_NS (600000000: a loop
# stops after that much guest time), BENCH_RATE (1), BENCH_TIMEOUT (s, default 1500),
# BENCH_OUT (where the initramfs and guest.log go; default build/bench), BENCH_APPEND (more
# kernel command-line words, e.g. ps_record=1), BENCH_LAT_N (3000 execs), BENCH_LAT_RATE (1000/s),
# BENCH_NO_DOC=1 (print only, leave docs/PERFORMANCE.md alone).
set -euo pipefail

# All in one function: bash parses it whole, so editing this file during a run is harmless.
main() {

  TOP=$(cd "$(dirname "$0")/.." && pwd)
  BUILD=${BUILD:-$TOP/build}
  export BUILD
  series=${1:-${KERNEL:-6.1}}
  out=$BUILD/bench
  # Initramfs and guest log; the guest programs themselves are always built in $BUILD/bench.
  run_out=${BENCH_OUT:-$out}
  kout=$BUILD/kernels/$series
  CC=${CC:-gcc}

  now() { date +%s.%N; }
  secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

  t0=$(now)
  bash "$TOP/scripts/fetch-kernels.sh" "$series" >/dev/null
  # shellcheck source=/dev/null
  . "$kout/env"
  mkdir -p "$out" "$run_out"
  # The module, built by tests/vm/build-module.sh into a private tree (its BUILD only locates
  # env, which names the unpacked kernel): test runs rebuilding build/kernels/<series>/src at
  # the same time cannot pull the .ko from under the benchmark.
  kb=$run_out/kbuild
  mkdir -p "$kb/kernels/$series"
  cp "$kout/env" "$kb/kernels/$series/env"
  BUILD=$kb bash "$TOP/tests/vm/build-module.sh" "$series" > "$run_out/build-module.out" 2>&1 \
    || { cat "$run_out/build-module.out"; echo "bench: module build for $series FAILED" >&2; exit 1; }
  ko=$kb/kernels/$series/src/kmod/procsentry.ko

  CFLAGS="-O2 -Wall -Wextra -Werror"
  $CC $CFLAGS -static -o "$out/psbench" "$TOP/bench/src/psbench.c"
  $CC $CFLAGS -static -o "$out/cnproc-listen" "$TOP/bench/src/cnproc-listen.c"
  $CC $CFLAGS -static -I"$TOP/include" -o "$out/rawreader" "$TOP/bench/src/rawreader.c"
  $CC $CFLAGS -static -nostdlib -ffreestanding -fno-stack-protector -fno-pie -no-pie \
    -o "$out/bench-true" "$TOP/bench/src/true.c"
  $CC $CFLAGS -static -pthread -o "$out/alertlat" "$TOP/bench/src/alertlat.c"
  # procsentryd's configurations (mkinitramfs.sh --bench puts $out/*.json in /bench/).
  cp "$TOP"/bench/configs/*.json "$out/"
  python3 "$TOP/bench/mkconfig.py" "$TOP/daemon/etc/procsentry.json" /tmp/psd/alerts.json \
    "$out/daemon-default.json"
  [ -x "$BUILD/daemon/procsentryd" ] \
    || echo "bench: $BUILD/daemon/procsentryd missing (make daemon): configurations p, pa skipped" >&2
  [ -x /sbin/auditd ] || echo "bench: /sbin/auditd missing (apt-get install auditd): configuration d skipped" >&2
  [ -x "$BUILD/daemon/procsentry-dump" ] \
    || echo "bench: $BUILD/daemon/procsentry-dump missing (make daemon): configurations c, c2 skipped" >&2

  initrd=$run_out/initramfs.cpio.gz
  # The harness's image builder in its bench mode, with this run's module and no scenarios.
  PROCSENTRY_KO=$ko PROCSENTRY_SCENARIOS_DIR=/nonexistent \
    bash "$TOP/tests/vm/mkinitramfs.sh" "$series" "$initrd" --bench >/dev/null
  host=()
  if [ "${BENCH_NO_HOST:-0}" != 1 ]; then
    echo "bench: daemon on the host (pipeline throughput, RSS with 10 k processes)"
    bash "$TOP/bench/host-bench.sh" "$BUILD/daemon" "$run_out" | sed 's/^/bench: /'
    host=(--host "$run_out/host.log")
  fi
  t1=$(now)

  append="console=ttyS0 panic=-1 oops=panic quiet loglevel=4"
  append+=" ps_rounds=${BENCH_ROUNDS:-5} ps_configs=${BENCH_CONFIGS:-a,b,c,d,e,c0,c2,c3,p,pa}"
  append+=" ps_exec_n=${BENCH_EXEC_N:-1500} ps_getppid_n=${BENCH_GETPPID_N:-1500000}"
  append+=" ps_setresuid_n=${BENCH_SETRESUID_N:-1200000} ps_cap_ns=${BENCH_CAP_NS:-600000000}"
  append+=" ps_lat_n=${BENCH_LAT_N:-3000} ps_lat_rate=${BENCH_LAT_RATE:-1000}"
  append+=" ps_rate=${BENCH_RATE:-1}${BENCH_APPEND:+ $BENCH_APPEND}"
  log=$run_out/guest.log
  echo "bench: kernel $series ($KREL, Debian $KVER): one boot under QEMU/TCG -icount, log $log"
  set +e
  # The measurement command (docs/PERFORMANCE.md): one vCPU, clock = instruction count, no NIC.
  timeout -k 10 "${BENCH_TIMEOUT:-1500}" \
    qemu-system-x86_64 -accel tcg -smp 1 -icount shift=0,sleep=off -m 1024 -nographic -no-reboot \
      -nic none -kernel "$VMLINUZ" -initrd "$initrd" -append "$append" </dev/null 2>&1 \
    | sed -u -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' > "$log"
  qrc=${PIPESTATUS[0]}
  set -e
  t2=$(now)
  echo "bench: prepare $(secs "$t0" "$t1")s, boot+run $(secs "$t1" "$t2")s"
  grep -E 'BENCH-LOG|BENCH-SKIP|BUG:|WARNING:|Oops|Kernel panic' "$log" | head -n 40 || true
  [ "$qrc" -eq 124 ] && echo "bench: QEMU timed out after ${BENCH_TIMEOUT:-1500}s" >&2
  doc=()
  [ "${BENCH_NO_DOC:-0}" = 1 ] || doc=(--doc "$TOP/docs/PERFORMANCE.md")
  python3 "$TOP/bench/report.py" --log "$log" --kernel "$KREL (Debian $KVER)" \
    --wall "$(secs "$t0" "$t2")" "${host[@]}" "${doc[@]}"
  grep -q '^BENCH-END' "$log" || { echo "bench: guest did not finish (BENCH-END missing), see $log" >&2; exit 1; }
}

# One line, read whole before it runs: the function above is already parsed.
{ main "$@"; exit $?; }
