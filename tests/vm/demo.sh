#!/usr/bin/env bash
# make demo: build everything, boot one 6.12 guest, load netmap.ko and run
# pkt-gen tx -> rx over a netmap pipe with 60- and 1514-byte frames, then
# print the rates.
#
# usage: tests/vm/demo.sh [--count N]     (packets per run, default 2000000)
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
source "$(dirname "$0")/lib.sh"

COUNT=2000000

parse_args() {
	while (($#)); do
		case $1 in
		--count) COUNT=$2; shift 2 ;;
		--count=*) COUNT=${1#*=}; shift ;;
		*) sed -n '2,7s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
		esac
	done
	[[ $COUNT =~ ^[0-9]+$ ]] || die "--count needs a number"
}

mpps() { # pps or "-"
	[[ $1 == - ]] && { echo "n/a"; return; }
	awk -v p="$1" 'BEGIN { printf "%.3f Mpps", p / 1e6 }'
}

print_rates() { # tests.log
	local size side pps rc ok=0
	echo
	echo "demo results (netmap pipe, $COUNT packets per run, TCG guest: absolute rates mean little):"
	while read -r _ size side pps rc; do
		printf '  %4s-byte frames  %s  %-12s%s\n' "$size" "$side" "$(mpps "$pps")" \
			"$([[ $rc == 0 ]] || echo " (pkt-gen exit status $rc)")"
		[[ $pps != - && $rc == 0 ]] || ok=1
	done < <(awk -f "$NMT_VM_DIR/pktgen-rates.awk" "$1")
	return "$ok"
}

main() {
	local pktgen work payload rc=0
	parse_args "$@"
	pktgen=$(nmt_build_pktgen)
	"$NMT_VM_DIR/fetch-kernels.sh" 6.12
	work="$(nmt_work_root)/demo"
	mkdir -p "$work"
	payload="$work/payload.sh"
	nmt_make_payload "$payload" "COUNT=$COUNT" "$NMT_VM_DIR/pktgen-pair.sh" "$NMT_VM_DIR/demo-guest.sh"
	"$NMT_VM_DIR/run-guest.sh" 6.12 --src "$NMT_REPO" --payload "$payload" --bin "$pktgen" \
		--timeout 900 --guest-timeout 1200 --work "$work" || rc=$?
	print_rates "$work/run/tests.log" || rc=1
	return "$rc"
}

main "$@"
