#!/bin/sh
# pkt-gen end to end over netmap pipes, inside a guest with netmap.ko
# loaded (busybox sh).  Needs pkt-gen and pkt-gen-b (static) in $PATH or
# in $PKTGEN_DIR (the harness puts the apps in the guest's /bin).  TAP output.

D=${PKTGEN_DIR:-}
PG=${D:+$D/}pkt-gen
PGB=${D:+$D/}pkt-gen-b
. "$(dirname "$0")/libtap.sh"

# pair NAME RX_CMD... -- TX_CMD...: receiver in the background, then the
# sender; outputs in $T/NAME.{rx,tx}.{out,err}, exit codes in $rxrc/$txrc
pair() {
	name=$1
	shift
	rxcmd=
	while [ "$1" != "--" ]; do
		rxcmd="$rxcmd '$1'"
		shift
	done
	shift
	eval "$rxcmd" >$T/$name.rx.out 2>$T/$name.rx.err &
	rxpid=$!
	sleep 1
	"$@" >$T/$name.tx.out 2>$T/$name.tx.err
	txrc=$?
	wait $rxpid
	rxrc=$?
	show $T/$name.tx.out $T/$name.rx.out
	if [ $txrc -ne 0 ] || [ $rxrc -ne 0 ]; then
		show $T/$name.tx.err $T/$name.rx.err
	fi
}

# 1. tx -> rx, 100000 packets, nothing lost
pair basic $PG -i 'netmap:pipe{1' -f rx -n 100000 -w 0 -- \
	$PG -i 'netmap:pipe}1' -f tx -n 100000 -w 0
result $txrc "tx on pipe}1 exits 0"
result $rxrc "rx on pipe{1 exits 0"
has $T/basic.tx.out '^Sent 100000 packets 6000000 bytes [0-9]+ events 60 bytes each in'
result $? "tx summary"
has $T/basic.rx.out '^Received 100000 packets 6000000 bytes [0-9]+ events 60 bytes each in' &&
	has $T/basic.rx.out '^Lost 0 packets, 0 out of order$'
result $? "rx got all 100000 in order"

# 2. txseq -> rxseq with 3000-byte frames over two slots each
pair seq $PG -i 'netmap:pipe{2' -f rxseq -n 20000 -w 0 -- \
	$PG -i 'netmap:pipe}2' -f txseq -n 20000 -l 3000 -w 0
has $T/seq.rx.out '^Received 20000 packets 60000000 bytes' &&
	has $T/seq.rx.out '^Lost 0 packets, 0 out of order$' &&
	has $T/seq.rx.out '^Payload check: 20000 verified, 0 bad$'
result $? "txseq/rxseq: 2-slot frames verified byte by byte"

# 3. random sizes, IPv6, fragments of 512 bytes
pair frag $PG -i 'netmap:pipe{3' -f rxseq -n 5000 -w 0 -- \
	$PG -i 'netmap:pipe}3' -f txseq -6 -n 5000 -l 9000 -l 80 -M 512 -w 0
has $T/frag.rx.out '^Received 5000 packets' &&
	has $T/frag.rx.out '^Payload check: 5000 verified, 0 bad$'
result $? "txseq/rxseq: IPv6, random sizes, 512-byte fragments"

# 4. busy-wait binaries
pair busy $PGB -i 'netmap:pipe{4' -f rx -n 50000 -w 0 -- \
	$PGB -i 'netmap:pipe}4' -f tx -n 50000 -w 0
has $T/busy.rx.out '^Received 50000 packets' &&
	has $T/busy.rx.out '^Lost 0 packets, 0 out of order$'
result $? "pkt-gen-b tx -> rx"

# 5. two threads on a pipe with two rings each way
pair mt $PG -i 'netmap:pipe{5@conf:rings=2' -f rx -p 2 -n 100000 -w 0 -- \
	$PG -i 'netmap:pipe}5' -f tx -p 2 -n 100000 -w 0
has $T/mt.tx.out '^Sent 100000 packets' &&
	has $T/mt.rx.out '^Received 100000 packets' &&
	has $T/mt.rx.out '^Lost 0 packets'
result $? "-p 2 on both sides"

# 6. ping / pong
pair ping $PG -i 'netmap:pipe{6' -f pong -n 200 -w 0 -- \
	$PG -i 'netmap:pipe}6' -f ping -n 200 -w 0
has $T/ping.tx.out '^ping: 200 sent, 200 replies, 0 lost$' &&
	has $T/ping.tx.out '^Total: count 200 RTT: min [0-9]+ av [0-9]+ ns max [0-9]+ ns$'
result $? "ping/pong: 200 round trips"

# 7. rate limit: 3000 packets at 6000 pps take about half a second
pair rate $PG -i 'netmap:pipe{7' -f rx -n 3000 -w 0 -- \
	$PG -i 'netmap:pipe}7' -f tx -n 3000 -R 6000 -w 0 -A -T 100
awk '/^Sent 3000/ { if ($12 >= 0.35) ok = 1 } END { exit !ok }' $T/rate.tx.out
result $? "-R 6000 paces the sender"
has $T/rate.tx.err 'main_thread \[[0-9]+\] [0-9.]+ [KM]?pps \[avg/std [0-9.]+ [KM]?/[0-9.]+ [KM]? ?pps\] \([0-9.]+ [KM]?pkts'
result $? "-A adds mean/stddev to the reports"

# 8. -W: rx exits by itself when the traffic stops
pair idle $PG -i 'netmap:pipe{8' -f rx -W -w 0 -- \
	$PG -i 'netmap:pipe}8' -f tx -n 1000 -w 0
[ $rxrc -eq 0 ] && has $T/idle.rx.out '^Received 1000 packets'
result $? "-W ends the receiver after one idle second"

# 9. -X dumps what rx gets
pair dump $PG -i 'netmap:pipe{9' -f rx -n 1 -X -w 0 -- \
	$PG -i 'netmap:pipe}9' -f tx -n 1 -w 0 -D 02:00:00:00:00:02 \
	-S 02:00:00:00:00:01
has $T/dump.rx.out '0000: 02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00'
result $? "-X on rx dumps the frame"

# 10. -C sets the slots of a port created by the open
$PG -i 'netmap:pipe{10' -f tx -n 10 -w 0 -C 256 -v >$T/c.out 2>$T/c.err
rc=$?
[ $rc -eq 0 ] && has $T/c.err 'x 256 slots' && has $T/c.err '@conf:'
result $? "-C 256 gives 256-slot rings and a deprecation note"
[ $rc -eq 0 ] || show $T/c.err

# 11. -H: PORT_HDR_SET is refused on a pipe, -H 0 needs no SET
$PG -i 'netmap:pipe{11' -f tx -n 10 -w 0 -H 10 >$T/h.out 2>$T/h.err
rc=$?
[ $rc -eq 1 ] && has $T/h.err 'Unable to set virtio-net header length 10'
result $? "-H 10 on a pipe fails clearly"
$PG -i 'netmap:pipe{11' -f tx -n 10 -w 0 -H 0 >$T/h.out 2>$T/h.err
result $? "-H 0 on a pipe works"

tap_end
