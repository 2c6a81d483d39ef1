#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`, the daemon's host part (docs/PERFORMANCE.md, "Daemon on the host"):
#   1. procsentry_pipeline_bench (Google Benchmark): decode + detection + rules + alert
#      building on the record mix of daemon/bench/record_mix.hpp, default configuration, one
#      thread: records/s per core.
#   2. procsentryd --replay on a file of N live processes (fork + exec, no exit; written by
#      procsentry_make_mix) with the default configuration: the "peak RSS" of its last line.
#
#   bench/host-bench.sh DAEMON_BUILD OUTDIR
# Writes OUTDIR/pipeline.json (Google Benchmark JSON) and OUTDIR/host.log ("HOST-..." lines
# for bench/report.py --host).  A missing program is reported and skipped.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
db=${1:?usage: host-bench.sh DAEMON_BUILD OUTDIR}
out=${2:?usage: host-bench.sh DAEMON_BUILD OUTDIR}
mkdir -p "$out"
log=$out/host.log
: > "$log"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/procsentry-hostbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "HOST-INFO cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//; s/ /_/g') nproc=$(nproc) load=$(cut -d' ' -f1 /proc/loadavg)" >> "$log"

if [ -x "$db/procsentry_pipeline_bench" ]; then
  # Repetitions: the host is shared; the median of 5 is what the report shows.
  if "$db/procsentry_pipeline_bench" --benchmark_filter=BM_PipelineDefaultRules \
       --benchmark_repetitions=5 --benchmark_format=json --benchmark_out="$out/pipeline.json" \
       --benchmark_out_format=json > "$tmp/pipeline.out" 2>&1; then
    echo "HOST-PIPELINE file=$out/pipeline.json" >> "$log"
  else
    echo "HOST-NOTE procsentry_pipeline_bench failed: $(tail -n 3 "$tmp/pipeline.out" | tr '\n' ' ')" >> "$log"
  fi
else
  echo "HOST-NOTE $db/procsentry_pipeline_bench missing (Google Benchmark not found at configure time?)" >> "$log"
fi

if [ -x "$db/procsentry_make_mix" ] && [ -x "$db/procsentryd" ]; then
  python3 "$TOP/bench/mkconfig.py" "$TOP/daemon/etc/procsentry.json" "$tmp/alerts.json" "$tmp/procsentry.json"
  chmod 0644 "$tmp/procsentry.json"
  for n in 1 10000; do
    "$db/procsentry_make_mix" "$tmp/mix$n.replay" "$n" --no-exit > /dev/null \
      || { echo "HOST-NOTE procsentry_make_mix $n failed" >> "$log"; continue; }
    mkdir -p "$tmp/state$n"
    "$db/procsentryd" --config "$tmp/procsentry.json" --state-dir "$tmp/state$n" --socket "$tmp/ctl$n.sock" \
      --replay "$tmp/mix$n.replay" > "$tmp/replay$n.out" 2>&1
    rc=$?
    line=$(grep -o 'replay finished: .*' "$tmp/replay$n.out" | tail -n 1)
    if [ -n "$line" ]; then
      # "replay finished: R records, A alerts, P processes tracked, peak RSS K kB"
      # ReplaySource holds the whole file in memory: file_kb of the peak is not the table's.
      fkb=$(( $(stat -c %s "$tmp/mix$n.replay") / 1024 ))
      echo "$line" | awk -v n="$n" -v rc="$rc" -v fkb="$fkb" '{ print "HOST-RSS live=" n " records=" $3 \
        " alerts=" $5 " tracked=" $7 " peak_rss_kb=" $12 " file_kb=" fkb " rc=" rc }' >> "$log"
    else
      echo "HOST-NOTE procsentryd --replay ($n processes) rc=$rc: $(tail -n 3 "$tmp/replay$n.out" | tr '\n' ' ')" >> "$log"
    fi
  done
else
  echo "HOST-NOTE procsentry_make_mix or procsentryd missing in $db" >> "$log"
fi
cat "$log"
