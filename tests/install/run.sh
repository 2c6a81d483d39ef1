#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The install test (`make test-install`): a real Debian 12 system, installed offline from our
# .debs, booted under QEMU (TCG) with systemd as init.  See tests/install/README.md.
#
#   tests/install/run.sh
#
# Environment: BUILD (build tree, default ./build), NEW_BUNDLE (the new version's unpacked offline
# bundle: two .debs, SHA256SUMS, install.sh; default $BUILD/bundle/procsentry-0.1.0-bundle),
# OLD_BUNDLE (the older version's, default $BUILD/bundle/procsentry-0.0.9-bundle),
# INSTALL_STAGES (boots to run, default "1 2 2b 3"), INSTALL_BOOT_TIMEOUT (s per boot, default 900),
# INSTALL_SMP / INSTALL_MEM / INSTALL_CPU (guest vCPUs / MiB / QEMU -cpu, default 2 / 1024 / qemu64,+smep,+smap), INSTALL_KEEP_ROOTFS=1 (keep the
# unpacked root filesystem after the image is made).
# Output in $BUILD/install-test/: console-<stage>.log, guest-<stage>.log (the guest's own log,
# read back from the image), chroot-install.log, summary.txt.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$TOP/tests/install
BUILD=${BUILD:-$TOP/build}
OUT=$BUILD/install-test
ROOTFS=$OUT/rootfs
IMG=$OUT/disk.img
NEW_BUNDLE=${NEW_BUNDLE:-$BUILD/bundle/procsentry-0.1.0-bundle}
OLD_BUNDLE=${OLD_BUNDLE:-$BUILD/bundle/procsentry-0.0.9-bundle}
STAGES=${INSTALL_STAGES:-1 2 2b 3}
BOOT_TIMEOUT=${INSTALL_BOOT_TIMEOUT:-900}
SMP=${INSTALL_SMP:-2}
# qemu64 (+SMEP/SMAP, so a module touching user memory wrongly still faults): under TCG the guest's
# glibc then takes its SSE2 paths instead of AVX2 ones, which TCG emulates slowly; boot 3 (DKMS build
# under TCG) took 193-196 s with it against 242-275 s with -cpu max.
CPU=${INSTALL_CPU:-qemu64,+smep,+smap}
MEM=${INSTALL_MEM:-1024}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/procsentry
BASE_CACHE=$CACHE/install
SUITE=bookworm
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

