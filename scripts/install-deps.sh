#!/usr/bin/env bash
# Install every Debian package the project needs (kernel module, daemon, console, tests, QEMU
# harness, browser tests).
# Idempotent and quick: when all packages are already installed it touches nothing (no apt-get update).
# Safe for CI: runs without a tty, as root, never prompts.
set -euo pipefail

PKGS=(
  # toolchains and build systems
  build-essential gcc g++ make cmake pkg-config clang
  # out-of-tree kernel module builds against Debian headers (5.10 .. 6.12)
  kmod dwarves bc flex bison libelf-dev libssl-dev dkms debhelper
  # `make test-dkms`: dkms build against the headers of this machine's own Debian kernel package
  linux-headers-amd64
  # packages (make deb, make bundle) and the install test (debootstrap + systemd guest)
  dh-dkms lintian debootstrap e2fsprogs shellcheck
  # QEMU harness: TCG guest, busybox initramfs, unpacking kernel .debs
  qemu-system-x86 busybox-static cpio gzip xz-utils zstd dpkg-dev debian-archive-keyring
  # daemon libraries
  libnl-3-dev libnl-genl-3-dev libjsoncpp-dev libboost-dev
  # unit tests and benchmarks
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  # comparison baseline for the benchmarks
  auditd
  # the console: SQLite and PostgreSQL client libraries; its package's postinst and the tests make
  # TLS certificates with openssl
  libsqlite3-dev libpq-dev openssl
  # console tests: API tests (Python 3 stdlib only), a real PostgreSQL cluster (initdb/pg_ctl as a
  # non-root user), browser tests in headless Chromium driven through chromedriver (WebDriver)
  python3 postgresql chromium chromium-driver
)

missing=()
for p in "${PKGS[@]}"; do
  # db:Status-Status is exactly "installed" only for a fully installed package
  # (not for "config-files" or a half-configured one).
  if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" != installed ]; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
  exit 0
fi

echo "install-deps: installing: ${missing[*]}"
SUDO=()
if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi
export DEBIAN_FRONTEND=noninteractive

install() {
  # --no-install-recommends: dkms would otherwise pull in headers for the host kernel and more;
  # nothing here needs a recommended package.
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

# Refresh the package lists only if they are missing or if the install fails on stale lists
# (a mirror that moved on since the last update serves 404 for old versions).
if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
  "${SUDO[@]}" apt-get update -q
  install "${missing[@]}"
elif ! install "${missing[@]}"; then
  "${SUDO[@]}" apt-get update -q
  install "${missing[@]}"
fi
