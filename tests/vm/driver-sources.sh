#!/usr/bin/env bash
# Kernel sources of the native drivers, for ./configure --kernel-sources:
# the driver folders of Debian's linux-source-SERIES package (the source
# of the kernel images the guests boot), extracted once into the cache.
#
# usage: driver-sources.sh SERIES      (6.12 or 6.1)
# prints the source tree's path (holding Makefile and drivers/net/...)
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
source "$(dirname "$0")/lib.sh"

# What configure may copy from; keep in step with drivers/*/sources.
PARTS=(Makefile drivers/net/ethernet/realtek drivers/net/ethernet/intel/e1000
	drivers/net/virtio_net.c drivers/net/veth.c)

have_all() { # dir
	local p
	for p in "${PARTS[@]}"; do
		[[ -e $1/$p ]] || return 1
	done
}

extract() { # series version dir
	local deb tarball tmp p
	have_all "$3" && return 0
	rm -rf "$3"
	deb=$(nmt_apt_fetch "linux-source-$1=$2")
	tmp="$3.tmp"
	rm -rf "$tmp"
	mkdir -p "$tmp/pkg"
	dpkg-deb -x "$deb" "$tmp/pkg"
	tarball=$(find "$tmp/pkg/usr/src" -maxdepth 1 -name "linux-source-$1.tar.*" -print -quit)
	[[ -n $tarball ]] || die "linux-source-$1 has no source tarball"
	local members=()
	for p in "${PARTS[@]}"; do
		members+=("linux-source-$1/$p")
	done
	tar -xf "$tarball" -C "$tmp" "${members[@]}"
	mv "$tmp/linux-source-$1" "$3"
	rm -rf "$tmp"
}

main() {
	local series=${1:-} version dir
	[[ $series == 6.12 || $series == 6.1 ]] || die "usage: driver-sources.sh 6.12|6.1"
	version=$(nmt_apt_candidate "linux-source-$series")
	if [[ -z $version ]]; then
		nmt_apt_update
		version=$(nmt_apt_candidate "linux-source-$series")
	fi
	[[ -n $version ]] || die "apt knows no linux-source-$series"
	dir="$NMT_CACHE/driver-sources/$series-$version"
	if ! have_all "$dir"; then
		mkdir -p "$(dirname "$dir")"
		nmt_with_lock "driver-sources-$series" extract "$series" "$version" "$dir"
	fi
	echo "$dir"
}

main "$@"