log() { echo "install-test: $*" >&2; }
die() { log "FAILED: $*"; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Phase timings, printed at the end (and on failure, as far as they got).
TIMES=()
phase_start() { PHASE=$1; PHASE_T0=$(now); log "== $PHASE"; }
phase_end() { TIMES+=("$PHASE $(secs "$PHASE_T0" "$(now)")s"); }
print_times() {
  local t
  [ ${#TIMES[@]} -eq 0 ] && return 0
  echo "install-test timing:"
  for t in "${TIMES[@]}"; do echo "  $t"; done
}

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mkfs)"
for tool in debootstrap mkfs.ext4 debugfs qemu-system-x86_64 unshare zstd dpkg-deb python3; do
  command -v "$tool" >/dev/null || die "$tool is missing (apt-get install debootstrap e2fsprogs qemu-system-x86 util-linux zstd dpkg python3)"
done

mkdir -p "$OUT"
# One run per build tree: a second run would rebuild the root filesystem under the first.
exec 9> "$OUT/.lock"
if ! flock -n 9; then
  log "$OUT is in use by another run; waiting"
  flock 9
fi

# Never delete a root filesystem that still has something mounted in it (a bind-mounted /dev
# would lose the host's device nodes).  Mounts are made in a private namespace, so this is a
# belt-and-braces check.
assert_unmounted() {
  if awk -v r="$1" '$5 == r || index($5, r "/") == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
    die "something is still mounted under $1; unmount it first"
  fi
}

# --- inputs ------------------------------------------------------------------------------------
debs_in() {
  # The two procsentry .debs of a directory (procsentry_*.deb and procsentry-dkms_*.deb).
  local d=$1 a b
  a=$(find "$d" -maxdepth 1 -name 'procsentry_*.deb' 2>/dev/null | sort -V | tail -n1)
  b=$(find "$d" -maxdepth 1 -name 'procsentry-dkms_*.deb' 2>/dev/null | sort -V | tail -n1)
  if [ -z "$a" ] || [ -z "$b" ]; then
    die "no procsentry .debs in $d (make deb BUILD=...; see tests/install/README.md)"
  fi
  echo "$a"
  echo "$b"
}
upstream_of() {
  # Debian version -> upstream version (what the module and daemon report): no epoch, no revision.
  dpkg-deb -f "$1" Version | sed 's/^[0-9]*://; s/-[^-]*$//'
}

phase_start "inputs"
for b in "$NEW_BUNDLE" "$OLD_BUNDLE"; do
  if [ ! -x "$b/install.sh" ] || [ ! -f "$b/SHA256SUMS" ]; then
    die "$b is not an offline bundle (make bundle BUILD=...)"
  fi
done
mapfile -t new_debs < <(debs_in "$NEW_BUNDLE")
mapfile -t old_debs < <(debs_in "$OLD_BUNDLE")
NEW_VERSION=$(upstream_of "${new_debs[0]}")
OLD_VERSION=$(upstream_of "${old_debs[0]}")
[ "$NEW_VERSION" != "$OLD_VERSION" ] || die "old and new .debs have the same version $NEW_VERSION"
dpkg --compare-versions "$(dpkg-deb -f "${new_debs[0]}" Version)" gt "$(dpkg-deb -f "${old_debs[0]}" Version)" \
  || die "the 'new' .debs ($NEW_VERSION) are not newer than the 'old' ones ($OLD_VERSION)"
log "old $OLD_VERSION: ${old_debs[*]##*/}"
log "new $NEW_VERSION: ${new_debs[*]##*/}"

# The Debian 6.1 kernel (image, headers, kbuild) from the harness' cache: offline once there.
BUILD=$BUILD bash "$TOP/scripts/fetch-kernels.sh" 6.1 >/dev/null
KDEBS_DIR=$CACHE/kernels/6.1
mapfile -t kernel_debs < <(sed "s@^@$KDEBS_DIR/@" "$KDEBS_DIR/packages")
KREL=$(dpkg-deb -f "$(printf '%s\n' "${kernel_debs[@]}" | grep '/linux-image-')" Package | sed 's/^linux-image-//')
log "kernel $KREL: ${kernel_debs[*]##*/}"
phase_end

# --- 1. base root filesystem (debootstrap, cached) ---------------------------------------------
# What the chroot and the guest need besides minbase, then whatever our .debs and the kernel's
# .debs depend on (first alternative, versions dropped): dpkg -i later must find every dependency.
BASE_PKGS="systemd systemd-sysv udev kmod dkms gcc make libc6-dev initramfs-tools linux-base procps
openssl"
# openssl: DKMS signs the module with its own MOK key (/var/lib/dkms/mok.key) when it can make
# one; the sig_enforce boot then shows the Secure Boot refusal of an unenrolled key.
depends_of_debs() {
  local f
  for f in "$@"; do
    dpkg-deb -f "$f" Pre-Depends Depends | sed -n 's/^[A-Za-z-]*: //p'
  done | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/:any//; s/[[:space:]]//g' | sed '/^$/d'
}
pkg_list() {
  {
    # shellcheck disable=SC2086 # a word list
    printf '%s\n' $BASE_PKGS
    depends_of_debs "${kernel_debs[@]}" "${old_debs[@]}" "${new_debs[@]}"
  } | grep -vE '^(procsentry|procsentry-dkms|linux-headers-.*|linux-kbuild-.*|linux-image-.*)$' | sort -u
}
PKGS=$(pkg_list)
# The key: suite, variant, package list, debootstrap's version, and this script's recipe version
# (bump BASE_RECIPE when the way the base is made changes).
BASE_RECIPE=2
key=$( { echo "$SUITE minbase recipe=$BASE_RECIPE"; debootstrap --version; echo "$PKGS"; } | sha256sum | cut -c1-16)
base_tar=$BASE_CACHE/base-$SUITE-$key.tar.zst

# --- mirror discovery (as scripts/fetch-kernels.sh: the first apt source serving bookworm) ------
find_mirror() {
  # shellcheck source=/dev/null
  source <(sed -n '/^find_mirror() {/,/^}/p' "$TOP/scripts/fetch-kernels.sh")
  find_mirror
}

assert_unmounted "$ROOTFS"
rm -rf "$ROOTFS"
if [ -s "$base_tar" ]; then
  phase_start "base rootfs (cached)"
  mkdir -p "$ROOTFS"
  zstd -dcq "$base_tar" | tar -C "$ROOTFS" --numeric-owner --xattrs --xattrs-include='*' -xf -
  phase_end
else
  phase_start "base rootfs (debootstrap, cold)"
  mirror=$(find_mirror)
  [ -n "$mirror" ] || die "no apt source serving '$SUITE' found in /etc/apt"
  log "debootstrap $SUITE minbase + $(echo "$PKGS" | wc -w) packages (cache miss: $base_tar)"
  tmp=$OUT/rootfs.debootstrap
  assert_unmounted "$tmp"
  rm -rf "$tmp"
  # The mirror is not written anywhere: not in the log, not in the image's apt sources
  # (pipefail: a failed debootstrap fails the pipeline).
  if ! debootstrap --variant=minbase --keyring="$KEYRING" --include="$(echo "$PKGS" | tr '\n' ',' | sed 's/,$//')" \
      "$SUITE" "$tmp" "$mirror" 2>&1 | sed -u "s@$mirror@<apt mirror>@g" > "$OUT/debootstrap.log"; then
    tail -n 30 "$OUT/debootstrap.log" >&2
    assert_unmounted "$tmp"
    die "debootstrap failed (log: $OUT/debootstrap.log)"
  fi
  # debootstrap may leave /proc mounted on failure paths; never tar or delete through a mount.
  assert_unmounted "$tmp"
  # The downloaded .debs are not needed in the image; the apt lists debootstrap made are not
  # either (the guest never uses the network).
  rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*_Packages \
    "$tmp"/debootstrap
  echo "# The install test's system is offline: no apt sources." > "$tmp"/etc/apt/sources.list
  mkdir -p "$BASE_CACHE"
  tar -C "$tmp" --numeric-owner --xattrs --xattrs-include='*' -cf - . | zstd -q -T0 -3 > "$base_tar.tmp"
  mv "$base_tar.tmp" "$base_tar"
  # Older bases (another package list) are of no use any more.
  find "$BASE_CACHE" -maxdepth 1 -name "base-$SUITE-*.tar.zst" ! -name "${base_tar##*/}" -delete
  mv "$tmp" "$ROOTFS"
  phase_end
fi

# --- 2. offline install inside the root filesystem ---------------------------------------------
phase_start "chroot install (kernel, old .debs, DKMS build)"
stage_dir=$ROOTFS/root/install-test
mkdir -p "$stage_dir/kernel"
cp "${kernel_debs[@]}" "$stage_dir/kernel/"
# The bundles as an air-gapped site receives them: install.sh verifies SHA256SUMS itself.
rm -rf "$stage_dir/old" "$ROOTFS/root/bundle-new"
cp -a "$OLD_BUNDLE" "$stage_dir/old"
cp -a "$NEW_BUNDLE" "$ROOTFS/root/bundle-new"
cp "$HERE/chroot-install.sh" "$stage_dir/"
# A private mount namespace: /proc, /sys and /dev mounted for the chroot disappear with it even if
# this script is killed; the trap in chroot-install.sh unmounts them in order on every exit.
if ! unshare --mount --propagation private \
    bash "$HERE/chroot-mounts.sh" "$ROOTFS" /root/install-test/chroot-install.sh "$KREL" "$OLD_VERSION" \
    > "$OUT/chroot-install.log" 2>&1; then
  tail -n 40 "$OUT/chroot-install.log" >&2
  assert_unmounted "$ROOTFS"
  die "installation inside the chroot failed (log: $OUT/chroot-install.log)"
fi
assert_unmounted "$ROOTFS"
grep -E '^chroot-install: ' "$OUT/chroot-install.log" >&2 || true
rm -rf "$stage_dir/kernel" "$stage_dir/old"
phase_end

# --- guest configuration: our check unit and what makes a TCG boot short ------------------------
phase_start "image"
guest=$ROOTFS/usr/local/lib/procsentry-install-check
mkdir -p "$guest"
install -m 0755 "$HERE/guest/install-check.sh" "$guest/install-check.sh"
install -m 0644 "$HERE/guest/procsentry-install-check.service" \
  "$ROOTFS/etc/systemd/system/procsentry-install-check.service"
ln -sfn ../procsentry-install-check.service \
  "$ROOTFS/etc/systemd/system/multi-user.target.wants/procsentry-install-check.service"
cat > "$guest/env" <<ENV
OLD_VERSION=$OLD_VERSION
NEW_VERSION=$NEW_VERSION
KREL=$KREL
ENV
# Configurations the guest switches to (made here from the installed default: no JSON tool needed
# in the guest).
python3 "$HERE/make-configs.py" "$ROOTFS/etc/procsentry/procsentry.json" "$guest"

echo psi-install > "$ROOTFS/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tpsi-install\n' > "$ROOTFS/etc/hosts"
echo '/dev/vda / ext4 rw,errors=remount-ro 0 1' > "$ROOTFS/etc/fstab"
# No login prompt on the console the host parses; no timers or network waits on the boot path.
for u in serial-getty@ttyS0.service getty@tty1.service apt-daily.timer apt-daily-upgrade.timer \
    e2scrub_all.timer e2scrub_reap.service fstrim.timer systemd-networkd-wait-online.service \
    systemd-timesyncd.service dpkg-db-backup.timer man-db.timer systemd-tmpfiles-clean.timer; do
  ln -sfn /dev/null "$ROOTFS/etc/systemd/system/$u"
done
# Keep the guest's journal on disk, so that the host can read it back after a failure.
mkdir -p "$ROOTFS/var/log/journal"
rm -rf "$ROOTFS/var/log/install-check"
mkdir -p "$ROOTFS/var/log/install-check"

cp "$ROOTFS/boot/vmlinuz-$KREL" "$OUT/vmlinuz"
cp "$ROOTFS/boot/initrd.img-$KREL" "$OUT/initrd.img"
# Room for the upgrade's DKMS build, the journal and the spool.
size_mb=$(( $(du -sm "$ROOTFS" | cut -f1) + 1536 ))
rm -f "$IMG"
mkfs.ext4 -q -F -L psi-root -E lazy_itable_init=1,lazy_journal_init=1 -d "$ROOTFS" "$IMG" "${size_mb}M"
if [ "${INSTALL_KEEP_ROOTFS:-0}" != 1 ]; then
  assert_unmounted "$ROOTFS"
  rm -rf "$ROOTFS"
fi
phase_end

# --- 3./4. boots ---------------------------------------------------------------------------------
# Expected checks per stage: a check that never reports counts as failed.
expected_checks() {
  case "$1" in
    1) echo "module-loaded-at-boot module-service-active daemon-ready dkms-status alert-journal alert-journal-priority alert-file
             reload-new-rule reload-invalid-keeps-old spool-written spool-kept-after-stop daemon-ready-after-start" ;;
    2) echo "sig-module-service-failed sig-module-cause sig-module-fix sig-daemon-active sig-daemon-no-restarts
             sig-status-degraded sig-status-cause" ;;
    2b) echo "lockdown-module-service-failed lockdown-module-cause lockdown-module-fix lockdown-daemon-active
              lockdown-daemon-no-restarts lockdown-status-degraded lockdown-status-cause" ;;
    3) echo "pre-upgrade-old-module upgrade-dpkg upgrade-module-built upgrade-module-loaded upgrade-daemon-restarted
             upgrade-daemon-ready upgrade-config-kept upgrade-spool-kept mismatch-reported purge-dpkg
             purge-module-unloaded purge-module-files purge-units purge-state purge-dkms" ;;
  esac
}
append_of() {
  case "$1" in
    2) echo "module.sig_enforce=1" ;;
    2b) echo "lockdown=integrity" ;;
  esac
}

