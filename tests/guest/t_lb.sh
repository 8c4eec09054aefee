#!/bin/sh
# lb end to end over netmap pipes, inside a guest with netmap.ko loaded
# (busybox sh).  pkt-gen sends 1000 UDP flows into a pipe, lb reads the
# other end and spreads the frames over 4 output pipes, 4 receivers
# (t_lb_flows) count frames per flow:
#
#   pkt-gen tx -> IN{0 == IN}0 -> lb -> OUT{k == OUT}k -> t_lb_flows (k = 0..3)
#
# Needs lb and pkt-gen (static) in $PATH or in $APPS_DIR.  TAP output.

D=${APPS_DIR:-}
LB=${D:+$D/}lb
PG=${D:+$D/}pkt-gen
H=$(dirname "$0")/t_lb_flows
. "$(dirname "$0")/libtap.sh"

# 10 source ports x 100 destination addresses: 1000 flows, and the reverse
FWD="-s 10.0.0.1:1000-10.0.0.1:1009 -d 10.1.0.1:2000-10.1.0.100:2000"
REV="-s 10.1.0.1:2000-10.1.0.100:2000 -d 10.0.0.1:1000-10.0.0.1:1009"
IDLE_MS=5000

# lb_start NAME IN ARGS...: lb reading netmap:IN}0; output in $T/NAME.lb.*
lb_start() {
	ls_name=$1 ls_in=$2
	shift 2
	$LB -i "netmap:$ls_in}0" -w 0 -o 1 "$@" \
		>$T/$ls_name.lb.out 2>$T/$ls_name.lb.err &
	lbpid=$!
	wait_for $T/$ls_name.lb.err 'waiting 0 s for the link'
}

lb_stop() {
	kill -TERM $lbpid
	wait $lbpid
	lbrc=$?
}

# rx_start NAME PIPE: a receiver on netmap:PIPE; $T/NAME.rx.PIPE{,.flows}
rx_start() {
	$H rx "netmap:$2" $T/$1.rx.$2.flows $IDLE_MS 240 \
		>$T/$1.rx.$2 2>$T/$1.rx.$2.err &
	rxpids="$rxpids $!"
	wait_for $T/$1.rx.$2 '^ready'
}

rx_wait() {
	for p in $rxpids; do
		wait $p
	done
	rxpids=
}

# tx NAME IN N ADDRS: pkt-gen sends N frames into netmap:IN{0
tx() {
	# shellcheck disable=SC2086  # the address options split on purpose
	$PG -i "netmap:$2{0" -f tx -n $3 -w 0 $4 >$T/$1.tx.out 2>$T/$1.tx.err
	txrc=$?
}

frames() { awk '/^frames/ { print $2 }' "$1"; }

# sum_frames NAME PIPE...: frames the receivers of these pipes got
sum_frames() {
	sf_name=$1 sf_n=0
	shift
	for p in "$@"; do
		sf_n=$((sf_n + $(frames $T/$sf_name.rx.$p)))
	done
	echo $sf_n
}

# field LINE NAME: a number field of a JSON stats line
field() { echo "$1" | sed -E "s/.*\"$2\":([0-9.]+).*/\1/"; }

last_all() { grep '"output_ring":null' "$1" | tail -n 1; }
last_ring() { grep "\"output_ring\":$2," "$1" | tail -n 1; }

# flows_ok NAME PIPE...: every flow on exactly one of these pipes, N flows
flows_ok() {
	fo_name=$1 fo_want=$2
	shift 2
	fo_files=
	for p in "$@"; do
		fo_files="$fo_files $T/$fo_name.rx.$p.flows"
	done
	# shellcheck disable=SC2086
	fo_all=$(cat $fo_files | awk '{ print $1 }' | sort | uniq | wc -l)
	# shellcheck disable=SC2086
	fo_dup=$(cat $fo_files | awk '{ print $1 }' | sort | uniq -d | wc -l)
	echo "# $fo_name: $fo_all flows, $fo_dup on more than one pipe"
	[ "$fo_all" -eq "$fo_want" ] && [ "$fo_dup" -eq 0 ]
}

