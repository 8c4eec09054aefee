#!/usr/bin/env bash
# make bench (third part): native against emulated mode on the same NIC pair
# for each native driver QEMU emulates (two rtl8139 driven by 8139cp, two
# e1000, two virtio-net) and for a veth pair, one 6.12 TCG guest per pair:
# pkt-gen tx on one end, rx on the other, 60-byte frames, as fast as it
# goes, the two modes interleaved.
# Prints tx and rx Mpps, guest CPU time per received packet and interrupts
# per second of the two NICs for each mode, and the native/emulated ratios;
# then the same NIC native and attached to a VALE switch, the sender on a
# port of the switch offering the rate the NIC pair took directly, against
# pkt-gen on the NIC directly.
# Numbers only, no pass/fail.
#
# usage: bench/native.sh [--reps N] [--count N]   (defaults: 3, 200000)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

report() { # rates cpu irq pair
	awk -v reps="$REPS" -v count="$COUNT" -v pair="$4" '
	FILENAME == ARGV[1] { if ($4 != "-") { r[$1] += $4; nr[$1]++ }; next }
	FILENAME == ARGV[2] { ticks[$1] += $3; pk[$1] += $4; next }
	{ irq[$1] += $2; cs[$1] += $3 }
	END {
		printf "bench native: %d frames of 60 B per run, %d interleaved repetitions, one 6.12 TCG guest, %s\n", count, reps, pair
		printf "%-8s %10s %10s %16s %12s\n", "mode", "tx Mpps", "rx Mpps", "CPU us/rx pkt", "irq/s"
		n = split("generic native vale", m, " ")
		for (i = 1; i <= n; i++) {
			k = m[i]
			tx[k] = nr[k "-tx"] ? r[k "-tx"] / nr[k "-tx"] / 1e6 : 0
			rx[k] = nr[k "-rx"] ? r[k "-rx"] / nr[k "-rx"] / 1e6 : 0
			us[k] = pk[k] ? ticks[k] * 10000 / pk[k] : 0
			ips[k] = cs[k] ? irq[k] * 100 / cs[k] : 0
			printf "%-8s %10.4f %10.4f %16.2f %12.0f\n", k, tx[k], rx[k], us[k], ips[k]
		}
		if (tx["generic"] > 0 && rx["generic"] > 0 && us["generic"] > 0)
			printf "native/generic (%s): tx %.2f, rx %.2f, CPU per packet %.2f, interrupts per second %.2f\n",
			       pair, tx["native"] / tx["generic"], rx["native"] / rx["generic"],
			       us["native"] / us["generic"], ips["generic"] ? ips["native"] / ips["generic"] : 0
		if (tx["native"] > 0 && rx["native"] > 0 && us["native"] > 0)
			printf "VALE port -> attached NIC / netmap:NIC (%s): tx %.2f, rx %.2f, CPU per packet %.2f\n",
			       pair, tx["vale"] / tx["native"], rx["vale"] / rx["native"], us["vale"] / us["native"]
	}' "$1" "$2" "$3"
}

bench_pair() { # model driver (model veth: a veth pair in the guest)
	local work payload nics
	work="$(nmt_work_root)/bench-native-$2"
	mkdir -p "$work"
	payload="$work/payload.sh"
	nmt_make_payload "$payload" "REPS=$REPS COUNT=$COUNT DRV=$2" \
		"$NMT_VM_DIR/pktgen-pair.sh" "$NMT_REPO/tests/guest/libnative.sh" \
		"$NMT_REPO/bench/guest-native.sh"
	nics="$1,$1"
	[ "$1" = veth ] && nics=e1000	# the pair is made in the guest
	"$NMT_VM_DIR/run-guest.sh" 6.12 --src "$NMT_REPO" --payload "$payload" --bin "$PKTGEN" \
		--bin "$NMT_REPO/apps/vale-ctl/vale-ctl" --nics "$nics" --plain --timeout 3000 \
		--guest-timeout 3600 --work "$work" >&2 || true
	awk -f "$NMT_VM_DIR/pktgen-rates.awk" "$work/run/tests.log" >"$work/rates"
	tr -d '\r' <"$work/run/tests.log" | awk '/^@@cpu / { print $2, $3, $4, $5 }' >"$work/cpu"
	tr -d '\r' <"$work/run/tests.log" | awk '/^@@irq / { print $2, $3, $4 }' >"$work/irq"
	report "$work/rates" "$work/cpu" "$work/irq" "$1 -> $1 ($2)"
}

main() {
	bench_parse_args 3 200000 "$@"
	PKTGEN=$(nmt_build_pktgen)
	nmt_build_static_app "$NMT_REPO/apps/vale-ctl" >&2 || die "building vale-ctl failed"
	"$NMT_VM_DIR/fetch-kernels.sh" 6.12
	nmt_load_kernel 6.12
	bench_pair rtl8139 8139cp
	bench_pair e1000 e1000
	bench_pair virtio-net-pci virtio_net
	bench_pair veth veth
}

main "$@"
