#!/bin/sh
# The generic (emulated) adapter on real network devices: two NICs on one
# QEMU hub ($NETMAP_NICS, set by the harness), pkt-gen between them with
# exact counts and sequence/payload checks, device down/up while open,
# open/close cycles, and a veth pair removed while its port is polled.
# busybox sh; pkt-gen in $PATH; TAP output.

. "$(dirname "$0")/libtap.sh"

need_two_nics
set -- $NETMAP_NICS
A=$1
B=$2

wait_carrier() {	# wait_carrier IF: up to 10 s
	i=0
	while [ "$(cat /sys/class/net/$1/carrier 2>/dev/null)" != 1 ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(cat /sys/class/net/$1/carrier 2>/dev/null)" = 1 ]
}

# The paced rate the emulated link carries without loss: the debug kernel
# (KASAN, kmemleak) is slow enough in its NIC receive path that QEMU's e1000
# overruns its 256 descriptors at 3000 pps now and then.
if [ -e /sys/kernel/debug/kmemleak ]; then
	N=3000 R=1000
else
	N=10000 R=3000
fi
BYTES=$((N * 60))

# frames_ok N RXOUT DEV DROPS0: pkt-gen received the N frames, but for those
# DEV itself counted as dropped since DROPS0 (none on a healthy run: then the
# count is exact). Sets got and ooo (frames that came late: QEMU's hub and
# NIC models, under load, now and then deliver one after its successor; the
# emulated adapter keeps each ring FIFO, and the pipe and native tests
# check order strictly).
frames_ok() {
	got=$(awk '/^Received/ { print $2 }' $2)
	got=${got:-0}
	ooo=$(awk '/^Lost/ { print $4 }' $2)
	ooo=${ooo:-0}
	drops=$(($(nicdrops $3) - $4))
	[ $got -gt 0 ] && [ $(($1 - got)) -le $drops ]
}

# Room for a receiver the (TCG, debug) guest does not schedule for a while:
# at the paced rates below a 2048-slot ring covers a stall of 0.7 s.
P=/sys/module/netmap/parameters/generic_ringsize
old_ringsize=$(cat $P)
echo 2048 >$P

# pair NAME RX_ARGS... -- TX_ARGS...: pkt-gen receiver, then the sender; the
# receiver (told the count with -n) gets 15 s after the sender is done, then
# SIGTERM makes it report what it has. (Not -W: a debug guest can stall for
# more than its idle second mid-run, which ended the receiver early.)
pair() {
	name=$1
	shift
	rxargs=
	while [ "$1" != "--" ]; do
		rxargs="$rxargs $1"
		shift
	done
	shift
	timeout 60 pkt-gen $rxargs >$T/$name.rx 2>&1 &
	rxpid=$!
	sleep 2
	timeout 60 pkt-gen "$@" >$T/$name.tx 2>&1
	txrc=$?
	i=0
	while kill -0 $rxpid 2>/dev/null && [ $i -lt 150 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -TERM $rxpid 2>/dev/null
	wait $rxpid
	rxrc=$?
}

# traffic A B: both ways between two NICs of the hub
traffic() {
	A=$1
	B=$2
	ip link set dev $A up && ip link set dev $B up
	wait_carrier $A && wait_carrier $B
	result $? "$A and $B have carrier"

	# 1. 60-byte frames A -> B, paced to what the emulated link carries
	d0=$(nicdrops $B)
	pair basic -i netmap:$B -f rx -n $N -w 0 -- -i netmap:$A -f tx -n $N -R $R -w 0
	has $T/basic.tx "^Sent $N packets $BYTES bytes" && [ $txrc -eq 0 ]
	result $? "tx $N frames on netmap:$A at $R pps"
	frames_ok $N $T/basic.rx $B $d0
	st=$?
	result $st "rx on netmap:$B: $got of $N ($ooo late), the $((N - got)) others dropped by $B itself"
	[ $st -eq 0 ] || show $T/basic.tx $T/basic.rx

	# 2. mixed sizes up to the MTU, every payload byte checked, B -> A
	d0=$(nicdrops $A)
	pair mixed -i netmap:$A -f rxseq -n 3000 -w 0 -- \
		-i netmap:$B -f txseq -n 3000 -l 1514 -l 60 -R $R -w 0
	frames_ok 3000 $T/mixed.rx $A $d0 &&
		has $T/mixed.rx "^Payload check: $got verified, 0 bad$"
	st=$?
	result $st "mixed sizes 60..1514 $B -> $A: $got of 3000 verified byte by byte ($ooo late), the others dropped by $A itself"
	[ $st -eq 0 ] || show $T/mixed.tx $T/mixed.rx
}

traffic $1 $2
A=$1
B=$2

# 2b. straight to the driver queue, bypassing the qdisc (generic_txqdisc=0)
Q=/sys/module/netmap/parameters/generic_txqdisc
echo 0 >$Q
pair direct -i netmap:$B -f rx -n 3000 -w 0 -- -i netmap:$A -f tx -n 3000 -R $R -w 0
echo 1 >$Q
has $T/direct.rx '^Received 3000 packets 180000 bytes' &&
	has $T/direct.rx '^Lost 0 packets, 0 out of order$' && [ $txrc -eq 0 ]
st=$?
result $st "generic_txqdisc=0: 3000 frames $A -> $B, none lost"
[ $st -eq 0 ] || show $T/direct.tx $T/direct.rx

# 3. the receiver's device goes down and up while its port is open
timeout 60 pkt-gen -i netmap:$B -f rx -n 2000 -w 0 >$T/du.rx 2>&1 &
rxpid=$!
sleep 2
ip link set dev $B down
sleep 1
ip link set dev $B up
wait_carrier $B
sleep 2
timeout 60 pkt-gen -i netmap:$A -f tx -n 2000 -R 5000 -w 0 >$T/du.tx 2>&1
wait $rxpid
rxrc=$?
has $T/du.rx '^Received 2000 packets' && [ $rxrc -eq 0 ]
st=$?
result $st "traffic flows after $B went down and up while open"
[ $st -eq 0 ] || show $T/du.tx $T/du.rx

# 4. 20 open/close cycles on each device
bad=0
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	for d in $NETMAP_NICS; do
		ip link set dev $d up
		timeout 30 pkt-gen -i netmap:$d -f tx -n 10 -w 0 >$T/cyc 2>&1 || bad=$((bad + 1))
	done
done
result $bad "20 open/close cycles on each of $NETMAP_NICS"

# 5. a veth pair removed while its port is open and polled
if /sbin/ip link add nmva type veth peer name nmvb 2>$T/veth.err; then
	ip link set dev nmva up
	ip link set dev nmvb up
	timeout 30 pkt-gen -i netmap:nmva -f rx -w 0 >$T/veth.rx 2>&1 &
	rxpid=$!
	sleep 2
	/sbin/ip link del nmva
	wait $rxpid
	rc=$?
	# pkt-gen sees POLLERR and exits with an error; 124 would mean it hung
	[ $rc -ne 124 ] && [ $rc -ne 143 ]
	result $? "port of a removed veth ends (pkt-gen rc $rc)"
	[ ! -e /sys/class/net/nmvb ]
	result $? "the veth pair is gone"
else
	show $T/veth.err
	result 1 "create a veth pair (needs iproute2 ip)"
fi

# 5b. MTU raised to 9000 while the ports are open: 9000-byte frames cross a
# veth pair as multi-slot packets (NS_MOREFRAG), every byte checked
if /sbin/ip link add nmja type veth peer name nmjb 2>$T/veth2.err; then
	# no IPv6 chatter from the stack on the new link
	for d in nmja nmjb; do
		f=/proc/sys/net/ipv6/conf/$d/disable_ipv6
		[ -w $f ] && echo 1 >$f
	done
	ip link set dev nmja up
	ip link set dev nmjb up
	timeout 60 pkt-gen -i netmap:nmjb -f rxseq -n 2000 -w 0 >$T/jumbo.rx 2>&1 &
	rxpid=$!
	sleep 2
	ip link set dev nmja mtu 9000 && ip link set dev nmjb mtu 9000
	timeout 60 pkt-gen -i netmap:nmja -f txseq -n 2000 -l 9000 -l 60 -R 2000 -w 0 \
		>$T/jumbo.tx 2>&1
	wait $rxpid
	has $T/jumbo.rx '^Received 2000 packets' &&
		has $T/jumbo.rx '^Lost 0 packets, ' &&
		has $T/jumbo.rx '^Payload check: 2000 verified, 0 bad$'
	st=$?
	result $st "MTU 9000 set while open: frames up to 9000 bytes over veth, verified"
	[ $st -eq 0 ] || show $T/jumbo.tx $T/jumbo.rx
	/sbin/ip link del nmja
else
	show $T/veth2.err
	result 1 "create a second veth pair"
fi

# 6. the next NIC pair on the hub (e.g. two rtl8139), alone on the wire:
# the first pair goes down (QEMU keeps what reaches a stopped NIC for it, so
# the first pair's tests are done by now).
if [ $# -ge 4 ]; then
	ip link set dev $1 down
	ip link set dev $2 down
	traffic $3 $4
	ip link set dev $3 down
	ip link set dev $4 down
	ip link set dev $1 up
	ip link set dev $2 up
fi

echo "$old_ringsize" >$P
tap_end
