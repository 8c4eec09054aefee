#!/usr/bin/env bash
# Run the guest test programs (or a payload script) on one kernel: build
# netmap.ko for it, build the initramfs, boot QEMU, judge the logs.
#
# usage: run-guest.sh KERNEL --src TREE (--tests DIR | --payload SCRIPT) [options]
#   KERNEL is a name prepared by fetch-kernels.sh / build-debug-kernel.sh
#   (6.12, 6.1, debug), or give the kernel by its parts:
#     --name NAME --vmlinuz FILE --kbuild DIR [--modules-tree DIR]
# options:
#   --filter GLOB[,GLOB]   run only the matching t_* programs
#   --bin FILE             add an executable to the guest's /bin (repeatable)
#   --modules NAME[,NAME]  Debian modules to load before netmap.ko
#   --nics MODEL[,MODEL]   emulated NICs, all on one QEMU hub (a frame sent on
#                          one is received on the others), MAC 52:54:00:00:00:NN
#                          (NN = 01, 02, ... in list order); models:
#                          virtio-net-pci e1000 e1000e rtl8139 vmxnet3; their
#                          drivers' modules are loaded; the tests get
#                          NETMAP_NICS="eth0 eth1 ..." in the same order
#   --drivers LIST         netmap-enabled drivers built for the kernel and
#                          put in the guest's /lib/netmap (default: realtek,e1000,virtio_net,veth;
#                          '' for none); see ./configure --drivers
#   --ko FILE              boot with this netmap.ko (e.g. one DKMS built)
#                          instead of building one; no native drivers then
#   --root-bin SYSROOT:PATH  add a dynamically linked program of a chroot at
#                          PATH, with its libraries (repeatable)
#   --timeout SECS         per test program (default 300)
#   --guest-timeout SECS   hard limit for the whole guest (default 1200)
#   --qemu-args "ARGS"     extra QEMU arguments (e.g. NICs)
#   --work DIR             where builds and logs go (default: in the cache)
#   --quiet                do not show the guest's output live
#   --plain                boot without the memory debugging options (benchmarks)
# Prints "guest NAME: N passed, N failed"; writes WORK/run/result; exit 0
# when nothing failed.
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
source "$(dirname "$0")/lib.sh"

KERNEL='' SRC='' WORK='' TIMEOUT=300 GUEST_TIMEOUT=1200 QEMU_ARGS='' BOOT_FLAGS=() NICS=''
VMLINUZ='' KBUILD='' MODTREE='' NATIVE_DRIVERS=realtek,e1000,virtio_net,veth PREBUILT_KO=''
INITRD_ARGS=()

usage() { sed -n '2,30s/^# \{0,1\}//p' "$0" >&2; exit 2; }

parse_args() {
	while (($#)); do
		case $1 in
		--src) SRC=$2 ;;
		--name) KERNEL=$2 ;;
		--vmlinuz) VMLINUZ=$2 ;;
		--kbuild) KBUILD=$2 ;;
		--modules-tree) MODTREE=$2 ;;
		--tests | --filter | --payload | --bin | --modules | --root-bin) INITRD_ARGS+=("$1" "$2") ;;
		--ko) PREBUILT_KO=$2 ;;
		--timeout) TIMEOUT=$2 ;;
		--guest-timeout) GUEST_TIMEOUT=$2 ;;
		--qemu-args) QEMU_ARGS=$2 ;;
		--nics) NICS=$2 ;;
		--drivers) NATIVE_DRIVERS=$2 ;;
		--work) WORK=$2 ;;
		--quiet | --plain) BOOT_FLAGS+=("$1"); shift; continue ;;
		-*) usage ;;
		*) KERNEL=$1; shift; continue ;;
		esac
		shift 2 || usage
	done
	[[ -n $KERNEL && -n $SRC ]] || usage
	nmt_check_nics "$NICS"
	if [[ -n $NICS ]]; then
		INITRD_ARGS+=(--nics "$NICS")
		QEMU_ARGS="$(nmt_nic_qemu_args "$NICS")${QEMU_ARGS:+ $QEMU_ARGS}"
	fi
	WORK=${WORK:-$(nmt_work_root)/$KERNEL}
}

