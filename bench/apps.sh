#!/usr/bin/env bash
# make bench (apps): the apps forwarding between netmap pipes in ONE 6.12
# TCG guest boot, pkt-gen (ours) sending and receiving, batch 512:
#   pipe-S    pkt-gen tx -> netmap:a}0, pkt-gen rx on netmap:a{0 (reference)
#   bridge-S  pkt-gen tx -> netmap:b1}0; bridge -i netmap:b1{0 -i netmap:b2{0;
#             pkt-gen rx on netmap:b2}0
#   dedup-S   the same with dedup (its defaults: 50 us window, 10 frames;
#             pkt-gen's frames differ by their sequence numbers)
#   tlem-S    the same with tlem (no delay, no bandwidth limit, no loss)
#   lbN-60    pkt-gen tx of 1000 UDP flows -> netmap:lbi{0; lb -i
#             netmap:lbi}0 -p lbo:N; pkt-gen rx on each netmap:lbo}K (N = 1, 2, 4)
# S = 60 and 1514 bytes.  The rows run in turn, --rounds times (A B C A B C).
# Prints the receivers' rate (median over the rounds; for lb the frames of
# all its receivers over the longest receiver's time), its ratio to the
# plain pipe of the same size, and the frames lost (sent but not received,
# all rounds).  No pass/fail; exits 1 when a row produced no rate.
#
#   bench/apps.sh --work /var/tmp/work-appbench
#
# usage: bench/apps.sh [--rounds N] [--count N] [--rows 'ROW ...'] [--work DIR]
#   defaults: 3 rounds, 1000000 frames per run, every row
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

APPS='bridge dedup tlem lb'
ROUNDS=3 COUNT=1000000 ROWS='' WORK=''
parse() {
	while (($#)); do
		case $1 in
		--rounds) ROUNDS=$2 ;;
		--count) COUNT=$2 ;;
		--rows) ROWS=$2 ;;
		--work) WORK=$2 ;;
		*) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2; exit 2 ;;
		esac
		shift 2 || die "$1 needs a value"
	done
	[[ $ROUNDS =~ ^[1-9][0-9]*$ && $COUNT =~ ^[1-9][0-9]*$ ]] || die "--rounds and --count need positive numbers"
	[[ -n $ROWS ]] || ROWS='pipe-60 bridge-60 dedup-60 tlem-60 pipe-1514 bridge-1514 dedup-1514 tlem-1514 lb1-60 lb2-60 lb4-60'
	local r
	for r in $ROWS; do
		[[ $r =~ ^(pipe|bridge|dedup|tlem|lb[1-9][0-9]*)-[1-9][0-9]*$ ]] || die "unknown row $r"
	done
}

# report FILE: one line per row, in the order of ROWS; exit 1 when a row
# has no rate.
report() {
	awk -v rows="$ROWS" -v rounds="$ROUNDS" -v count="$COUNT" '
	function median(r, w,   n, i, j, t, a) {
		n = nr[r]
		for (i = 1; i <= n; i++) a[i] = v[w, r, i]
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	$3 > 0 { nr[$2]++; v["rx", $2, nr[$2]] = $3; v["tx", $2, nr[$2]] = $6 }
	{ runs[$2]++; got[$2] += $4; sent[$2] += $5 }
	END {
		printf "bench apps: %d rounds in one 6.12 TCG guest boot, %d frames per run, batch 512\n", rounds, count
		printf "Mpps: median of the rounds, the sender (tx) and the receivers (rx); ratio: rx to pipe-SIZE rx;\n"
		printf "lost: frames sent but not received, all rounds (lb: dropped by lb, a full output pipe)\n"
		printf "%-12s %5s %8s %8s %7s %10s %8s\n", "row", "runs", "tx Mpps", "rx Mpps", "ratio", "lost", "lost %"
		n = split(rows, r, " ")
		for (i = 1; i <= n; i++) {
			k = r[i]
			if (nr[k]) { rx[k] = median(k, "rx"); tx[k] = median(k, "tx") }
		}
		for (i = 1; i <= n; i++) {
			k = r[i]
			if (!nr[k]) {
				printf "%-12s %5d %8s %8s\n", k, nr[k], "-", "-"
				bad = bad " " k
				continue
			}
			ref = "pipe-" substr(k, index(k, "-") + 1)
			ratio = (rx[ref] > 0 ? sprintf("%.2f", rx[k] / rx[ref]) : "-")
			lost = sent[k] - got[k]
			printf "%-12s %5d %8.3f %8.3f %7s %10d %7.2f%%\n", k, nr[k], tx[k] / 1e6,
			       rx[k] / 1e6, ratio, lost, (sent[k] ? lost * 100 / sent[k] : 0)
		}
		if (bad != "") {
			printf "no rate from row(s):%s (see the guest log)\n", bad
			exit 1
		}
	}' "$1"
}

main() {
	local pktgen work payload a bins=()
	parse "$@"
	pktgen=$(nmt_build_pktgen)
	for a in $APPS; do
		nmt_build_static_app "$NMT_REPO/apps/$a" >&2 || die "building $a failed"
		[[ -x $NMT_REPO/apps/$a/$a ]] || die "apps/$a built no $a"
		bins+=(--bin "$NMT_REPO/apps/$a/$a")
	done
	"$NMT_VM_DIR/fetch-kernels.sh" 6.12
	nmt_load_kernel 6.12
	work=${WORK:-$(nmt_work_root)/bench-apps}
	mkdir -p "$work"
	payload="$work/payload.sh"
	nmt_make_payload "$payload" "ROUNDS=$ROUNDS COUNT=$COUNT" \
		"$NMT_VM_DIR/pktgen-pair.sh" "$NMT_REPO/bench/guest-apps.sh"
	# A value with spaces goes in after the settings.
	sed -i "2i ROWS='$ROWS'" "$payload"
	"$NMT_VM_DIR/run-guest.sh" 6.12 --src "$NMT_REPO" --payload "$payload" --bin "$pktgen" \
		"${bins[@]}" --drivers '' --plain --timeout 7200 --guest-timeout 7200 --work "$work" >&2 || true
	[[ -f $work/run/tests.log ]] || die "the guest left no log (see above)"
	tr -d '\r' <"$work/run/tests.log" | grep '^# lb[0-9]*-[0-9]*: [0-9]* packets forwarded' || true
	tr -d '\r' <"$work/run/tests.log" | grep '^@@app ' >"$work/apps" ||
		die "no results (see $work/run/tests.log)"
	report "$work/apps" || die "a row produced no result (see $work/run/tests.log)"
}

main "$@"
