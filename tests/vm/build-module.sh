#!/usr/bin/env bash
# Build netmap.ko for one kernel from a netmap source tree, in a private
# copy of its kernel/ and include/ folders (so that several kernels can be
# built from one checkout).  Warnings are errors.
#
# usage: build-module.sh SRC_TREE KERNEL_BUILD_DIR OUT_DIR [DRIVER_SOURCES DRIVERS]
# With a kernel source tree and a driver list (configure --kernel-sources,
# --drivers), the netmap-enabled drivers are built too.
# Result: OUT_DIR/netmap.ko, OUT_DIR/drivers/*.ko (the copy lives in
# OUT_DIR/src, the log in OUT_DIR/build.log).
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
source "$(dirname "$0")/lib.sh"

main() {
	(($# == 3 || $# == 5)) || die "usage: $0 SRC_TREE KERNEL_BUILD_DIR OUT_DIR [DRIVER_SOURCES DRIVERS]"
	local src=$1 kbuild=$2 out=$3 dsrc=${4:-} drivers=${5:-} copy kcflags=-Werror
	[[ -f $src/kernel/Kbuild ]] || die "$src/kernel/Kbuild not found"
	[[ -d $src/include ]] || die "$src/include not found"
	copy="$out/src"
	mkdir -p "$out"
	rm -rf "$copy" "$out/netmap.ko" "$out/drivers"
	mkdir -p "$copy"
	cp -a "$src/kernel" "$src/include" "$src/configure" "$src/drivers" "$src/VERSION" "$copy/"
	rm -rf "$copy/kernel/drivers-build"
	# Called from "make check": the outer make's flags are not for kbuild.
	unset MAKEFLAGS MFLAGS MAKELEVEL
	# Objects from an in-place build of the checkout must not leak in.
	find "$copy/kernel" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name 'modules.order' -o -name 'Module.symvers' \) -delete
	# Debug kernels also get the module's own self-tests (run at load time).
	if grep -qx 'CONFIG_KASAN=y' "$kbuild/.config" 2>/dev/null; then
		kcflags="$kcflags -DNM_MEM_SELFTEST"
	fi
	: >"$out/build.log"
	if [[ -n $drivers ]] && ! (cd "$copy" && ./configure --kernel-dir="$kbuild" \
		--kernel-sources="$dsrc" --drivers="$drivers") >>"$out/build.log" 2>&1; then
		cat "$out/build.log" >&2
		die "configure --drivers=$drivers failed"
	fi
	if ! make -C "$kbuild" M="$copy/kernel" KCFLAGS="$kcflags" -j2 modules >>"$out/build.log" 2>&1; then
		cat "$out/build.log" >&2
		die "building netmap.ko against $kbuild failed"
	fi
	# Warnings that -Werror does not turn into errors: modpost, objtool.
	if grep -E '^WARNING: |: warning: ' "$out/build.log" | grep -vE '^make(\[[0-9]+\])?: ' >&2; then
		die "building netmap.ko against $kbuild gave warnings"
	fi
	[[ -f $copy/kernel/netmap.ko ]] || die "the build made no netmap.ko"
	cp "$copy/kernel/netmap.ko" "$out/netmap.ko"
	if [[ -n $drivers ]]; then
		mkdir -p "$out/drivers"
		find "$copy/kernel/drivers-build" -name '*.ko' -exec cp {} "$out/drivers/" \;
	fi
}

main "$@"
