#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs INSIDE the install test's root filesystem (chroot, no network): the Debian kernel, then the
# older version's offline bundle with its install.sh --kernel <release> (checksums, prerequisites,
# dpkg -i), as an air-gapped site preparing an image would.  DKMS builds the module for the
# installed kernel from procsentry-dkms' postinst.
#
#   chroot-install.sh <kernel release> <old upstream version>
set -euo pipefail

krel=${1:?usage: chroot-install.sh <krel> <old version>}
old_version=${2:?usage: chroot-install.sh <krel> <old version>}
dir=/root/install-test
say() { echo "chroot-install: $*"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Package scripts must not start services in a chroot (invoke-rc.d/deb-systemd-invoke ask this).
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod 0755 /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT

# A small initramfs: only what a QEMU virtio disk with ext4 needs (MODULES=most would pack every
# storage driver and take far longer to build and to load under TCG).
cat > /etc/initramfs-tools/conf.d/install-test.conf <<'CONF'
MODULES=list
COMPRESS=zstd
CONF
printf '%s\n' virtio_pci virtio_blk ext4 crc32c_generic > /etc/initramfs-tools/modules

t0=$(now)
dpkg -i "$dir"/kernel/*.deb
t1=$(now)
say "kernel packages: $(secs "$t0" "$t1")s"
if [ ! -f "/boot/vmlinuz-$krel" ] || [ ! -f "/boot/initrd.img-$krel" ]; then
  say "FAILED: /boot/vmlinuz-$krel or /boot/initrd.img-$krel missing after the kernel install"
  exit 1
fi

# The chroot's `uname -r` is the HOST's kernel, which has no headers here: DKMS (common.postinst)
# then builds for the newest kernel under /lib/modules, which is $krel.  Checked below.
say "uname -r in the chroot: $(uname -r) (the host's); installed kernel: $krel"
# --kernel: the headers checked and the module verified are the installed kernel's, not the
# host's that `uname -r` reports here; exit 0 only when the module was built for it.
(cd "$dir"/old && ./install.sh --kernel "$krel")
t2=$(now)
say "procsentry $old_version packages (incl. DKMS build): $(secs "$t1" "$t2")s"

ko=$(find /lib/modules/"$krel"/updates/dkms -name 'procsentry.ko*' 2>/dev/null | head -n1)
if [ -z "$ko" ]; then
  say "FAILED: DKMS did not build the module for $krel: no /lib/modules/$krel/updates/dkms/procsentry.ko"
  dkms status || true
  ls /var/lib/dkms/procsentry/*/ 2>/dev/null || true
  cat /var/lib/dkms/procsentry/*/build/make.log 2>/dev/null | tail -n 30 || true
  exit 1
fi
v=$(modinfo -F version "$ko")
[ "$v" = "$old_version" ] || { say "FAILED: $ko has version '$v', want $old_version"; exit 1; }
say "module built by DKMS: $ko (version $v, signer: $(modinfo -F signer "$ko" || true))"
say "dkms status: $(dkms status procsentry | tr '\n' ';')"
# The old module, for the version-mismatch check after the upgrade in boot 3.
mkdir -p /root/old-module
cp "$ko" /root/old-module/

# The daemon was enabled by the package (preset), not started (no systemd here).
systemctl is-enabled procsentry.service >/dev/null 2>&1 \
  || { say "FAILED: procsentry.service is not enabled after the install"; exit 1; }
systemd-machine-id-setup >/dev/null
