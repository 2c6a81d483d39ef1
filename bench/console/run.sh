#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Console benchmarks; numbers go to docs/PERFORMANCE.md.
#
#   bench/console/run.sh [ingest|query|all]
#
# ingest: 200 simulated agents over TLS on loopback, 1000 alerts/s for BENCH_CONSOLE_SECONDS
#         (default 120): throughput, batch request latency, alert-to-visible latency, loss.
# query:  BENCH_CONSOLE_ROWS alerts (default 1000000) loaded through the agent API, then the
#         incident-list queries the UI makes, timed through the API (SQLite; BENCH_CONSOLE_PG=1
#         also PostgreSQL).
# Needs $(BUILD)/console/procsentry-console (make console).  Results: $BUILD/bench/console/*.json
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
export BUILD PROCSENTRY_CONSOLE=${PROCSENTRY_CONSOLE:-$BUILD/console/procsentry-console}
export PROCSENTRY_DAEMON_DIR=${PROCSENTRY_DAEMON_DIR:-$BUILD/daemon}
out=$BUILD/bench/console
mkdir -p "$out"
what=${1:-all}
if [ "$what" = ingest ] || [ "$what" = all ]; then
  python3 "$TOP/tests/console/load/run_load.py" --agents "${BENCH_CONSOLE_AGENTS:-200}" \
    --rate "${BENCH_CONSOLE_RATE:-1000}" --duration "${BENCH_CONSOLE_SECONDS:-120}" \
    --json "$out/load.json"
fi
if [ "$what" = query ] || [ "$what" = all ]; then
  python3 "$TOP/tests/console/load/query_bench.py" --alerts "${BENCH_CONSOLE_ROWS:-1000000}" \
    --json "$out/query-sqlite.json"
  if [ "${BENCH_CONSOLE_PG:-0}" = 1 ]; then
    python3 "$TOP/tests/console/load/query_bench.py" --alerts "${BENCH_CONSOLE_ROWS:-1000000}" \
      --pg --json "$out/query-postgresql.json"
  fi
fi
echo "bench-console: results in $out"
