#!/usr/bin/env bash
# DKMS's build step for netmap (MAKE[0] of dkms.conf), run in DKMS's copy
# of the tree: netmap.ko for the kernel being built and, when the optional
# config file asks for them, the netmap-enabled NIC drivers.
#
# usage: build.sh KERNELRELEASE KERNEL_BUILD_DIR
#        build.sh --clean
#
# The config file is /etc/netmap/dkms.conf (NETMAP_DKMS_CONF overrides):
#   DRIVERS="realtek e1000"          driver groups (./configure --drivers)
#   KERNEL_SOURCES=PATH              a kernel source tree or a linux-source
#                                    tarball (default
#                                    /usr/src/linux-source-@SERIES@.tar.xz)
# @SERIES@ in KERNEL_SOURCES becomes the kernel's series (6.12, 6.1); from
# a tarball only the files the drivers need are extracted.
set -euo pipefail

CONF=${NETMAP_DKMS_CONF:-/etc/netmap/dkms.conf}
EXTRACT=kernel-sources

msg() { printf 'netmap-dkms: %s\n' "$*" >&2; }
die() { msg "error: $*"; exit 1; }

# The last VAR=value of the config file, quotes dropped (read, not sourced,
# the same way dkms.conf reads DRIVERS).
conf_value() { # VAR
	[[ -r $CONF ]] || return 0
	sed -n "s/^[[:space:]]*$1=//p" "$CONF" | tail -n1 | tr -d "\"'"
}

# Series of a kernel tree's Makefile, e.g. 6.12.
tree_series() { # dir
	local v p
	v=$(sed -n 's/^VERSION = //p' "$1/Makefile" | head -n1)
	p=$(sed -n 's/^PATCHLEVEL = //p' "$1/Makefile" | head -n1)
	echo "$v.$p"
}

# From a linux-source tarball, the top Makefile and the files of
# drivers/GROUP/sources, into ./$EXTRACT (one pass over the tarball).
extract_sources() { # tarball groups...
	local tarball=$1 top f members=() g
	shift
	top=$(tar -tf "$tarball" | head -n1) || true
	top=${top%%/*}
	[[ -n $top ]] || die "$tarball: cannot list it"
	members=("$top/Makefile")
	for g in "$@"; do
		[[ -f drivers/$g/sources ]] || die "unknown driver '$g' in $CONF (known: $(cd drivers && echo *))"
		while read -r f; do
			members+=("$top/${f#\?}")
		done < <(grep -v '^#' "drivers/$g/sources")
	done
	rm -rf "$EXTRACT"
	mkdir -p "$EXTRACT"
	msg "extracting ${#members[@]} files from $tarball"
	# Optional files (? in sources) may be missing: tar says so and goes
	# on; configure checks that the required ones are there.
	tar -xf "$tarball" -C "$EXTRACT" --strip-components=1 "${members[@]}" 2>&1 |
		grep -v 'Not found in archive\|Exiting with failure status' >&2 || true
	[[ -f $EXTRACT/Makefile ]] || die "$tarball has no $top/Makefile"
}

clean() {
	rm -rf kernel/drivers-build "$EXTRACT" config.mk
	find kernel \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name modules.order -o -name Module.symvers \) -delete
}

main() {
	if [[ ${1:-} == --clean ]]; then
		clean
		return
	fi
	(($# == 2)) || die "usage: build.sh KERNELRELEASE KERNEL_BUILD_DIR | --clean"
	local krel=$1 kdir=$2 drivers ksrc series args=()
	[[ $krel =~ ^([0-9]+)\.([0-9]+) ]] || die "cannot tell the series of kernel $krel"
	series="${BASH_REMATCH[1]}.${BASH_REMATCH[2]}"
	[[ -f $kdir/Makefile ]] || die "no kernel build tree at $kdir (install the kernel's headers)"
	clean
	local groups=()
	read -ra groups <<<"$(conf_value DRIVERS | tr ',' ' ')"
	drivers="${groups[*]}"	# trimmed, one space between groups
	if [[ -n $drivers ]]; then
		ksrc=$(conf_value KERNEL_SOURCES)
		ksrc=${ksrc:-/usr/src/linux-source-@SERIES@.tar.xz}
		ksrc=${ksrc//@SERIES@/$series}
		if [[ -f $ksrc ]]; then
			extract_sources "$ksrc" "${groups[@]}"
			ksrc=$PWD/$EXTRACT
		fi
		[[ -f $ksrc/Makefile ]] || die "KERNEL_SOURCES=$ksrc (from $CONF): no kernel tree or tarball there"
		[[ $(tree_series "$ksrc") == "$series" ]] ||
			die "$ksrc holds Linux $(tree_series "$ksrc"), the kernel $krel is $series (use @SERIES@ in KERNEL_SOURCES)"
		args=(--kernel-sources="$ksrc" --drivers="${drivers// /,}")
		msg "kernel $krel: netmap.ko and the drivers $drivers (sources: $ksrc)"
	else
		msg "kernel $krel: netmap.ko (no DRIVERS in $CONF)"
	fi
	./configure --kernel-dir="$kdir" "${args[@]}"
	make -C "$kdir" M="$PWD/kernel" -j"$(nproc)" modules
}

main "$@"
