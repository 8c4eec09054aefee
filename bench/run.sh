#!/usr/bin/env bash
# make bench: in one 6.12 guest, pkt-gen tx -> rx over a netmap pipe with
# 60- and 1514-byte frames (batch 512), repeated and interleaved, and, when
# Debian ships Linux's pktgen module, the in-kernel pktgen on a dummy device
# in the same boot as a reference.  Prints Mpps per configuration and the
# netmap/pktgen ratio.  The guest boots without the memory debugging
# options (slub_debug slows Linux pktgen down twentyfold).  No pass/fail: numbers only.
#
# usage: bench/run.sh [--reps N] [--count N]   (defaults: 3 reps, 1000000 packets)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

# Linux pktgen and dummy are Debian modules on the stock kernels.
have_linux_pktgen() {
	local root=${NMT_MODULES%/lib/modules/*} m
	[[ -n $NMT_MODULES ]] || return 1
	for m in pktgen dummy; do
		modprobe -d "$root" -S "$NMT_KREL" -C /dev/null --show-depends "$m" >/dev/null 2>&1 || return 1
	done
}

# Mpps per configuration: each run, the mean, and the ratio of the netmap
# pipe's receive rate to Linux pktgen's transmit rate.
report() { # rates-file
	awk -v reps="$REPS" -v count="$COUNT" '
	function show(key, name,   i, n, sum, list) {
		n = runs[key]
		if (n == 0) return
		for (i = 1; i <= n; i++) {
			list = list sprintf(" %7.3f", v[key, i] / 1e6)
			sum += v[key, i]
		}
		mean[key] = sum / n
		printf "%-34s %-30s %8.3f\n", name, list, mean[key] / 1e6
	}
	$4 == "-" { bad[$1 " " $2 " " $3]++; next }
	{ key = $1 " " $2 " " $3; v[key, ++runs[key]] = $4 }
	END {
		printf "bench: %d packets per run, %d interleaved repetitions, one 6.12 TCG guest\n", count, reps
		printf "%-34s %-30s %8s\n", "configuration", "runs (Mpps)", "mean"
		for (s = 0; s < 2; s++) {
			size = s ? 1514 : 60
			show("netmap-pipe " size " tx", "netmap pipe tx, " size " B, batch 512")
			show("netmap-pipe " size " rx", "netmap pipe rx, " size " B, batch 512")
			show("linux-pktgen " size " tx", "linux pktgen dummy0, " size " B")
		}
		for (s = 0; s < 2; s++) {
			size = s ? 1514 : 60
			a = mean["netmap-pipe " size " rx"]; b = mean["linux-pktgen " size " tx"]
			if (a > 0 && b > 0)
				printf "ratio netmap pipe rx / linux pktgen, %4d B: %.2f\n", size, a / b
		}
		for (k in bad)
			printf "no rate found in %d run(s) of %s (see the guest log)\n", bad[k], k
	}' "$1"
}

main() {
	local pktgen work payload pk=0 modules=()
	bench_parse_args 3 1000000 "$@"
	pktgen=$(nmt_build_pktgen)
	"$NMT_VM_DIR/fetch-kernels.sh" 6.12
	nmt_load_kernel 6.12
	if have_linux_pktgen; then
		pk=1
		modules=(--modules "pktgen,dummy")
	else
		msg "Linux pktgen is not in the 6.12 modules tree: no reference ratio"
	fi
	work="$(nmt_work_root)/bench"
	mkdir -p "$work"
	payload="$work/payload.sh"
	nmt_make_payload "$payload" "REPS=$REPS COUNT=$COUNT PKTGEN=$pk" \
		"$NMT_VM_DIR/pktgen-pair.sh" "$NMT_REPO/bench/guest-bench.sh"
	"$NMT_VM_DIR/run-guest.sh" 6.12 --src "$NMT_REPO" --payload "$payload" --bin "$pktgen" \
		"${modules[@]}" --plain --timeout 3000 --guest-timeout 3600 --work "$work" >&2 || true
	awk -f "$NMT_VM_DIR/pktgen-rates.awk" "$work/run/tests.log" >"$work/rates"
	report "$work/rates"
}

main "$@"
