#!/usr/bin/env bash
# Run tests/vm/run-kernel.sh for each kernel series in turn, all of them even when one fails,
# then print a summary and one closing "N passed, N failed" line (the sums over all kernels).
#
#   tests/vm/run-all.sh [series[:hook_mode]...]      (default: 5.10 6.1 6.12)
# "6.1:syscall_tp" runs 6.1 with the module loaded in its kprobe-less mode.
set -uo pipefail

VM=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-$(cd "$VM/../.." && pwd)/build}
series=("$@")
[ ${#series[@]} -eq 0 ] && series=(5.10 6.1 6.12)

summary=()
pass=0
fail=0
bad=0
start=$(date +%s)
for entry in "${series[@]}"; do
  s=${entry%%:*}
  mode=
  [ "$entry" != "$s" ] && mode=${entry#*:}
  t=$(date +%s)
  mkdir -p "$BUILD/kernels/$s"
  out=$BUILD/kernels/$s/run-kernel${mode:+-$mode}.out
  HOOK_MODE=$mode bash "$VM/run-kernel.sh" "$s" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  line=$(grep -aE "^kernel $s \\(.*\\): [0-9]+ passed, [0-9]+ failed$" "$out" | tail -n1)
  if [ -z "$line" ]; then
    # Failed before booting (fetch or module build): count the kernel as one failure.
    line="kernel $s: 0 passed, 1 failed (did not boot)"
  fi
  counts=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/')
  p=${counts% *}
  f=${counts#* }
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  pass=$((pass + p))
  fail=$((fail + f))
  if [ "$rc" -ne 0 ]; then bad=$((bad + 1)); st=FAIL; else st=ok; fi
  summary+=("  $st  $line  [$(( $(date +%s) - t ))s]")
done

echo
echo "=== procsentry kernel matrix ($(( $(date +%s) - start ))s) ==="
printf '%s\n' "${summary[@]}"
echo "$pass passed, $fail failed"
[ "$bad" -eq 0 ]
