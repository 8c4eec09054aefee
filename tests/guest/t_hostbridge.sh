#!/bin/sh
# bridge between netmap:A and netmap:A^ (NIC rings and host rings of the
# first NIC of $NETMAP_NICS) keeps the host stack connected: ping from the
# stack to the second NIC, moved into a network namespace, works through the
# bridge, stops while the bridge is stopped, and works again after.
# busybox sh; bridge and iproute2 (/sbin/ip) in the guest; TAP output.

. "$(dirname "$0")/libtap.sh"

need_two_nics
set -- $NETMAP_NICS
A=$1
B=$2
NS=nmpeer
IP=/sbin/ip

if ! $IP netns add $NS 2>$T/ns.err; then
	show $T/ns.err
	echo "1..0 # SKIP no network namespaces in this kernel"
	exit 0
fi
$IP link set dev $B netns $NS &&
	$IP netns exec $NS $IP link set dev lo up &&
	$IP netns exec $NS $IP link set dev $B up &&
	$IP netns exec $NS $IP addr add 10.78.0.2/24 dev $B &&
	$IP link set dev $A up &&
	$IP addr add 10.78.0.1/24 dev $A
result $? "$B in namespace $NS as 10.78.0.2, $A as 10.78.0.1"

# ping_ok TRIES: one successful ping within TRIES attempts of 2 s each
ping_ok() {
	i=0
	while [ $i -lt $1 ]; do
		ping -c 1 -W 2 10.78.0.2 >$T/ping.out 2>&1 && return 0
		i=$((i + 1))
	done
	return 1
}

ping_ok 10
result $? "ping $B from the stack, no netmap"

bridge -i netmap:$A -i netmap:$A^ -w 1 >$T/bridge.out 2>&1 &
bpid=$!
sleep 3
ping_ok 5 && ping -c 3 -W 2 10.78.0.2 >$T/ping3.out 2>&1
st=$?
result $st "ping works through bridge netmap:$A <-> netmap:$A^"
[ $st -eq 0 ] || show $T/ping3.out $T/bridge.out

kill -STOP $bpid
$IP neigh flush dev $A
ping -c 2 -W 1 10.78.0.2 >$T/ping.stopped 2>&1
[ $? -ne 0 ]
result $? "no ping while the bridge is stopped (the NIC stays netmap's)"
kill -CONT $bpid
ping_ok 5
result $? "ping works again when the bridge continues"

kill $bpid
wait $bpid
ping_ok 5
result $? "ping works directly after the bridge exits"

$IP addr del 10.78.0.1/24 dev $A
$IP netns exec $NS $IP link set dev $B netns 1
$IP netns del $NS
[ -e /sys/class/net/$B ]
result $? "$B is back in the initial namespace"

tap_end
