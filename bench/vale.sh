#!/usr/bin/env bash
# make bench (fourth part): the VALE switch in one 6.12 TCG guest, 60- and
# 1514-byte frames, configurations interleaved: a netmap pipe for
# reference, then 1, 4 and 8 pkt-gen senders on ports of one switch into a
# pkt-gen receiver on another port of it. Prints, per configuration, the
# senders' summed rate, the receiver's rate, the share of frames that
# arrived (the switch drops what a full ring cannot take) and guest CPU time
# per received packet; then fairness: 4 and 8 senders sending at once for
# 5 s into one receiver that counts each sender's frames (bench/vale-share.c):
# the smallest count over the largest and Jain's index (1: equal shares).
# Numbers only, no pass/fail.
#
# usage: bench/vale.sh [--reps N] [--count N]   (defaults: 3, 1000000)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

report() { # rates-file cpu-file share-file
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
	awk '$1 == "@@share" { n[$2]++; f[$2] += $4; mm[$2] += $5; j[$2] += $6 }
	END {
		print "fairness (senders sending for 5 s at once into one port, frames counted per sender):"
		printf "%-12s %12s %12s %10s\n", "config", "rx frames", "min/max", "Jain"
		k = split("fair4-60 fair8-60 fair4-1514 fair8-1514", c, " ")
		for (i = 1; i <= k; i++)
			if (n[c[i]])
				printf "%-12s %12.0f %12.3f %10.3f\n", c[i], f[c[i]] / n[c[i]],
				       mm[c[i]] / n[c[i]], j[c[i]] / n[c[i]]
	}' "$3"
}

main() {
	local pktgen work payload
	bench_parse_args 3 1000000 "$@"
	pktgen=$(nmt_build_pktgen)
	work="$(nmt_work_root)/bench-vale"
	mkdir -p "$work"
	cc -std=c11 -Wall -Wextra -Werror -O2 -static -I"$NMT_REPO/include" \
		-o "$work/vale-share" "$NMT_REPO/bench/vale-share.c" \
		"$NMT_REPO/lib/libnetmap/libnetmap.a" -lpthread || die "building vale-share failed"
	"$NMT_VM_DIR/fetch-kernels.sh" 6.12
	nmt_load_kernel 6.12
	payload="$work/payload.sh"
	nmt_make_payload "$payload" "REPS=$REPS COUNT=$COUNT FAIR_SECS=5" \
		"$NMT_VM_DIR/pktgen-pair.sh" "$NMT_REPO/bench/guest-vale.sh"
	"$NMT_VM_DIR/run-guest.sh" 6.12 --src "$NMT_REPO" --payload "$payload" --bin "$pktgen" --bin "$work/vale-share" \
		--plain --timeout 3000 --guest-timeout 3600 --work "$work" >&2 || true
	awk -f "$NMT_VM_DIR/pktgen-rates.awk" "$work/run/tests.log" >"$work/rates"
	tr -d '\r' <"$work/run/tests.log" | awk '/^@@cpu / { print $2, $3, $4, $5 }' >"$work/cpu"
	tr -d '\r' <"$work/run/tests.log" | grep '^@@share ' >"$work/share" || true
	report "$work/rates" "$work/cpu" "$work/share"
}

main "$@"
