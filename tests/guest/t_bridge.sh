#!/bin/sh
# bridge end to end over netmap pipes, inside a guest with netmap.ko loaded
# (busybox sh).  pkt-gen sends into one pipe, bridge forwards between the
# other ends of that pipe and of a second one, pkt-gen receives from the
# second pipe:
#
#   pkt-gen tx -> X}1 == X{1 -> bridge -> Y{1 == Y}1 -> pkt-gen rx
#
# Needs bridge and pkt-gen (static) in $PATH or in $APPS_DIR.  TAP output.

D=${APPS_DIR:-}
BR=${D:+$D/}bridge
PG=${D:+$D/}pkt-gen
. "$(dirname "$0")/libtap.sh"

# flow NAME X Y SIG "BRIDGE_ARGS" "RX_ARGS" "TX_ARGS": bridge between
# netmap:X{1 and netmap:Y{1, pkt-gen RX_ARGS on Y}1, pkt-gen TX_ARGS on X}1;
# the bridge is stopped with SIG after the receiver is done.  Outputs in
# $T/NAME.{br,rx,tx}.{out,err}, exit codes in $brrc, $rxrc, $txrc.
flow() {
	name=$1 x=$2 y=$3 sig=$4 brargs=$5 rxargs=$6 txargs=$7
	# shellcheck disable=SC2086  # word splitting of the argument lists
	$BR -i "netmap:$x{1" -i "netmap:$y{1" -w 0 $brargs \
		>$T/$name.br.out 2>$T/$name.br.err &
	brpid=$!
	sleep 1
	$PG -i "netmap:$y}1" -w 0 $rxargs >$T/$name.rx.out 2>$T/$name.rx.err &
	rxpid=$!
	sleep 1
	$PG -i "netmap:$x}1" -w 0 $txargs >$T/$name.tx.out 2>$T/$name.tx.err
	txrc=$?
	wait $rxpid
	rxrc=$?
	kill -$sig $brpid
	wait $brpid
	brrc=$?
	show $T/$name.tx.out $T/$name.rx.out $T/$name.br.out
	if [ $txrc -ne 0 ] || [ $rxrc -ne 0 ] || [ $brrc -ne 0 ]; then
		show $T/$name.tx.err $T/$name.rx.err $T/$name.br.err
	fi
}

# 1. tx -> bridge (zero-copy) -> rx, 100000 packets
flow zc bra brb TERM "" "-f rx -n 100000" "-f tx -n 100000"
result $txrc "zero-copy: tx exits 0"
has $T/zc.rx.out '^Received 100000 packets 6000000 bytes' &&
	has $T/zc.rx.out '^Lost 0 packets, 0 out of order$'
result $? "zero-copy: rx got all 100000 in order"
[ $brrc -eq 0 ]
result $? "zero-copy: bridge exits 0 on SIGTERM"
has $T/zc.br.err 'Wait 0 secs for link to come up' &&
	has $T/zc.br.err 'Ready to go, [^ ]*bra\{1 0x0/1 <-> [^ ]*brb\{1 0x0/1\.' &&
	has $T/zc.br.err '------- zerocopy supported'
result $? "zero-copy: startup lines"
has $T/zc.br.out '^Totals \(zero-copy\):$' &&
	has $T/zc.br.out '^netmap:bra\{1 -> netmap:brb\{1: 100000 packets 6000000 bytes 100000 slots 0 dropped$' &&
	has $T/zc.br.out '^netmap:brb\{1 -> netmap:bra\{1: 0 packets 0 bytes 0 slots 0 dropped$'
result $? "zero-copy: totals per direction"

# 2. the same with -c (copy), -v and a larger burst, stopped with SIGINT
flow cp brc brd INT "-c -v -b 4096" "-f rx -n 100000" "-f tx -n 100000"
has $T/cp.rx.out '^Received 100000 packets 6000000 bytes' &&
	has $T/cp.rx.out '^Lost 0 packets, 0 out of order$'
result $? "copy: rx got all 100000 in order"
[ $brrc -eq 0 ] && has $T/cp.br.err '------- zerocopy NOT supported' &&
	has $T/cp.br.out '^Totals \(copy\):$' &&
	has $T/cp.br.out '^netmap:brc\{1 -> netmap:brd\{1: 100000 packets 6000000 bytes 100000 slots 0 dropped$'
result $? "copy: -c copies, SIGINT stops it, totals"
has $T/cp.br.err 'bridge: netmap:brc\{1 -> netmap:brd\{1 [0-9]+ pps \([0-9]+ pkts\), netmap:brd\{1 -> netmap:brc\{1 [0-9]+ pps \([0-9]+ pkts\)$'
result $? "copy: -v prints a line per second"

