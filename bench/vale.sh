#!/usr/bin/env bash
# make bench (fourth part): the VALE switch in one 6.12 TCG guest, 60- and
# 1514-byte frames, configurations interleaved: a netmap pipe for
# reference, then 1, 4 and 8 pkt-gen senders on ports of one switch into a
# pkt-gen receiver on another port of it. Prints, per configuration, the
# senders' summed rate, the receiver's rate, the share of frames that
# arrived (the switch drops what a full ring cannot take) and guest CPU time
# per received packet.  Numbers only, no pass/fail.
#
# usage: bench/vale.sh [--reps N] [--count N]   (defaults: 3, 1000000)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

report() { # rates-file cpu-file
	awk -v reps="$REPS" -v count="$COUNT" '
	FNR == NR {
		if ($4 == "-") next
		l = $1
		if (l ~ /-tx[0-9]+$/) { sub(/-tx[0-9]+$/, "", l); tx[l] += $4; next }
		if ($3 == "tx") { tx[l] += $4; next }
		rx[l] += $4; nrx[l]++
		next
	}
	{ ticks[$1] += $3; pk[$1] += $4 }
	END {
		printf "bench vale: %d frames per run (split between the senders), %d interleaved repetitions, one 6.12 TCG guest\n", count, reps
		printf "%-12s %12s %12s %10s %16s\n", "config", "tx Mpps", "rx Mpps", "arrived", "CPU us/rx pkt"
		n = split("pipe-60 vale1-60 vale4-60 vale8-60 pipe-1514 vale1-1514 vale4-1514 vale8-1514", c, " ")
		for (i = 1; i <= n; i++) {
			k = c[i]
			if (!nrx[k]) continue
			printf "%-12s %12.3f %12.3f %9.1f%% %16.2f\n", k, tx[k] / nrx[k] / 1e6,
			       rx[k] / nrx[k] / 1e6, k ~ /^pipe/ ? 100 : pk[k] * 100 / (count * reps),
			       pk[k] ? ticks[k] * 10000 / pk[k] : 0
		}
		for (s = 60; s <= 1514; s += 1454)
			if (rx["pipe-" s] > 0)
				printf "%d B: VALE 2 ports / pipe rx rate %.2f; 4 senders / 1 sender %.2f, 8 / 1 %.2f\n", s,
				       rx["vale1-" s] / rx["pipe-" s],
				       rx["vale1-" s] ? rx["vale4-" s] / rx["vale1-" s] : 0,
				       rx["vale1-" s] ? rx["vale8-" s] / rx["vale1-" s] : 0
	}' "$1" "$2"
}

main() {
	local pktgen work payload
	bench_parse_args 3 1000000 "$@"
	pktgen=$(nmt_build_pktgen)
	"$NMT_VM_DIR/fetch-kernels.sh" 6.12
	nmt_load_kernel 6.12
	work="$(nmt_work_root)/bench-vale"
	mkdir -p "$work"
	payload="$work/payload.sh"
	nmt_make_payload "$payload" "REPS=$REPS COUNT=$COUNT" \
		"$NMT_VM_DIR/pktgen-pair.sh" "$NMT_REPO/bench/guest-vale.sh"
	"$NMT_VM_DIR/run-guest.sh" 6.12 --src "$NMT_REPO" --payload "$payload" --bin "$pktgen" \
		--plain --timeout 3000 --guest-timeout 3600 --work "$work" >&2 || true
	awk -f "$NMT_VM_DIR/pktgen-rates.awk" "$work/run/tests.log" >"$work/rates"
	tr -d '\r' <"$work/run/tests.log" | awk '/^@@cpu / { print $2, $3, $4, $5 }' >"$work/cpu"
	report "$work/rates" "$work/cpu"
}

main "$@"