# same_flows A B PIPE...: per pipe, runs A and B saw the same flows
same_flows() {
	sa_a=$1 sa_b=$2
	shift 2
	for p in "$@"; do
		awk '{ print $1 }' $T/$sa_a.rx.$p.flows | sort >$T/sa.a
		awk '{ print $1 }' $T/$sa_b.rx.$p.flows | sort >$T/sa.b
		cmp -s $T/sa.a $T/sa.b || {
			echo "# $p: flows differ between $sa_a and $sa_b"
			return 1
		}
	done
}

# pipes_agree NAME GROUP: per pipe, lb's forwarded count == receiver's
pipes_agree() {
	pa_name=$1 pa_g=$2
	for k in 0 1 2 3; do
		pa_l=$(last_ring $T/$pa_name.lb.out $k)
		[ "$(field "$pa_l" packets_forwarded)" = \
		  "$(frames $T/$pa_name.rx.$pa_g}$k)" ] || {
			echo "# ring $k: lb says $(field "$pa_l" packets_forwarded), receiver $(frames $T/$pa_name.rx.$pa_g}$k)"
			return 1
		}
	done
}

report() {
	show $T/$1.tx.out $T/$1.lb.err
	tail -n 6 $T/$1.lb.out | sed 's/^/# /'
	for f in $T/$1.rx.*; do
		case $f in *.flows) ;; *) echo "# $(basename $f): $(cat $f | tr '\n' ' ')" ;; esac
	done
}

# 1. 4000 frames of 1000 flows over 4 pipes, every receiver there
lb_start fwd lba -p lbo:4 -B 4096
rx_start fwd 'lbo}0'; rx_start fwd 'lbo}1'; rx_start fwd 'lbo}2'; rx_start fwd 'lbo}3'
tx fwd lba 4000 "$FWD"
rx_wait
sleep 1.5
lb_stop
report fwd
[ $txrc -eq 0 ] && has $T/fwd.tx.out '^Sent 4000 packets 240000 bytes'
result $? "fwd: pkt-gen sent 4000 frames"
[ $lbrc -eq 0 ] &&
	has $T/fwd.lb.out '^4000 packets forwarded\.  0 packets dropped\. Total 4000$'
result $? "fwd: lb exits 0 on SIGTERM, 4000 forwarded, 0 dropped"
[ "$(grep -c 'opened pipe netmap:lbo{[0-3]/xT@[0-9]*, zerocopy enabled' $T/fwd.lb.err)" -eq 4 ]
result $? "fwd: lb opened lbo{0..3 on the input's region, zero copy"
[ "$(sum_frames fwd 'lbo}0' 'lbo}1' 'lbo}2' 'lbo}3')" -eq 4000 ]
result $? "fwd: the receivers got 4000 frames in all (each exactly once)"
ok=0
for k in 0 1 2 3; do
	f=$(frames "$T/fwd.rx.lbo}$k")
	[ "$f" -ge 600 ] && [ "$f" -le 1400 ] || ok=1
done
result $ok "fwd: each pipe got 600..1400 of the 4000"
flows_ok fwd 1000 'lbo}0' 'lbo}1' 'lbo}2' 'lbo}3'
result $? "fwd: 1000 flows, each on one pipe only"
l=$(last_all $T/fwd.lb.out)
[ "$(field "$l" packets_received)" = 4000 ] &&
	[ "$(field "$l" packets_forwarded)" = 4000 ] &&
	[ "$(field "$l" packets_dropped)" = 0 ] &&
	[ "$(field "$l" non_ip_packets)" = 0 ] &&
	[ "$(field "$l" free_buffer_slots)" = 4096 ]
result $? "fwd: lb's aggregate stats line: 4000 received and forwarded"
pipes_agree fwd lbo
result $? "fwd: lb's per-pipe counts equal each receiver's"
echo "$l" | grep -q '^{"ts":[0-9]*\.[0-9]\{6\},"interface":"netmap:lba}0","output_ring":null,"packets_received":'
result $? "fwd: stats line in upstream's format"

# 2. the reverse direction of the same flows: the same pipes
lb_start rev lbb -p lbo:4 -B 4096
rx_start rev 'lbo}0'; rx_start rev 'lbo}1'; rx_start rev 'lbo}2'; rx_start rev 'lbo}3'
tx rev lbb 4000 "$REV"
rx_wait
sleep 1.5
lb_stop
report rev
[ $lbrc -eq 0 ] &&
	has $T/rev.lb.out '^4000 packets forwarded\.  0 packets dropped\. Total 4000$' &&
	[ "$(sum_frames rev 'lbo}0' 'lbo}1' 'lbo}2' 'lbo}3')" -eq 4000 ]
