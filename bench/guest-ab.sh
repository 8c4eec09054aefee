# Guest side of bench/ab.sh (appended to tests/vm/pktgen-pair.sh in
# /payload.sh).  Settings: MODS (module names: /bin/netmap-NAME.ko, "ours"
# is /netmap.ko), ROUNDS, COUNT, ROWS (labels KIND-SIZE-bBATCH to run),
# PERF (1: one profiled run of each module on PERF_ROW).
# The modules are loaded in turn (rmmod/insmod), A B A B, ROUNDS times; in
# each turn every row runs once.  One line per run:
#   @@ab MODULE ROW RX_PPS BUSY_TICKS RECEIVED SENT
# RX_PPS is the receiver's rate, BUSY_TICKS the guest's busy ticks of all
# CPUs (USER_HZ) from the first sender's start to the receiver's end.

/sbin/ip link add va type veth peer name vb
/sbin/ip link set va up
/sbin/ip link set vb up
echo 0 >/proc/sys/kernel/kptr_restrict

ab_load() { # module
	rmmod netmap
	if [ "$1" = ours ]; then insmod /netmap.ko; else insmod "/bin/netmap-$1.ko"; fi
}

# ab_print MODULE ROW TICKS SENT: the @@ab line from /tmp/ab-rx.out.
ab_print() {
	awk -v m="$1" -v r="$2" -v t="$3" -v sent="$4" '
	/^Received [0-9]+ packets/ {
		for (i = 1; i < NF; i++) if ($i == "in") s = $(i + 1)
		got = $2
	}
	END { printf "@@ab %s %s %.0f %d %d %d\n", m, r, (s > 0 ? got / s : 0), t, got, sent }' /tmp/ab-rx.out
}

# ab_run MODULE KIND SIZE BATCH: batch 1 moves a tenth of COUNT.
ab_run() {
	mod=$1 kind=$2 size=$3 batch=$4
	n=$COUNT
	[ "$batch" = 1 ] && n=$((COUNT / 10))
	case $kind in
	pipe) rxp='netmap:pipe{1' txp='netmap:pipe}1' ;;
	vale2) rxp=valeA:r txp=valeA:s ;;
	vale4) rxp=valeB:r txp='valeB:s0 valeB:s1 valeB:s2 valeB:s3' ;;
	gen) rxp=netmap:vb txp=netmap:va ;;
	spipe | svale)	# the module alone (bench/sync-rate.c)
		if [ "$kind" = spipe ]; then
			set -- 'netmap:pipe}1' 'netmap:pipe{1'
		else
			set -- valeS:s valeS:r
		fi
		c0=$(busy)
		timeout -s INT -k 5 "$PAIR_TIMEOUT" sync-rate "$1" "$2" "$n" "$batch" "$size" \
			>/tmp/ab-rx.out 2>&1
		c1=$(busy)
		ab_print "$mod" "$kind-$size-b$batch" $((c1 - c0)) "$n"
		return ;;
	esac
	set -- $txp
	per=$((n / $#))
	timeout -s INT -k 5 "$PAIR_TIMEOUT" pkt-gen -i "$rxp" -f rx -W -n $((per * $#)) \
		-b "$batch" -l "$size" >/tmp/ab-rx.out 2>&1 &
	rx=$!
	sleep 1
	c0=$(busy)
	pids=
	for p in $txp; do
		timeout -s INT -k 5 "$PAIR_TIMEOUT" pkt-gen -i "$p" -f tx -n $per -b "$batch" \
			-l "$size" >/tmp/ab-tx.out 2>&1 &
		pids="$pids $!"
	done
	wait $pids
	wait $rx
	c1=$(busy)
	ab_print "$mod" "$kind-$size-b$batch" $((c1 - c0)) $((per * $#))
}

ab_row() { # module KIND-SIZE-bBATCH
	rest=${2#*-}
	ab_run "$1" "${2%%-*}" "${rest%%-*}" "${rest#*-b}"
}

# perf record of all CPUs during one run of PERF_ROW.
ab_perf() { # module
	/usr/bin/perf record -e cpu-clock -a -g -o /tmp/perf.data >/tmp/perf.log 2>&1 &
	pp=$!
	sleep 1
	ab_row "$1" "$PERF_ROW"
	kill -INT $pp
	wait $pp
	echo "== perf $1 $PERF_ROW"
	/usr/bin/perf report -i /tmp/perf.data --stdio --sort comm,sym --percent-limit 0.4 --no-children -g caller,0.5,callee --max-stack 12 2>/dev/null |
		grep -v '^#' | grep -v '^$' | head -${PERF_LINES:-150}
}

if [ "$PERF" = 1 ]; then
	for m in $MODS; do
		ab_load "$m"
		ab_perf "$m"
	done
fi
round=1
while [ "$round" -le "$ROUNDS" ]; do
	echo "== round $round of $ROUNDS"
	for m in $MODS; do
		ab_load "$m"
		for row in $ROWS; do
			ab_row "$m" "$row"
		done
	done
	round=$((round + 1))
done
ab_load ours
