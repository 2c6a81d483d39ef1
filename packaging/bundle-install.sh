#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# install.sh of the procsentry offline bundle (packaging/bundle-install.sh in the source tree).
# Run as root on the target host, from the unpacked bundle; it never uses the network.
set -euo pipefail

usage() {
	cat <<'EOF'
Usage: ./install.sh [--check] [--force] [--kernel RELEASE] [--help]

Installs (or upgrades to) the procsentry packages of this bundle on this host, offline:
  1. verifies every file against SHA256SUMS (refuses on any mismatch);
  2. checks the prerequisites and lists everything missing at once: the headers of the running
     kernel (linux-headers-$(uname -r), for DKMS to build the module), dkms, and each package
     the two .debs depend on, with the apt-get command to install them from your local mirror
     or installation media;
  3. dpkg -i of both packages in one call (DKMS builds the module, procsentry.service starts);
  4. shows the result: dkms status, whether the module is loaded (if not: the cause and the fix),
     systemctl is-active procsentry, procsentryctl status.

Options:
  --check   only steps 1 and 2 (needs no root, changes nothing)
  --force   install even if prerequisites are missing (dpkg then leaves the packages
            unconfigured until they are installed: apt-get -f install)
  --kernel RELEASE
            check the headers of, and afterwards the module built for, that kernel instead of
            the running one: for an image being prepared in a chroot, or a host that will boot a
            newly installed kernel (the module is then loaded at that boot, not now)
  --help    this text

Exit codes:
  0  installed, module loaded and procsentry active (--check: files verified, nothing missing)
  1  usage error, or not run as root
  2  prerequisites missing (nothing was installed)
  3  a file is missing or does not match SHA256SUMS (nothing was installed)
  4  dpkg -i failed
  5  installed, but the module is not loaded or procsentry is not active (cause and fix shown);
     with --kernel for another kernel: the module was not built for it
EOF
}

# Overridable for packaging/bundle-install-test.sh; the same names as procsentry-load-module's.
MODROOT=${PROCSENTRY_MODULES_ROOT:-/lib/modules}
SYSMOD=${PROCSENTRY_SYSFS_MODULE:-/sys/module/procsentry}
SYSTEMD_DIR=${PROCSENTRY_SYSTEMD_DIR:-/run/systemd/system}
ERRFILE=${PROCSENTRY_MODULE_ERROR_FILE:-/run/procsentry-module.error}

check_only=0
force=0
kernel=
while [ $# -gt 0 ]; do
	case $1 in
	--check) check_only=1 ;;
	--force) force=1 ;;
	--kernel=?*) kernel=${1#--kernel=} ;;
	--kernel)
		if [ $# -lt 2 ] || [ -z "$2" ]; then echo "install.sh: --kernel needs a kernel release" >&2; exit 1; fi
		kernel=$2
		shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 1 ;;
	esac
	shift
done
case $kernel in
*/* | .*) echo "install.sh: --kernel '$kernel' is not a kernel release" >&2; exit 1 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
say() { echo "install.sh: $*"; }

# --- 1. checksums ---------------------------------------------------------------------------
verify_checksums() {
	local bad=() listed=() line sum name actual f
	if [ ! -f SHA256SUMS ]; then
		say "SHA256SUMS is missing in $here: refusing to install an unverified bundle" >&2
		return 1
	fi
	while IFS= read -r line || [ -n "$line" ]; do
		[ -n "$line" ] || continue
		sum=${line%% *}
		name=${line#* }
		name=${name# }
		name=${name#\*}
		listed+=("$name")
		if [ ! -f "$name" ]; then
			bad+=("$name (missing)")
			continue
		fi
		actual=$(sha256sum "$name")
		actual=${actual%% *}
		[ "$actual" = "$sum" ] || bad+=("$name (checksum mismatch)")
	done < SHA256SUMS
	# A package that SHA256SUMS does not cover is not installed either.
	for f in *.deb; do
		[ -e "$f" ] || continue
		case " ${listed[*]} " in *" $f "*) ;; *) bad+=("$f (not in SHA256SUMS)") ;; esac
	done
	if [ ${#bad[@]} -gt 0 ]; then
		say "verification against SHA256SUMS failed, refusing to install:" >&2
		printf '  %s\n' "${bad[@]}" >&2
		say "copy the bundle again from its source (procsentry-*-bundle.tar.gz) and compare its checksum" >&2
		return 1
	fi
	say "verified ${#listed[@]} files against SHA256SUMS"
}

if ! verify_checksums; then exit 3; fi

debs=()
for f in *.deb; do [ -e "$f" ] && debs+=("$f"); done
if [ ${#debs[@]} -eq 0 ]; then
	say "no .deb in $here" >&2
	exit 3
fi

# --- 2. prerequisites -----------------------------------------------------------------------
# Packages of this bundle satisfy each other's dependencies: name -> version.
declare -A bundled=()
for f in "${debs[@]}"; do
	bundled[$(dpkg-deb -f "$f" Package)]=$(dpkg-deb -f "$f" Version)
done

# "installed <version>" of a package, or nothing.
installed_version() {
	local st
	st=$(dpkg-query -W -f='${Status}\t${Version}\n' "$1" 2>/dev/null | head -n1) || return 0
	case $st in *" installed"$'\t'*) echo "${st#*$'\t'}" ;; esac
}

# Whether an installed package provides the virtual package $1 (versions are not compared).
provided() {
	dpkg-query -W -f='${Status}\t${Provides}\n' 2>/dev/null |
		awk -F'\t' -v p="$1" '$1 ~ / installed$/ {
			n = split($2, a, /, */)
			for (i = 1; i <= n; i++) { sub(/ .*/, "", a[i]); if (a[i] == p) found = 1 }
		} END { exit !found }'
}