result $? "rev: 4000 frames forwarded and received"
same_flows fwd rev 'lbo}0' 'lbo}1' 'lbo}2' 'lbo}3'
result $? "rev: each pipe saw the same 1000 flows both ways (symmetric hash)"

# 3. a consumer that starts late: its frames wait in the overflow queue
lb_start stall lbc -p lbs:4 -B 8192
rx_start stall 'lbs}0'; rx_start stall 'lbs}1'; rx_start stall 'lbs}2'
tx stall lbc 16000 "$FWD"
rx_wait
sleep 1.5
q=$(field "$(last_ring $T/stall.lb.out 3)" overflow_queue_size)
echo "# pipe 3 without its consumer: $q slots in its overflow queue"
[ "${q:-0}" -gt 0 ]
result $? "stall: frames for the stalled pipe wait in its overflow queue"
rx_start stall 'lbs}3'
rx_wait
sleep 1.5
lb_stop
report stall
[ $lbrc -eq 0 ] &&
	has $T/stall.lb.out '^16000 packets forwarded\.  0 packets dropped\. Total 16000$'
result $? "stall: 16000 forwarded, none dropped"
[ "$(sum_frames stall 'lbs}0' 'lbs}1' 'lbs}2' 'lbs}3')" -eq 16000 ] &&
	pipes_agree stall lbs
result $? "stall: the late consumer got all its frames, 16000 in all"
l=$(last_all $T/stall.lb.out)
[ "$(field "$l" free_buffer_slots)" = 8192 ] &&
	[ "$(field "$(last_ring $T/stall.lb.out 3)" overflow_queue_size)" = 0 ]
result $? "stall: the queue emptied, every extra buffer back in the pool"
flows_ok stall 1000 'lbs}0' 'lbs}1' 'lbs}2' 'lbs}3'
result $? "stall: 1000 flows, each on one pipe only"

# 4. no overflow queue: frames for the stalled pipe are dropped, counted.
# At a rate the receivers keep up with, only the stalled pipe drops.
RATE="-R 4000"
lb_start drop lbd -p lbx:4
rx_start drop 'lbx}0'; rx_start drop 'lbx}1'; rx_start drop 'lbx}2'
tx drop lbd 16000 "$RATE $FWD"
rx_wait
sleep 1.5
rx_start drop 'lbx}3'
rx_wait
sleep 1.5
lb_stop
report drop
fw=$(awk '/packets forwarded/ { print $1 }' $T/drop.lb.out)
dr=$(awk '/packets forwarded/ { print $4 }' $T/drop.lb.out)
d3=$(field "$(last_ring $T/drop.lb.out 3)" packets_dropped)
echo "# without -B: $fw forwarded, $dr dropped, $d3 of them for pipe 3"
[ $lbrc -eq 0 ] && [ $((fw + dr)) -eq 16000 ] && [ "$dr" -gt 0 ] &&
	[ "$d3" = "$dr" ]
result $? "drop: without -B only the stalled pipe drops, counted on it"
[ "$(sum_frames drop 'lbx}0' 'lbx}1' 'lbx}2' 'lbx}3')" -eq "$fw" ] &&
	pipes_agree drop lbx
result $? "drop: what lb forwarded is what the receivers got"

# 5. a queue smaller than the backlog: exactly the excess is dropped
lb_start small lbk -p lbq:4 -B 1000
rx_start small 'lbq}0'; rx_start small 'lbq}1'; rx_start small 'lbq}2'
tx small lbk 16000 "$RATE $FWD"
rx_wait
sleep 1.5
q=$(field "$(last_ring $T/small.lb.out 3)" overflow_queue_size)
rx_start small 'lbq}3'
rx_wait
sleep 1.5
lb_stop
report small
sdr=$(awk '/packets forwarded/ { print $4 }' $T/small.lb.out)
echo "# -B 1000: $q queued, $sdr dropped (without -B: $dr)"
[ $lbrc -eq 0 ] && [ "$q" = 1000 ] && [ "$sdr" -eq $((dr - 1000)) ] &&
	[ "$(field "$(last_ring $T/small.lb.out 3)" packets_dropped)" = "$sdr" ]
result $? "small queue: 1000 slots queued, only the frames beyond them dropped"
[ "$(sum_frames small 'lbq}0' 'lbq}1' 'lbq}2' 'lbq}3')" -eq $((16000 - sdr)) ] &&
	pipes_agree small lbq
