#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Re-records the console tests' kernel-record fixtures on a real Debian kernel under QEMU (TCG):
#
#   tests/console/records/record-fixtures.sh [6.1]
#
# Uses the tests/vm pipeline (cached kernel, module build, busybox initramfs) with
# procsentry-record-fixtures as the guest's program, then cuts each recording down to the
# process the action started (tests/console/lib/records.py extract) and writes
# tests/console/records/<name>.rec.  Needs `make daemon e2e-helper` (procsentry-dump, the helper)
# in $BUILD.  Not part of `make test`: the fixtures are committed; this documents how they were made.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
export BUILD=${BUILD:-$TOP/build}
series=${1:-6.1}
HERE=$TOP/tests/console/records
out=$BUILD/console-records
mkdir -p "$out/daemon"
bash "$TOP/scripts/fetch-kernels.sh" "$series" > /dev/null
# shellcheck source=/dev/null
. "$BUILD/kernels/$series/env"
bash "$TOP/tests/vm/build-module.sh" "$series" > "$out/build-module.out" 2>&1 \
  || { cat "$out/build-module.out"; exit 1; }
# Only procsentry-dump and the guest program: the daemon is not needed in the guest.
install -m 0755 "$BUILD/daemon/procsentry-dump" "$out/daemon/procsentry-dump"
install -m 0755 "$HERE/procsentry-record-fixtures" "$out/daemon/procsentry-record-fixtures"
PROCSENTRY_DAEMON_DIR=$out/daemon PROCSENTRY_SCENARIOS_DIR=$out/none \
  bash "$TOP/tests/vm/mkinitramfs.sh" "$series" "$out/initramfs.cpio.gz" > /dev/null
log=$out/guest.log
timeout -k 10 "${VM_TIMEOUT:-900}" \
  qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 2 -nographic -no-reboot -nic none \
    -kernel "$VMLINUZ" -initrd "$out/initramfs.cpio.gz" \
    -append "console=ttyS0 panic=-1 quiet loglevel=5 ps_run=/usr/bin/procsentry-record-fixtures" \
    < /dev/null 2>&1 | sed -u -e 's/\r//g' > "$log"
grep -aqx 'PROCSENTRY-GUEST-DONE' "$log" || { tail -n 40 "$log"; echo "record: guest did not finish"; exit 1; }
python3 "$TOP/tests/console/lib/records.py" extract "$log" "$HERE" --kernel "$KREL"