# One alternative "name[:arch] [(op version)]": 0 if satisfied.  Sets $why when it is not.
alt_ok() {
	local alt=$1 name op ver have
	name=${alt%%(*}
	name=${name//[[:space:]]/}
	name=${name%%:*}
	op=
	ver=
	local re='\(([<>=]+)[[:space:]]*([^)[:space:]]+)[[:space:]]*\)'
	if [[ $alt =~ $re ]]; then
		op=${BASH_REMATCH[1]}
		ver=${BASH_REMATCH[2]}
	fi
	if [ -n "${bundled[$name]+x}" ]; then
		have=${bundled[$name]}
		if [ -z "$op" ] || dpkg --compare-versions "$have" "$(dpkg_op "$op")" "$ver"; then return 0; fi
		why="$name $have is in the bundle but ($op $ver) is needed"
		return 1
	fi
	have=$(installed_version "$name")
	if [ -z "$have" ]; then
		if provided "$name"; then return 0; fi
		why="$name is not installed"
		return 1
	fi
	if [ -z "$op" ] || dpkg --compare-versions "$have" "$(dpkg_op "$op")" "$ver"; then return 0; fi
	why="$name $have is installed but ($op $ver) is needed"
	return 1
}

dpkg_op() {
	case $1 in
	'>=') echo ge ;; '<=') echo le ;; '>>') echo gt ;; '<<') echo lt ;; '=') echo eq ;;
	'>') echo ge ;; '<') echo le ;; *) echo ge ;;
	esac
}

missing_pkgs=()
problems=()
add_missing() {
	case " ${missing_pkgs[*]} " in *" $1 "*) ;; *) missing_pkgs+=("$1") ;; esac
}

running=$(uname -r)
krel=${kernel:-$running}
if [ "$krel" = "$running" ]; then kdesc="the running kernel $krel"; else kdesc="kernel $krel"; fi
if [ "$(uname -m)" != x86_64 ]; then
	problems+=("this host runs $(uname -m): the procsentry module supports x86_64 only")
fi
if [ ! -e "$MODROOT/$krel/build" ]; then
	problems+=("headers of $kdesc ($MODROOT/$krel/build is missing): DKMS cannot build the module")
	add_missing "linux-headers-$krel"
fi
# dkms is in /usr/sbin, not on a normal user's PATH (--check needs no root).
if ! PATH=$PATH:/usr/sbin:/sbin command -v dkms >/dev/null 2>&1; then
	problems+=("dkms is not installed: it builds the module for each kernel")
	add_missing dkms
fi

