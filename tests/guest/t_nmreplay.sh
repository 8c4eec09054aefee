#!/bin/sh
# nmreplay end to end over a netmap pipe, inside a guest with netmap.ko
# loaded (busybox sh).  t_nmreplay_rx writes a pcap of 10 blocks of 1000
# frames (60..1068 bytes), 2 ms apart within a block and 100 ms between
# blocks; nmreplay sends it into one end of a pipe, t_nmreplay_rx receives
# on the other end and checks every frame byte for byte and in order, and
# the gaps:
#
#   nmreplay -f trace.pcap -i netmap:nrp{0  ->  netmap:nrp}0 t_nmreplay_rx
#
# at the file's timing (-B real), twice as fast (-B real,2), and as fast as
# possible (no -B).  Timing: the median span of 100 frames within a block,
# the median span of a block, the median gap between blocks and the whole
# run within 5% of the file's divided by the speed-up (medians over spans:
# a TCG guest sharing its host stalls now and then, and a late frame's
# successors go out at once).
#
# Needs nmreplay (static) in $PATH or in $APPS_DIR.  TAP output.

D=${APPS_DIR:-}
NR=${D:+$D/}nmreplay
H=$(dirname "$0")/t_nmreplay_rx
. "$(dirname "$0")/libtap.sh"

BYTES=$(awk 'BEGIN { for (i = 0; i < 10000; i++) s += 60 + (i % 64) * 16; print s }')

# replay NAME ARGS...: receiver on nrp}0, nmreplay ARGS into nrp{0
replay() {
	rp_name=$1
	shift
	$H rx 'netmap:nrp}0' 120 >$T/$rp_name.rx 2>$T/$rp_name.rx.err &
	rxpid=$!
	wait_for $T/$rp_name.rx '^ready'
	timeout -s INT 100 $NR -w 0 -f $T/trace.pcap -i 'netmap:nrp{0' "$@" \
		>$T/$rp_name.out 2>$T/$rp_name.err
	nrrc=$?
	wait $rxpid
	show $T/$rp_name.out $T/$rp_name.rx $T/$rp_name.rx.err
	tail -n 4 $T/$rp_name.err | sed 's/^/# /'
}

# value NAME KEY: a number of the receiver's timing line
value() { sed -nE "s/.*(^| )$2 ([0-9]+).*/\2/p" $T/$1.rx; }

# within NAME KEY WANT_NS: KEY within 5% of WANT_NS
within() {
	wi_v=$(value "$1" "$2")
	echo "# $1: $2 $wi_v, want $3 +- 5%"
	[ -n "$wi_v" ] && awk -v v="$wi_v" -v w="$3" \
		'BEGIN { d = v - w; if (d < 0) d = -d; exit !(d <= w * 0.05) }'
}

# timing NAME SPEED: the median span of 100 frames (99 gaps) within a
# block, the median block span, the median gap between blocks and the whole
# run within 5%; the median single gap is shown only (the guest's wake-ups
# lag by a few ms now and then, and the frames due meanwhile go out at once)
timing() {
	ti_ok=0
	echo "# $1: gap_median_ns $(value "$1" gap_median_ns), want $((2000000 / $2))"
	within "$1" window_median_ns $((198000000 / $2)) || ti_ok=1
	within "$1" span_median_ns $((1998000000 / $2)) || ti_ok=1
	within "$1" blockgap_median_ns $((100000000 / $2)) || ti_ok=1
	within "$1" total_ns $((20880000000 / $2)) || ti_ok=1
	echo "# $1: block spans $(value "$1" span_min_ns) .. $(value "$1" span_max_ns) ns"
	return $ti_ok
}

$H write $T/trace.pcap
result $? "the 10000-frame pcap is written"

# 1. the file's timing
replay real -B real
[ $nrrc -eq 0 ] && has $T/real.out "^10000 frames $BYTES bytes sent in [0-9]+\.[0-9]{6} s, 0 lost \(-L\), 0 too long for netmap:nrp\{0\$"
result $? "real: nmreplay exits 0, 10000 frames $BYTES bytes sent"
has $T/real.rx '^frames 10000 bad 0$'
result $? "real: 10000 frames received, each byte-identical and in order"
timing real 1
result $? "real: gaps of 2 ms and 100 ms, blocks and the run within 5%"
has $T/real.err '^[0-9]+ -> [0-9]+ maxq [0-9]+ round [0-9]+, 0 <- 0 maxq 0 round 0$' &&
	has $T/real.err '^plr nominal 0\.000000e\+00 actual 0\.000000e\+00$'
result $? "real: upstream's report lines once a second"

# 2. twice as fast
replay fast2 -B real,2
[ $nrrc -eq 0 ] && has $T/fast2.rx '^frames 10000 bad 0$'
result $? "real,2: 10000 frames received, each byte-identical and in order"
timing fast2 2
result $? "real,2: every gap halved, within 5%"

# 3. as fast as possible: the ring fills, nmreplay waits for room
replay max -b 256
[ $nrrc -eq 0 ] && has $T/max.rx '^frames 10000 bad 0$' &&
	has $T/max.out "^10000 frames $BYTES bytes sent"
result $? "no -B: 10000 frames received, each byte-identical and in order"
t=$(value max total_ns)
echo "# no -B: $t ns from the first frame to the last"
[ -n "$t" ] && [ "$t" -lt 5000000000 ]
result $? "no -B: far faster than the file's 20.9 s"

# 4. a port that does not open: one line, exit 1
$NR -w 0 -f $T/trace.pcap -i netmap:nrnone0 >$T/bad.out 2>$T/bad.err
rc=$?
show $T/bad.err
[ $rc -eq 1 ] && has $T/bad.err "^nmreplay: cannot open netmap:nrnone0$"
result $? "a port that does not open: exit 1, 'cannot open'"

tap_end
