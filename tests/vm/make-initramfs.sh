#!/usr/bin/env bash
# Assemble the guest's initramfs: busybox, /init (guest-init.sh), netmap.ko,
# the test programs, extra binaries, Debian modules (decompressed, with
# their dependencies, loaded by /init before netmap.ko), and iproute2's ip
# at /sbin/ip with the shared libraries it needs.
#
# usage: make-initramfs.sh --out FILE.cpio.gz --ko NETMAP.KO --kernel NAME
#          [--driver-ko FILE]... (netmap-enabled drivers, put in /lib/netmap)
#          [--tests DIR [--filter GLOB[,GLOB...]]] [--payload SCRIPT]
#          [--bin FILE]... [--modules NAME[,NAME...]] [--timeout SECS]
#          [--nics MODEL[,MODEL...]] [--root-bin SYSROOT:PATH]...
# --nics names the QEMU NIC models the guest will have (see run-guest.sh):
# their drivers' modules are loaded, and /init waits for the interfaces.
# --root-bin puts the dynamically linked program PATH of the system tree
# SYSROOT (a chroot) at PATH, with the libraries it needs from SYSROOT.
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
source "$(dirname "$0")/lib.sh"

OUT='' KO='' DRIVER_KOS=() KERNEL='' TESTS='' FILTER='' PAYLOAD='' MODULES='' TIMEOUT=300 NICS=''
BINS=() ROOT_BINS=()

usage() { sed -n '2,15s/^# \{0,1\}//p' "$0" >&2; exit 2; }

parse_args() {
	while (($#)); do
		case $1 in
		--out) OUT=$2 ;;
		--ko) KO=$2 ;;
		--driver-ko) DRIVER_KOS+=("$2") ;;
		--kernel) KERNEL=$2 ;;
		--tests) TESTS=$2 ;;
		--filter) FILTER=$2 ;;
		--payload) PAYLOAD=$2 ;;
		--bin) BINS+=("$2") ;;
		--modules) MODULES=$2 ;;
		--timeout) TIMEOUT=$2 ;;
		--nics) NICS=$2 ;;
		--root-bin) ROOT_BINS+=("$2") ;;
		*) usage ;;
		esac
		shift 2 || usage
	done
	[[ -n $OUT && -n $KO && -n $KERNEL ]] || usage
	[[ -n $TESTS || -n $PAYLOAD ]] || die "give --tests or --payload"
	nmt_check_nics "$NICS"
	if [[ -n $NICS ]]; then
		MODULES=$(nmt_nic_modules "$NICS")${MODULES:+,$MODULES}
	fi
}

# The guest has no shared libraries.
need_static() { # file
	if nmt_is_elf "$1" && ! nmt_is_static "$1"; then
		die "$1 is not statically linked"
	fi
	return 0
}

matches_filter() { # name
	local glob
	[[ -z $FILTER ]] && return 0
	IFS=, read -ra globs <<<"$FILTER"
	for glob in "${globs[@]}"; do
		# shellcheck disable=SC2053
		[[ $1 == $glob ]] && return 0
	done
	return 1
}

add_tests() { # root
	local t n=0
	mkdir -p "$1/tests"
	for t in "$TESTS"/t_*; do
		[[ -f $t ]] || continue
		matches_filter "$(basename "$t")" || continue
		need_static "$t"
		cp "$t" "$1/tests/"
		n=$((n + 1))
	done
	((n > 0)) || die "no test program t_* in $TESTS${FILTER:+ matches \"$FILTER\"}"
	# Shell libraries the t_*.sh tests source (never run on their own).
	for t in "$TESTS"/lib*.sh; do
		[[ -f $t ]] && cp "$t" "$1/tests/"
	done
	msg "initramfs: $n test programs"
}

is_builtin() { # module-name
	local list
	for list in "$NMT_MODULES/modules.builtin" "$NMT_KBUILD/modules.builtin"; do
		[[ -r $list ]] && grep -qE "/${1//[-_]/[-_]}\.ko$" "$list" && return 0
	done
	return 1
}

# Paths (in load order, deduplicated) of the .ko files a module needs.
# A name ending in "?" is optional: nothing if the kernel lacks it.
module_paths() { # name
	local root=${NMT_MODULES%/lib/modules/*}
	if [[ $1 == *\? ]]; then
		(module_paths "${1%\?}") 2>/dev/null || msg "initramfs: no ${1%\?} in $NMT_KNAME (optional)"
		return 0
	fi
	if [[ -n $NMT_MODULES ]] && modprobe -d "$root" -S "$NMT_KREL" -C /dev/null \
		--show-depends "$1" >"$WORKDIR/deps" 2>/dev/null; then
		awk '$1 == "insmod" { print $2 }' "$WORKDIR/deps"
	elif is_builtin "$1"; then
		msg "initramfs: $1 is built into $NMT_KNAME"
	else
		die "module $1 is not available for kernel $NMT_KNAME"
	fi
}

# Decompressed: busybox insmod does not read .ko.xz / .ko.zst.
copy_module() { # source dest-without-compression-suffix
	case $1 in
	*.xz) xz -dc "$1" >"$2" ;;
	*.zst) zstd -qdc "$1" >"$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

add_modules() { # root
	local name paths path rel dest preload=() seen=" "
	IFS=, read -ra names <<<"$MODULES"
	for name in "${names[@]}"; do
		paths=$(module_paths "$name")
		for path in $paths; do
			[[ $seen != *" $path "* ]] || continue
			seen+="$path "
			rel=${path#"$NMT_MODULES"/}
			rel=${rel%.xz}
			dest="$1/lib/modules/$NMT_KREL/${rel%.zst}"
			mkdir -p "$(dirname "$dest")"
			copy_module "$path" "$dest"
			preload+=("/${dest#"$1"/}")
		done
	done
	if ((${#preload[@]})); then
		for name in modules.order modules.builtin modules.builtin.modinfo; do
			[[ -r $NMT_MODULES/$name ]] && cp "$NMT_MODULES/$name" "$1/lib/modules/$NMT_KREL/"
		done
		depmod -b "$1" "$NMT_KREL"
		msg "initramfs: modules ${preload[*]##*/}"
	fi
	PRELOAD="${preload[*]}"
}

