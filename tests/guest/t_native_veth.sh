#!/bin/sh
# Native mode on veth (patched by configure --drivers=veth, in /lib/netmap):
# a pair nva/nvb attaches (one ring pair of 1024 slots, two with two
# queues); exact counts, in order, between a native end and an emulated
# one both ways and between two native ends (mixed sizes byte-checked,
# 9000-byte frames as NS_MOREFRAG slots, an unpaced run that loses nothing:
# a full peer ring holds the sender back); the stack of a native end takes
# none of the frames; down/up while open; ethtool -L refused while netmap
# has the device; the host-ring test program on the pair; the device
# deleted while a port is polled; ping through the pair after close. The
# distribution's veth goes back at the end. busybox sh, iproute2, ethtool.

. "$(dirname "$0")/libtap.sh"
. "$(dirname "$0")/libnative.sh"

if [ ! -f /lib/netmap/veth.ko ]; then
	echo "1..0 # SKIP no netmap-enabled veth for this kernel"
	exit 0
fi
IP=/sbin/ip

quiet() { # no IPv6 chatter from the stack on these links
	for d in "$@"; do
		f=/proc/sys/net/ipv6/conf/$d/disable_ipv6
		[ -w $f ] && echo 1 >$f
	done
}

swap_driver veth /lib/netmap/veth.ko
# One queue each way (veth's default is one per CPU): one ring pair, FIFO.
$IP link add nva numtxqueues 1 numrxqueues 1 type veth peer name nvb \
	numtxqueues 1 numrxqueues 1
result $? "create the veth pair nva/nvb"
quiet nva nvb
ip link set dev nva up && ip link set dev nvb up
dmesg | grep -q "nva: native mode available (1/1 rings, 1024/1024 slots)"
result $? "nva attached for native mode (one ring pair of 1024 slots)"

# Native end against an emulated one, both ways, then native to native.
pair_traffic nva 1 nvb 2 5000 "native tx: 5000 frames from netmap:nva, all in order on nvb (emulated)"
s0=$(stack_rx)
pair_traffic nvb 2 nva 1 5000 "native rx: 5000 frames from nvb (emulated), all in order on netmap:nva"
s1=$(stack_rx)
[ $((s1 - s0)) -lt 100 ]
result $? "the host stack took none of them ($((s1 - s0)) frames in all)"
pair_traffic nvb 1 nva 1 5000 "native to native: 5000 frames, all in order"
pair_traffic nva 1 nvb 2 2000 "native tx, sizes 60..1514: every byte verified" seq -l 1514 -l 60
pair_traffic nvb 2 nva 1 2000 "native rx, sizes 60..1514: every byte verified" seq -l 1514 -l 60
pair_traffic nva 1 nvb 1 2000 "native to native, sizes 60..1514: every byte verified" seq -l 1514 -l 60

# unpaced TX RX LOST WHAT: 100000 frames as fast as pkt-gen goes from
# netmap:TX to netmap:RX (both native); RX's "Lost" line must match LOST.
unpaced() {
	admode 1
	timeout 120 pkt-gen -i netmap:$2 -f rxseq -n 100000 -w 0 >$T/frx 2>&1 &
	rxpid=$!
	wait_open $T/frx
	timeout 120 pkt-gen -i netmap:$1 -f txseq -n 100000 -w 0 >$T/ftx 2>&1
	wait $rxpid
	has $T/frx '^Received 100000 packets' && has $T/frx "$3" &&
		has $T/frx '^Payload check: 100000 verified, 0 bad$'
	st=$?
	result $st "$4"
	[ $st -eq 0 ] || show $T/ftx $T/frx
	admode 0
}

# Unpaced between two native ends: the sender waits for room, nothing lost.
unpaced nva nvb '^Lost 0 packets, 0 out of order$' \
	"native to native unpaced: 100000 frames, none lost, all verified"

# 9000-byte frames: NS_MOREFRAG slots, native to native and to the stack.
ip link set dev nva mtu 9000 && ip link set dev nvb mtu 9000
pair_traffic nva 1 nvb 1 1000 "MTU 9000, native to native: multi-slot frames verified" seq -l 9000 -l 60
pair_traffic nvb 1 nva 2 1000 "MTU 9000, native to emulated: multi-slot frames verified" seq -l 9000 -l 60
pair_traffic nva 2 nvb 1 1000 "MTU 9000, emulated to native: multi-slot frames verified" seq -l 9000 -l 60
ip link set dev nva mtu 1500 && ip link set dev nvb mtu 1500

down_up_traffic nvb 2 nva 1 1000
down_up_traffic nvb 1 nva 1 1000
admode 0

# Host rings, transparent mode, VLANs, close while polled: nva native, its
# peer emulated.
host_ring_checks nva nvb

# Two queues: two ring pairs; ethtool -L waits for netmap to let go.
$IP link add nqa numtxqueues 2 numrxqueues 2 type veth peer name nqb \
	numtxqueues 2 numrxqueues 2
quiet nqa nqb
ip link set dev nqa up && ip link set dev nqb up
dmesg | grep -q "nqa: native mode available (2/2 rings, 1024/1024 slots)"
result $? "a two-queue veth has two ring pairs"
admode 1
timeout 30 pkt-gen -i netmap:nqa -f rx -n 1000000 >$T/bg 2>&1 &
bg=$!
wait_open $T/bg
ethtool -L nqa rx 1 tx 1 >$T/eth 2>&1
st=$?
kill $bg
wait $bg
[ $st -ne 0 ]
result $? "ethtool -L is refused while netmap:nqa is open"
[ $st -ne 0 ] || show $T/eth
ethtool -L nqa rx 1 tx 1 >$T/eth 2>&1
result $? "ethtool -L works again after close"
# Unpaced over two ring pairs: each ring stays in order, nothing is lost.
ethtool -L nqa rx 2 tx 2 >/dev/null 2>&1
unpaced nqa nqb '^Lost 0 packets, ' \
	"two ring pairs, native to native unpaced: 100000 frames, none lost"
$IP link del nqa

# The device deleted while a native port is polled: the port ends.
admode 1
timeout 30 pkt-gen -i netmap:nva -f rx -w 0 >$T/del 2>&1 &
rxpid=$!
wait_open $T/del
$IP link del nva
wait $rxpid
rc=$?
[ $rc -ne 124 ] && [ $rc -ne 143 ]
result $? "the port of a deleted native veth ends (pkt-gen rc $rc)"
[ ! -e /sys/class/net/nvb ]
result $? "the pair is gone"
admode 0

# After close the stack has the pair again: ping through it into a netns.
NS=nmveth
$IP link add nva type veth peer name nvb
if $IP netns add $NS 2>/dev/null; then
	admode 1
	timeout 30 pkt-gen -i netmap:nva -f tx -n 100 -R 100 -w 0 >/dev/null 2>&1
	admode 0
	$IP link set dev nvb netns $NS &&
		$IP netns exec $NS $IP link set dev nvb up &&
		$IP netns exec $NS $IP addr add 10.79.1.2/24 dev nvb &&
		$IP addr add 10.79.1.1/24 dev nva && ip link set dev nva up
	ok=1
	for i in 1 2 3 4 5; do
		ping -c 1 -W 2 10.79.1.2 >/dev/null 2>&1 && ok=0 && break
	done
	result $ok "after close the stack pings through nva"
	$IP netns del $NS
else
	echo "# no network namespaces: ping skipped"
fi
$IP link del nva 2>/dev/null

restore_driver veth
tap_end
