#!/usr/bin/env bash
# The Debian 12 chroot the package tests install into: debootstrap
# --variant=minbase plus what DKMS and a pkg-config build need, made once
# and kept as a tarball in $NETMAP_TEST_CACHE/chroot/ (made again when
# missing or when the package list below changes).
#
# usage: tests/pkg/chroot.sh DEST      a fresh copy of it in DEST (replaced)
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
source "$(dirname "$0")/../vm/lib.sh"

SUITE=bookworm
# dkms and the kernel headers' build (gcc-12, libelf, openssl for
# sign-file, pahole for BTF), pkg-config, netmap-tools' libpcap, xz for linux-source.
PACKAGES=dkms,build-essential,pkg-config,kmod,patch,libelf1,libssl3,openssl,pahole,libpcap0.8,xz-utils,bzip2

# The host's Debian mirror (deb822 or one-line sources), else deb.debian.org.
mirror() {
	local m
	m=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
		grep -v security | head -n1 || true)
	[[ -n $m ]] || m=$(awk '$1 == "deb" && $0 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
	echo "${m:-http://deb.debian.org/debian}"
}

make_base() { # tarball
	local tarball=$1 tmp
	tmp="$tarball.dir"
	rm -rf "$tmp"
	msg "debootstrap $SUITE (minbase, $PACKAGES) from $(mirror)"
	debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$tmp" "$(mirror)" >"$tarball.log" 2>&1 ||
		{ tail -n 30 "$tarball.log" >&2; rm -rf "$tmp"; die "debootstrap failed (log: $tarball.log)"; }
	rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*_Packages
	tar -C "$tmp" -cf "$tarball.tmp" .
	mv "$tarball.tmp" "$tarball"
	rm -rf "$tmp"
	# Chroots made from another package list.
	find "$(dirname "$tarball")" -maxdepth 1 -name "$SUITE-*.tar*" ! -name "${tarball##*/}" ! -name "${tarball##*/}.log" -delete
}

main() {
	(($# == 1)) || die "usage: $0 DEST"
	local dest=$1 key tarball
	nmt_need_packages debootstrap
	key=$(printf '%s %s' "$SUITE" "$PACKAGES" | sha256sum | cut -c1-12)
	tarball="$NMT_CACHE/chroot/$SUITE-$key.tar"
	mkdir -p "$NMT_CACHE/chroot"
	[[ -f $tarball ]] || nmt_with_lock "chroot-$SUITE" bash -c '[[ -f $1 ]] || "$2" --make-base "$1"' _ "$tarball" "$0"
	[[ -f $tarball ]] || die "no chroot tarball $tarball"
	rm -rf "$dest"
	mkdir -p "$dest"
	tar -C "$dest" -xf "$tarball"
	# Package scripts must not start services in it.
	printf '#!/bin/sh\nexit 101\n' >"$dest/usr/sbin/policy-rc.d"
	chmod 755 "$dest/usr/sbin/policy-rc.d"
}

if [[ ${1:-} == --make-base ]]; then
	make_base "$2"
else
	main "$@"
fi
