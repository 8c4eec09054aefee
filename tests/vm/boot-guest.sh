#!/usr/bin/env bash
# Boot one QEMU guest (TCG, no KVM) on a prepared kernel and initramfs, with
# the kernel console on ttyS0 (OUT/console.log) and the guest's test output
# on ttyS1 (OUT/tests.log, also shown live on stdout), under a hard timeout.
#
# usage: boot-guest.sh --kernel NAME --initrd FILE --out DIR
#          [--timeout SECS] [--qemu-args "ARGS"] [--quiet] [--plain]
# --plain leaves out the memory debugging options (for benchmarks).
# exit:  0 when QEMU exited by itself, 124 on the hard timeout, else QEMU's.
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
source "$(dirname "$0")/lib.sh"

KERNEL='' INITRD='' OUT='' TIMEOUT=900 QEMU_ARGS='' QUIET=0 PLAIN=0

usage() { sed -n '2,10s/^# \{0,1\}//p' "$0" >&2; exit 2; }

parse_args() {
	while (($#)); do
		case $1 in
		--kernel) KERNEL=$2 ;;
		--initrd) INITRD=$2 ;;
		--out) OUT=$2 ;;
		--timeout) TIMEOUT=$2 ;;
		--qemu-args) QEMU_ARGS=$2 ;;
		--quiet) QUIET=1; shift; continue ;;
		--plain) PLAIN=1; shift; continue ;;
		*) usage ;;
		esac
		shift 2 || usage
	done
	[[ -n $KERNEL && -n $INITRD && -n $OUT ]] || usage
}

cmdline() {
	local c="console=ttyS0 panic=-1 printk.devkmsg=on"
	if ((PLAIN)); then
		[[ $NMT_KIND == debug ]] && c+=" acpi=noirq"
	elif [[ $NMT_KIND == debug ]]; then
		c+=" kasan_multi_shot acpi=noirq"
		grep -qx 'CONFIG_DEBUG_KMEMLEAK=y' "$NMT_KBUILD/.config" && c+=" kmemleak=on"
	else
		c+=" slub_debug=FZPU kfence.sample_interval=10 panic_on_warn=1"
	fi
	echo "$c"
}

# Turn the raw ttyS1 stream into something readable: markers become
# comments, the dmesg/kmemleak sections are left to the log files.
live_filter() {
	awk -v tag="[$KERNEL] " '
		{ sub(/\r$/, "") }
		/^@@nmt section-end/ { hide = 0; next }
		hide { next }
		/^@@nmt section / { hide = 1; next }
		/^@@nmt uname / { print tag "# uname -r: " $3; fflush(); next }
		/^@@nmt begin / { print tag "# " $3; fflush(); next }
		/@@nmt end / {
			sub(/.*@@nmt end /, ""); print tag "# " $1 " finished: " $2 " " $3; fflush(); next
		}
		/^@@nmt / { next }
		/^@@pg end/ { next }
		/^@@pg begin / { sub(/^@@pg begin /, ""); print tag "# " $0; fflush(); next }
		/^$/ { next }
		{ print tag $0; fflush() }'
}

# Starts QEMU in the background under timeout(1), which passes a TERM on to
# QEMU; sets QEMU_PID.
start_qemu() {
	local append extra=()
	append=$(cmdline)
	echo "$append" >"$OUT/cmdline"
	read -ra extra <<<"$QEMU_ARGS"
	# NMT_QEMU_ACCEL: bench/ab.sh --icount needs single-threaded TCG
	timeout -k 10 "$TIMEOUT" qemu-system-x86_64 \
		-accel "${NMT_QEMU_ACCEL:-tcg,thread=multi}" -cpu max -smp 2 -m 2048 \
		-nographic -no-reboot -net none -monitor none \
		-serial "file:$OUT/console.log" -serial "file:$OUT/tests.log" \
		-kernel "$NMT_VMLINUZ" -initrd "$INITRD" -append "$append" \
		"${extra[@]}" </dev/null >"$OUT/qemu.out" 2>&1 &
	QEMU_PID=$!
}

main() {
	local rc=0 start=$SECONDS
	parse_args "$@"
	nmt_load_kernel "$KERNEL"
	mkdir -p "$OUT"
	rm -f "$OUT/console.log" "$OUT/tests.log" "$OUT/qemu.out"
	: >"$OUT/tests.log"
	start_qemu
	trap 'kill $QEMU_PID 2>/dev/null || true' EXIT
	trap 'exit 130' INT TERM
	if ((QUIET)); then
		wait "$QEMU_PID" || rc=$?
	else
		tail -n +1 -F --pid="$QEMU_PID" "$OUT/tests.log" 2>/dev/null | live_filter
		wait "$QEMU_PID" || rc=$?
	fi
	trap - EXIT
	if ((rc == 124)); then
		msg "[$KERNEL] guest killed after the hard timeout of $TIMEOUT s"
	elif ((rc != 0)); then
		msg "[$KERNEL] qemu exited with status $rc:"
		cat "$OUT/qemu.out" >&2
	fi
	msg "[$KERNEL] guest ran $((SECONDS - start)) s"
	return "$rc"
}

main "$@"
