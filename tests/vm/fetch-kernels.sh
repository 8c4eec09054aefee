#!/usr/bin/env bash
# Fetch Debian's newest stock kernels for the guest tests, without
# installing them system-wide: for each series the image (vmlinuz and its
# /lib/modules tree) and the headers (a module build dir).  Installs the
# host tools the harness needs first.
#
# usage: fetch-kernels.sh [SERIES...]     (default: 6.12 6.1)
#
# Result per series: $NETMAP_TEST_CACHE/kernels/SERIES.env (see lib.sh),
# pointing into $NETMAP_TEST_CACHE/kernels/<release>/root.
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
source "$(dirname "$0")/lib.sh"

newest_image() { # series
	local pattern
	pattern=$(nmt_image_pattern "$1") || die "unknown kernel series '$1' (known: 6.12, 6.1)"
	apt-cache search --names-only "$pattern" 2>/dev/null | awk '{ print $1 }' | grep -E "$pattern" | sort -V | tail -n1
}

# The dependencies of the headers package that we need too (the -common
# tree and kbuild), as name=version.
header_deps() { # headers-package
	local deps
	deps=$(apt-cache show --no-all-versions "$1" | sed -n 's/^Depends: //p')
	[[ -n $deps ]] || die "apt-cache show $1 gives no Depends"
	tr ',' '\n' <<<"$deps" | sed 's/|.*//; s/^ *//' | while read -r name op ver; do
		case $name in
		linux-headers-*-common | linux-kbuild-*)
			if [[ $op == "(=" ]]; then
				echo "$name=${ver%)}"
			else
				echo "$name=$(nmt_apt_candidate "$name")"
			fi
			;;
		esac
	done
}

# Point the headers' top Makefile at the -common tree extracted beside it
# (the package includes it by an absolute /usr/src path).  Idempotent.
fix_headers() { # root krel
	local mk="$1/usr/src/linux-headers-$2/Makefile" common
	[[ -f $mk ]] || die "no $mk in the headers package"
	common=$(sed -n 's|^include .*/usr/src/\(linux-headers-[^/]*-common\)/Makefile$|\1|p' "$mk")
	[[ -n $common && -d $1/usr/src/$common ]] || die "unexpected include line in $mk"
	sed -i "s|^include .*/usr/src/$common/Makefile\$|include $1/usr/src/$common/Makefile|" "$mk"
}

# Runs in a subshell under "if", where set -e does not apply: each step
# checks its own status.
extract_kernel() { # series image-pkg krel dest
	local image=$2 krel=$3 dest=$4 tmp="$4.tmp" headers="linux-headers-$3" deb
	local specs=("$image=$(nmt_apt_candidate "$image")" "$headers=$(nmt_apt_candidate "$headers")")
	mapfile -t -O 2 specs < <(header_deps "$headers")
	((${#specs[@]} == 4)) || die "$headers: expected a -common and a kbuild dependency, got: ${specs[*]:2}"
	rm -rf "$tmp"
	mkdir -p "$tmp/root"
	for spec in "${specs[@]}"; do
		deb=$(nmt_apt_fetch "$spec") || die "cannot download ${spec%%=*}"
		msg "extracting $(basename "$deb")"
		dpkg-deb -x "$deb" "$tmp/root" || die "dpkg-deb -x $deb failed"
	done
	[[ -f $tmp/root/boot/vmlinuz-$krel ]] || die "$image has no boot/vmlinuz-$krel"
	[[ -d $tmp/root/lib/modules/$krel/kernel ]] || die "$image has no lib/modules/$krel"
	# The image package leaves modules.dep to its postinst: make it here.
	depmod -b "$tmp/root" "$krel" || die "depmod for $krel failed"
	printf '%s\n' "${specs[@]}" >"$tmp/packages"
	for spec in "${specs[@]}"; do
		rm -f "$NMT_CACHE/debs/${spec%%=*}_"*.deb
	done
	rm -rf "$dest"
	mv "$tmp" "$dest" || die "cannot move $tmp to $dest"
}

# Keep the newest two releases of a series, drop older ones.
prune_old() { # series krel-to-keep
	local pattern dir
	pattern=$(nmt_image_pattern "$1")
	pattern=${pattern#^linux-image-}
	pattern="^${pattern%-unsigned\$}\$"
	find "$NMT_CACHE/kernels" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' |
		{ grep -E "$pattern" || true; } | sort -V | head -n -2 | while read -r dir; do
		[[ $dir == "$2" ]] && continue
		msg "removing old kernel $dir from the cache"
		rm -rf "${NMT_CACHE:?}/kernels/$dir"
	done
}

# Fall back to the kernel fetched last time when apt cannot help.
use_cached() { # series reason
	local env
	env=$(nmt_kernel_env "$1")
	[[ -r $env ]] || die "$2, and no kernel $1 is cached"
	msg "warning: $2; using the cached kernel $1"
}

fetch_series() { # series
	local series=$1 image krel dest root
	image=$(newest_image "$series")
	if [[ -z $image ]]; then
		nmt_apt_update
		image=$(newest_image "$series")
	fi
	[[ -n $image ]] || { use_cached "$series" "apt knows no linux-image for $series"; return 0; }
	krel=${image#linux-image-}
	krel=${krel%-unsigned}
	dest="$NMT_CACHE/kernels/$krel"
	if [[ ! -f $dest/packages ]]; then
		msg "kernel $series: fetching $krel"
		if ! (extract_kernel "$series" "$image" "$krel" "$dest"); then
			use_cached "$series" "fetching $krel failed"
			return 0
		fi
	fi
	root="$dest/root"
	fix_headers "$root" "$krel"
	nmt_write_kernel_env "$series" "$krel" stock "$root/boot/vmlinuz-$krel" \
		"$root/usr/src/linux-headers-$krel" "$root/lib/modules/$krel"
	prune_old "$series" "$krel"
	msg "kernel $series: $krel"
}

main() {
	local series
	(($#)) || set -- 6.12 6.1
	nmt_need_host_tools
	nmt_apt_update_if_stale
	mkdir -p "$NMT_CACHE/kernels"
	for series in "$@"; do
		nmt_with_lock "kernel-$series" fetch_series "$series"
	done
}

main "$@"