# A kernel given by its parts gets a description like a fetched one.
register_custom_kernel() {
	[[ -n $VMLINUZ || -n $KBUILD ]] || return 0
	[[ -r $VMLINUZ && -d $KBUILD ]] || die "--vmlinuz and --kbuild must both name existing files"
	local kind=stock krel
	grep -qx 'CONFIG_KASAN=y' "$KBUILD/.config" 2>/dev/null && kind=debug
	krel=$(make -s -C "$KBUILD" kernelrelease 2>/dev/null || basename "${MODTREE:-unknown}")
	nmt_write_kernel_env "$KERNEL" "$krel" "$kind" "$(realpath "$VMLINUZ")" \
		"$(realpath "$KBUILD")" "${MODTREE:+$(realpath "$MODTREE")}"
}

build_failed() { # what
	mkdir -p "$WORK/run"
	echo "0 1" >"$WORK/run/result"
	echo "guest $KERNEL: FAILED: $1"
	echo "guest $KERNEL: 0 passed, 1 failed"
	exit 1
}

main() {
	local rc=0
	parse_args "$@"
	register_custom_kernel
	nmt_load_kernel "$KERNEL"
	mkdir -p "$WORK"
	rm -rf "$WORK/run"
	local drv=() ko dko=() dsrc
	if [[ -n $PREBUILT_KO ]]; then
		[[ -r $PREBUILT_KO ]] || build_failed "--ko $PREBUILT_KO: no such file"
		msg "[$KERNEL] using $PREBUILT_KO"
		mkdir -p "$WORK/module"
		rm -rf "$WORK/module/drivers"
		cp "$PREBUILT_KO" "$WORK/module/netmap.ko"
		NATIVE_DRIVERS=''
	else
		msg "[$KERNEL] building netmap.ko for $NMT_KREL"
	fi
	# The netmap-enabled drivers, from the sources of the same kernel: the
	# Debian package's for a stock kernel, the debug kernel's own tree
	# (drivers its config does not enable are left out by their Kbuild).
	if [[ -n $NATIVE_DRIVERS ]]; then
		case $NMT_KIND in
		stock) dsrc=$("$NMT_VM_DIR/driver-sources.sh" "$NMT_KNAME") ||
			build_failed "fetch the driver sources of Linux $NMT_KNAME" ;;
		debug) dsrc=$NMT_KBUILD ;;
		*) dsrc='' ;;
		esac
		[[ -z $dsrc ]] || drv=("$dsrc" "$NATIVE_DRIVERS")
	fi
	if [[ -z $PREBUILT_KO ]]; then
		"$NMT_VM_DIR/build-module.sh" "$SRC" "$NMT_KBUILD" "$WORK/module" "${drv[@]}" ||
			build_failed "build netmap.ko for $NMT_KREL"
	fi
	for ko in "$WORK"/module/drivers/*.ko; do
		[[ -f $ko ]] && dko+=(--driver-ko "$ko")
	done
	"$NMT_VM_DIR/make-initramfs.sh" --out "$WORK/initrd.cpio.gz" --ko "$WORK/module/netmap.ko" \
		--kernel "$KERNEL" --timeout "$TIMEOUT" "${dko[@]}" "${INITRD_ARGS[@]}" ||
		build_failed "build the initramfs"
	local boot
	for boot in 1 2 3; do
		rc=0
		msg "[$KERNEL] booting $NMT_KREL (logs: $WORK/run)"
		"$NMT_VM_DIR/boot-guest.sh" --kernel "$KERNEL" --initrd "$WORK/initrd.cpio.gz" --out "$WORK/run" \
			--timeout "$GUEST_TIMEOUT" --qemu-args "$QEMU_ARGS" "${BOOT_FLAGS[@]}" || rc=$?
		# The guest's init (and so netmap.ko) never started: the kernel
		# itself died while booting under TCG (seen: an int3 left by
		# live code patching). Not ours to judge: boot again.
		grep -q '^@@nmt uname' "$WORK/run/tests.log" 2>/dev/null && break
		((boot < 3)) || break
		msg "[$KERNEL] the kernel died before init started (boot $boot): booting again"
		cp "$WORK/run/console.log" "$WORK/console.boot$boot.log" 2>/dev/null || true
	done
	"$NMT_VM_DIR/verdict.sh" --name "$KERNEL" --out "$WORK/run" --timeout "$TIMEOUT" --qemu-rc "$rc"
}

main "$@"