# 3. txseq -> rxseq, 3000-byte frames over two slots, zero-copy
flow seqz bre brf TERM "" "-f rxseq -n 20000" "-f txseq -n 20000 -l 3000"
has $T/seqz.rx.out '^Received 20000 packets 60000000 bytes' &&
	has $T/seqz.rx.out '^Lost 0 packets, 0 out of order$' &&
	has $T/seqz.rx.out '^Payload check: 20000 verified, 0 bad$'
result $? "zero-copy: 2-slot frames verified byte by byte"
[ $brrc -eq 0 ] &&
	has $T/seqz.br.out '^netmap:bre\{1 -> netmap:brf\{1: 20000 packets 60000000 bytes 40000 slots 0 dropped$'
result $? "zero-copy: chains counted as frames (40000 slots)"

# 4. the same in copy mode, small bursts
flow seqc brg brh TERM "-c -b 7" "-f rxseq -n 20000" "-f txseq -n 20000 -l 3000"
has $T/seqc.rx.out '^Received 20000 packets 60000000 bytes' &&
	has $T/seqc.rx.out '^Lost 0 packets, 0 out of order$' &&
	has $T/seqc.rx.out '^Payload check: 20000 verified, 0 bad$'
result $? "copy: 2-slot frames verified byte by byte"
[ $brrc -eq 0 ] &&
	has $T/seqc.br.out '^netmap:brg\{1 -> netmap:brh\{1: 20000 packets 60000000 bytes 40000 slots 0 dropped$'
result $? "copy: chains counted as frames (40000 slots)"

# 5. the other direction: B -> A
# (sender on brl}1, receiver on brk}1)
$BR -i 'netmap:brk{1' -i 'netmap:brl{1' -w 0 >$T/r.br.out 2>$T/r.br.err &
brpid=$!
sleep 1
$PG -i 'netmap:brk}1' -w 0 -f rxseq -n 10000 >$T/r.rx.out 2>$T/r.rx.err &
rxpid=$!
sleep 1
$PG -i 'netmap:brl}1' -w 0 -f txseq -n 10000 -l 1000 >$T/r.tx.out 2>$T/r.tx.err
wait $rxpid
kill -TERM $brpid
wait $brpid
brrc=$?
show $T/r.rx.out $T/r.br.out
[ $brrc -eq 0 ] &&
	has $T/r.rx.out '^Received 10000 packets 10000000 bytes' &&
	has $T/r.rx.out '^Payload check: 10000 verified, 0 bad$' &&
	has $T/r.br.out '^netmap:brl\{1 -> netmap:brk\{1: 10000 packets 10000000 bytes 10000 slots 0 dropped$' &&
	has $T/r.br.out '^netmap:brk\{1 -> netmap:brl\{1: 0 packets'
result $? "B -> A direction"

# 6. -L: one port looped back to itself (its RX rings to its TX rings)
$BR -L -i 'netmap:brn{1' -w 0 >$T/l.br.out 2>$T/l.br.err &
brpid=$!
sleep 1
$PG -i 'netmap:brn}1/R' -w 0 -f rxseq -n 10000 >$T/l.rx.out 2>$T/l.rx.err &
rxpid=$!
sleep 1
$PG -i 'netmap:brn}1/T' -w 0 -f txseq -n 10000 -l 200 >$T/l.tx.out 2>$T/l.tx.err
wait $rxpid
kill -TERM $brpid
wait $brpid
brrc=$?
show $T/l.rx.out $T/l.br.out
[ $brrc -eq 0 ] &&
	has $T/l.rx.out '^Received 10000 packets 2000000 bytes' &&
	has $T/l.rx.out '^Payload check: 10000 verified, 0 bad$' &&
	has $T/l.br.out '^netmap:brn\{1 -> netmap:brn\{1: 10000 packets 2000000 bytes 10000 slots 0 dropped$' &&
	[ "$(grep -c -- ' -> ' $T/l.br.out)" -eq 1 ]
result $? "-L loops a single port back to itself"
[ $brrc -eq 0 ] || show $T/l.br.err $T/l.rx.err $T/l.tx.err

# 7. a port that does not exist: exit 1 before forwarding
$BR -i 'netmap:nosuchif' -i 'netmap:brm{1' -w 0 >$T/bad.out 2>$T/bad.err
rc=$?
[ $rc -eq 1 ] && has $T/bad.err 'cannot open netmap:nosuchif'
result $? "unknown port: exit 1 with a message"
[ $rc -eq 1 ] || show $T/bad.out $T/bad.err

tap_end
