#!/usr/bin/env bash
# make bench (second part): the emulated adapter against Linux's own
# in-kernel pktgen on one virtio-net + e1000 pair on a QEMU hub, in one 6.12
# TCG guest, 60-byte frames, configurations interleaved:
#   generic-tx   pkt-gen -f tx on netmap:eth0 (emulated adapter)
#   linux-tx     Linux pktgen on eth0
#   generic-rx   Linux pktgen on eth0 -> pkt-gen -f rx on netmap:eth1
#   linux-rx     Linux pktgen on eth0 -> eth1's own stack (counted, dropped)
# Prints Mpps and guest CPU time per packet (busy ticks of all CPUs over the
# run / packets) for each, and the ratios.  Numbers only, no pass/fail.
#
# usage: bench/generic.sh [--reps N] [--count N]   (defaults: 3, 300000)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

report() { # rates-file cpu-file
	awk -v reps="$REPS" -v count="$COUNT" '
	FNR == NR { if ($4 != "-") { r[$1] += $4; nr[$1]++ } ; next }
	{ ticks[$1] += $3; pk[$1] += $4 }
	END {
		printf "bench generic: %d frames of 60 B per run, %d interleaved repetitions, one 6.12 TCG guest, virtio-net -> e1000\n", count, reps
		printf "%-12s %10s %18s\n", "config", "Mpps", "CPU us/packet"
		n = split("generic-tx linux-tx generic-rx linux-rx", c, " ")
		for (i = 1; i <= n; i++) {
			k = c[i]
			mpps[k] = nr[k] ? r[k] / nr[k] / 1e6 : 0
			us[k] = pk[k] ? ticks[k] * 10000 / pk[k] : 0
			printf "%-12s %10.3f %18.2f\n", k, mpps[k], us[k]
		}
		if (mpps["linux-tx"] > 0 && us["linux-tx"] > 0)
			printf "tx: generic/linux pktgen rate %.2f, CPU per packet %.2f\n",
			       mpps["generic-tx"] / mpps["linux-tx"], us["generic-tx"] / us["linux-tx"]
		if (mpps["linux-rx"] > 0 && us["linux-rx"] > 0)
			printf "rx: generic/linux stack rate %.2f, CPU per packet %.2f\n",
			       mpps["generic-rx"] / mpps["linux-rx"], us["generic-rx"] / us["linux-rx"]
	}' "$1" "$2"
}

main() {
	local pktgen work payload
	bench_parse_args 3 300000 "$@"
	pktgen=$(nmt_build_pktgen)
	"$NMT_VM_DIR/fetch-kernels.sh" 6.12
	nmt_load_kernel 6.12
	work="$(nmt_work_root)/bench-generic"
	mkdir -p "$work"
	payload="$work/payload.sh"
	nmt_make_payload "$payload" "REPS=$REPS COUNT=$COUNT" \
		"$NMT_VM_DIR/pktgen-pair.sh" "$NMT_REPO/bench/guest-generic.sh"
	"$NMT_VM_DIR/run-guest.sh" 6.12 --src "$NMT_REPO" --payload "$payload" --bin "$pktgen" \
		--modules pktgen --nics virtio-net-pci,e1000 --plain --timeout 3000 \
		--guest-timeout 3600 --work "$work" >&2 || true
	awk -f "$NMT_VM_DIR/pktgen-rates.awk" "$work/run/tests.log" >"$work/rates"
	tr -d '\r' <"$work/run/tests.log" | awk '/^@@cpu / { print $2, $3, $4, $5 }' >"$work/cpu"
	report "$work/rates" "$work/cpu"
}

main "$@"