# busybox's ip cannot create veth pairs or taps: ship Debian's, with the
# libraries ldd finds for it and the dynamic loader, at their own paths.
add_dyn_bin() { # root path: a dynamically linked program and its libraries
	local bin lib
	bin=$(realpath "$2" 2>/dev/null) || true
	[[ -n $bin && -x $bin ]] || die "no $2 on this machine (see NMT_HOST_PACKAGES)"
	mkdir -p "$1$(dirname "$2")"
	cp "$bin" "$1$2"
	LC_ALL=C ldd "$bin" >"$WORKDIR/ldd" || die "ldd $bin failed"
	! grep -q 'not found' "$WORKDIR/ldd" || die "ldd $bin: a library is missing"
	# "name => /path (addr)" or "/path (addr)"; linux-vdso has no file.
	while read -r lib; do
		[[ -r $lib ]] || die "ldd $bin: cannot read $lib"
		mkdir -p "$1$(dirname "$lib")"
		cp -L "$lib" "$1$lib"
	done < <(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' "$WORKDIR/ldd")
}

# A program of a chroot and the libraries its own ldd lists, at the same
# paths; symbolic links are resolved inside the chroot.
add_root_bin() { # root sysroot path
	local root=$1 sys=$2 path=$3 lib real
	[[ -x $sys$path ]] || die "--root-bin: no executable $path in $sys"
	mkdir -p "$root$(dirname "$path")"
	cp "$sys$(chroot "$sys" readlink -f "$path")" "$root$path"
	LC_ALL=C chroot "$sys" ldd "$path" >"$WORKDIR/ldd" || die "ldd $path in $sys failed"
	! grep -q 'not found' "$WORKDIR/ldd" || die "ldd $path in $sys: a library is missing"
	while read -r lib; do
		real=$(chroot "$sys" readlink -f "$lib") || die "ldd $path in $sys: no $lib"
		[[ -r $sys$real ]] || die "ldd $path in $sys: cannot read $lib"
		mkdir -p "$root$(dirname "$lib")"
		cp "$sys$real" "$root$lib"
	done < <(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' "$WORKDIR/ldd")
}

write_config() { # root
	mkdir -p "$1/etc"
	{
		printf 'NMT_TIMEOUT=%s\n' "$TIMEOUT"
		printf 'NMT_PRELOAD="%s"\n' "$PRELOAD"
		printf 'NMT_PAYLOAD=%s\n' "${PAYLOAD:+/payload.sh}"
		printf 'NMT_NIC_MODELS="%s"\n' "${NICS//,/ }"
		printf 'NMT_NIC_MACS="%s"\n' "$(nmt_nic_macs "$NICS")"
	} >"$1/etc/nmtest.conf"
}

populate() { # root
	local root=$1 bin
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,root}
	cp /bin/busybox "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	cp "$NMT_VM_DIR/guest-init.sh" "$root/init"
	chmod 755 "$root/init"
	cp "$KO" "$root/netmap.ko"
	# netmap-enabled NIC drivers: the tests swap them in and back out
	if ((${#DRIVER_KOS[@]})); then
		mkdir -p "$root/lib/netmap"
		cp "${DRIVER_KOS[@]}" "$root/lib/netmap/"
	fi
	add_dyn_bin "$root" /sbin/ip
	add_dyn_bin "$root" /sbin/ethtool
	# NMT_DYN_BINS: more dynamically linked host programs (bench/ab.sh --perf)
	for bin in ${NMT_DYN_BINS:-}; do
		add_dyn_bin "$root" "$bin"
	done
	[[ -n $TESTS ]] && add_tests "$root"
	[[ -n $PAYLOAD ]] && cp "$PAYLOAD" "$root/payload.sh"
	for bin in "${ROOT_BINS[@]}"; do
		[[ $bin == *:/* ]] || die "--root-bin $bin: give SYSROOT:/PATH"
		add_root_bin "$root" "${bin%%:/*}" "/${bin#*:/}"
	done
	for bin in "${BINS[@]}"; do
		[[ -x $bin ]] || die "--bin $bin: not an executable file"
		need_static "$bin"
		cp "$bin" "$root/bin/"
	done
	PRELOAD=
	[[ -n $MODULES ]] && add_modules "$root"
	write_config "$root"
}

main() {
	parse_args "$@"
	if [[ ! -x /bin/busybox ]] || ! nmt_is_static /bin/busybox; then
		die "a static /bin/busybox (package busybox-static) is needed"
	fi
	nmt_load_kernel "$KERNEL"
	WORKDIR=$(mktemp -d)
	trap 'rm -rf "$WORKDIR"' EXIT
	populate "$WORKDIR/root"
	(cd "$WORKDIR/root" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$OUT.tmp"
	mv "$OUT.tmp" "$OUT"
}

main "$@"