for f in "${debs[@]}"; do
	pkg=$(dpkg-deb -f "$f" Package)
	# A folded field continues on lines starting with a space.
	deps="$(dpkg-deb -f "$f" Pre-Depends | tr '\n' ' '),$(dpkg-deb -f "$f" Depends | tr '\n' ' ')"
	IFS=, read -r -a items <<<"$deps"
	for item in "${items[@]}"; do
		[[ $item =~ [^[:space:]] ]] || continue
		IFS='|' read -r -a alts <<<"$item"
		ok=0
		whys=()
		for alt in "${alts[@]}"; do
			why=
			if alt_ok "$alt"; then ok=1; break; fi
			whys+=("$why")
		done
		[ "$ok" -eq 0 ] || continue
		item=$(sed 's/^[[:space:]]*//; s/[[:space:]]*$//' <<<"$item")
		if [ "${#whys[@]}" -gt 1 ]; then
			problems+=("$pkg needs $item: none installed")
		else
			problems+=("$pkg needs $item: ${whys[0]}")
		fi
		# The first alternative is the one to install (its name without version or arch).
		first=${alts[0]%%(*}
		first=${first//[[:space:]]/}
		if [ -z "${bundled[${first%%:*}]+x}" ]; then add_missing "${first%%:*}"; fi
	done
done

if [ ${#problems[@]} -gt 0 ]; then
	say "missing prerequisites (${#problems[@]}):" >&2
	printf '  - %s\n' "${problems[@]}" >&2
	if [ ${#missing_pkgs[@]} -gt 0 ]; then
		echo "Install them from your local Debian mirror or installation media (this host's apt sources), then run ./install.sh again:" >&2
		echo "  apt-get install --no-install-recommends ${missing_pkgs[*]}" >&2
	fi
	if [ "$force" -eq 0 ] || [ "$check_only" -eq 1 ]; then
		exit 2
	fi
	say "--force: installing anyway" >&2
else
	say "prerequisites present: headers of $kdesc, dkms, all dependencies of ${debs[*]}"
fi

[ "$check_only" -eq 0 ] || exit 0

# --- 3. install -----------------------------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
	say "run it as root (or use --check)" >&2
	exit 1
fi
say "dpkg -i ${debs[*]}"
if ! dpkg -i "${debs[@]}"; then
	say "dpkg -i failed (see above); after installing what is missing: apt-get -f install, or ./install.sh again" >&2
	exit 4
fi

# --- 4. result ------------------------------------------------------------------------------
rc=0
echo
echo "== dkms status procsentry"
dkms status procsentry 2>&1 || true
echo "== kernel module"
if [ "$krel" != "$running" ]; then
	# Nothing can be loaded for a kernel that is not running: check what DKMS built for it.
	if ko=$(modinfo -k "$krel" -n procsentry 2>/dev/null) && [ -f "$ko" ]; then
		echo "procsentry $(modinfo -k "$krel" -F version procsentry 2>/dev/null) is built for kernel $krel: $ko"
		echo "(loaded by procsentry-module.service when $krel boots)"
	else
		rc=5
		echo "procsentry is NOT built for kernel $krel: dkms autoinstall -k $krel; see /var/lib/dkms/procsentry/*/build/make.log"
	fi
elif [ -d "$SYSMOD" ]; then
	loaded=$(cat "$SYSMOD/version" 2>/dev/null || echo '?')
	want=$(sed 's/^[0-9]*://; s/-[^-]*$//' <<<"${bundled[procsentry]:-}")
	echo "procsentry $loaded is loaded (kernel $krel)"
	if [ "$loaded" != "$want" ]; then
		# An upgrade that could not unload the old module: the new daemon reports it too.
		rc=5
		echo "  but this bundle's version is $want: the old module could not be replaced"
		echo "  fix: /usr/lib/procsentry/procsentry-load-module --reload-stale, or reboot"
	fi
else
	rc=5
	echo "procsentry is NOT loaded (kernel $krel)"
	if [ -s "$ERRFILE" ]; then
		sed 's/^/  /' "$ERRFILE"
	elif [ -x /usr/lib/procsentry/procsentry-load-module ]; then
		/usr/lib/procsentry/procsentry-load-module --diagnose 2>&1 | sed 's/^/  /' || true
	fi
fi
if [ -d "$SYSTEMD_DIR" ]; then
	echo "== systemctl is-active procsentry"
	state=$(systemctl is-active procsentry 2>/dev/null || true)
	echo "${state:-unknown}"
	if [ "$state" != active ]; then
		rc=5
		echo "  see: systemctl status procsentry; journalctl -u procsentry -u procsentry-module"
	fi
	echo "== procsentryctl status"
	timeout 10 procsentryctl status 2>&1 || rc=5
else
	echo "== systemd is not running here: procsentry.service starts at the next boot"
fi
echo
if [ "$rc" -eq 0 ]; then
	say "procsentry ${bundled[procsentry]:-} is installed and running"
else
	say "procsentry ${bundled[procsentry]:-} is installed but not fully running: see above for the cause and the fix" >&2
fi
exit "$rc"