SUMMARY=$OUT/summary.txt
: > "$SUMMARY"
say() { echo "$*" | tee -a "$SUMMARY"; }
total_pass=0
total_fail=0
boot() {
  local stage=$1 console=$OUT/console-$1.log append
  # quiet + loglevel=5: kernel WARN()s (level 4) still reach the console the host checks.
  append="root=/dev/vda rw console=ttyS0 panic=-1 panic_on_warn=1 oops=panic quiet loglevel=5"
  append+=" systemd.show_status=error psi_stage=$stage $(append_of "$stage")"
  phase_start "boot $stage"
  log "boot $stage: $append (console: $console)"
  set +e
  timeout -k 10 "$BOOT_TIMEOUT" \
    qemu-system-x86_64 -accel tcg -cpu "$CPU" -m "$MEM" -smp "$SMP" -nographic -no-reboot -nic none \
      -drive "file=$IMG,format=raw,if=virtio,cache=unsafe" \
      -kernel "$OUT/vmlinuz" -initrd "$OUT/initrd.img" -append "$append" </dev/null 2>&1 \
    | sed -u -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' > "$console"
  local qrc=${PIPESTATUS[0]}
  set -e
  phase_end
  # The guest's own log and journal (read from the image without mounting it).
  debugfs -R "dump /var/log/install-check/stage-$stage.log $OUT/guest-$stage.log" "$IMG" >/dev/null 2>&1 || true
  debugfs -R "dump /var/log/install-check/journal-$stage.txt $OUT/journal-$stage.txt" "$IMG" >/dev/null 2>&1 || true

  local fails=() name line pass=0 fail=0
  [ "$qrc" -eq 124 ] && fails+=("QEMU timed out after ${BOOT_TIMEOUT}s")
  grep -aq "^INSTALL-CHECK-DONE stage=$stage\$" "$console" || fails+=("the guest's done-marker is missing")
  local bad
  bad=$(grep -av '^INSTALL-' "$console" | grep -aE 'BUG:|WARNING:|Call Trace|Oops|general protection|Kernel panic' | head -n 20 || true)
  [ -n "$bad" ] && fails+=("kernel log shows problems:"$'\n'"$bad")
  for name in $(expected_checks "$stage"); do
    line=$(grep -a -m1 -E "^INSTALL-CHECK (PASS|FAIL) $name(:|\$)" "$console" || true)
    case "$line" in
      "INSTALL-CHECK PASS $name"*) say "  [$stage] PASS $name"; pass=$((pass + 1)) ;;
      "INSTALL-CHECK FAIL $name"*) say "  [$stage] FAIL ${line#INSTALL-CHECK FAIL }"; fail=$((fail + 1)) ;;
      *) say "  [$stage] FAIL $name: not reported"; fail=$((fail + 1)) ;;
    esac
  done
  # Checks the guest reported that the host does not know of are failures too (a renamed check).
  while IFS= read -r line; do
    name=${line#INSTALL-CHECK FAIL }; name=${name%%:*}
    if ! expected_checks "$stage" | tr -s '[:space:]' '\n' | grep -qx "$name"; then
      say "  [$stage] FAIL ${line#INSTALL-CHECK FAIL }"; fail=$((fail + 1))
    fi
  done < <(grep -a '^INSTALL-CHECK FAIL ' "$console" || true)
  grep -a '^INSTALL-NOTE ' "$console" | sed "s/^INSTALL-NOTE /  [$stage] note: /" | tee -a "$SUMMARY" || true
  for line in "${fails[@]}"; do say "  [$stage] FAIL $line"; fail=$((fail + 1)); done
  say "boot $stage: $pass passed, $fail failed"
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
}

for s in $STAGES; do
  boot "$s"
done
print_times | tee -a "$SUMMARY"
say "install-test: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