result $? "small queue: the receivers got every frame not dropped"

# 6. two groups: every frame to one pipe of each
lb_start grp lbe -p lbg:2 -p lbh:2 -B 4096
rx_start grp 'lbg}0'; rx_start grp 'lbg}1'; rx_start grp 'lbh}0'; rx_start grp 'lbh}1'
tx grp lbe 2000 "$FWD"
rx_wait
sleep 1.5
lb_stop
report grp
[ $lbrc -eq 0 ] &&
	has $T/grp.lb.out '^4000 packets forwarded\.  0 packets dropped\. Total 4000$'
result $? "groups: 2000 frames, forwarded twice (once per group)"
[ "$(sum_frames grp 'lbg}0' 'lbg}1')" -eq 2000 ] &&
	[ "$(sum_frames grp 'lbh}0' 'lbh}1')" -eq 2000 ]
result $? "groups: each group got all 2000"
flows_ok grp 1000 'lbg}0' 'lbg}1' && flows_ok grp 1000 'lbh}0' 'lbh}1'
result $? "groups: in each group every flow on one pipe only"

# 7. 3000-byte frames (two slots each) through two groups: the chains
# reach group 0 by buffer exchange and group 1 as copies, intact
# (at a rate pkt-gen's checking receivers keep up with; they are stopped
# after 60 s at the latest)
lb_start seq lbm -p lbs0:1 -p lbs1:1 -B 8192
$PG -i 'netmap:lbs0}0' -w 0 -f rxseq -n 5000 >$T/seq.rx0 2>&1 &
rx0=$!
$PG -i 'netmap:lbs1}0' -w 0 -f rxseq -n 5000 >$T/seq.rx1 2>&1 &
rx1=$!
wait_open $T/seq.rx0
wait_open $T/seq.rx1
(sleep 60; kill -INT $rx0 $rx1 2>/dev/null) &
killer=$!
$PG -i 'netmap:lbm{0' -w 0 -f txseq -n 5000 -l 3000 -R 2000 >$T/seq.tx.out 2>&1
wait $rx0
wait $rx1
kill $killer 2>/dev/null
lb_stop
report seq
show $T/seq.rx0 $T/seq.rx1
ok=0
for f in $T/seq.rx0 $T/seq.rx1; do
	has $f '^Received 5000 packets 15000000 bytes' &&
		has $f '^Lost 0 packets, 0 out of order$' &&
		has $f '^Payload check: 5000 verified, 0 bad$' || ok=1
done
result $ok "chains: 5000 two-slot frames verified in both groups"
[ $lbrc -eq 0 ] &&
	has $T/seq.lb.out '^10000 packets forwarded\.  0 packets dropped\. Total 10000$'
result $? "chains: counted as frames, once per group"

# 8. -W (busy wait) and SIGINT
lb_start busy lbw -p lbv:2 -W -b 64
rx_start busy 'lbv}0'; rx_start busy 'lbv}1'
tx busy lbw 2000 "$FWD"
rx_wait
kill -INT $lbpid
wait $lbpid
lbrc=$?
report busy
[ $lbrc -eq 0 ] &&
	has $T/busy.lb.out '^2000 packets forwarded\.  0 packets dropped\. Total 2000$' &&
	[ "$(sum_frames busy 'lbv}0' 'lbv}1')" -eq 2000 ] &&
	flows_ok busy 1000 'lbv}0' 'lbv}1'
result $? "busy wait: 2000 frames over 2 pipes, SIGINT stops it, exit 0"

# 9. bad input: one line on stderr, exit 1
$LB -i netmap:lbnosuchif -p lbz:2 -w 0 >$T/bad.out 2>$T/bad.err
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <$T/bad.err)" -eq 1 ] &&
	has $T/bad.err '^lb: cannot open netmap:lbnosuchif: '
result $? "a port that does not exist: one line, exit 1"
[ $rc -eq 1 ] || show $T/bad.out $T/bad.err
$LB -i 'netmap:lbf}0' -p 0 >$T/bad.out 2>$T/bad.err
rc=$?
[ $rc -eq 1 ] && [ "$(cat $T/bad.err)" = "lb: invalid number of pipes '0' (1..1024 in all the groups)" ]
result $? "a bad -p: one line, exit 1"

tap_end
