#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# procsentry-dump as a program: exit codes and replay output.
#   cli_test.sh PROCSENTRY_DUMP MAKE_SEEDS WORKDIR
set -u
dump=$1 seeds=$2 work=$3
fail() { echo "FAIL: $*"; exit 1; }

rm -rf "$work" && mkdir -p "$work/d" "$work/r" "$work/g" || fail "mkdir $work"
"$seeds" "$work/d" "$work/r" "$work/g" || fail "make_seeds"

"$dump" --bogus >/dev/null 2>"$work/err"; rc=$?
[ $rc -eq 2 ] || fail "usage error exit $rc, expected 2"
grep -q "unknown option '--bogus'" "$work/err" || fail "usage message: $(cat "$work/err")"

"$dump" --help >/dev/null || fail "--help exit $?"

"$dump" --replay "$work/r/all.replay" >"$work/out" 2>"$work/err"; rc=$?
[ $rc -eq 0 ] || fail "replay exit $rc: $(cat "$work/err")"
[ "$(wc -l <"$work/out")" -eq 8 ] || fail "expected 7 records + summary, got: $(cat "$work/out")"
for t in exec exec_failed cred_change exit fork lost; do
  grep -q "^{\"type\":\"$t\"," "$work/out" || fail "no $t line"
done
tail -n 1 "$work/out" | grep -q '^{"type":"summary","messages":2,' || fail "summary: $(tail -n 1 "$work/out")"
tail -n 1 "$work/out" | grep -q '"total":7,' || fail "summary total: $(tail -n 1 "$work/out")"

"$dump" --replay "$work/r/all.replay" --count 2 >"$work/out" 2>"$work/err" || fail "--count exit $?"
[ "$(wc -l <"$work/out")" -eq 3 ] || fail "--count 2: $(cat "$work/out")"

head -c 20 "$work/r/all.replay" >"$work/trunc.replay"
"$dump" --replay "$work/trunc.replay" >"$work/out" 2>"$work/err"; rc=$?
[ $rc -eq 1 ] || fail "truncated replay exit $rc, expected 1"
grep -q "truncated frame at offset 0" "$work/err" || fail "truncated replay message: $(cat "$work/err")"
tail -n 1 "$work/out" | grep -q '"type":"summary"' || fail "no summary after a replay error"

"$dump" --replay /nonexistent/x 2>"$work/err"; rc=$?
[ $rc -eq 1 ] || fail "missing replay exit $rc"
grep -q "cannot open replay file '/nonexistent/x'" "$work/err" || fail "missing file message: $(cat "$work/err")"
echo "cli ok"
