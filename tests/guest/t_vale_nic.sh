#!/bin/sh
# NICs attached to VALE switches with vale-ctl (ABI.md §6.8, §6.9, §14):
# a veth end attached (emulated adapter with the distribution's veth, then
# native with ours) carries pkt-gen's frames between a switch port and the
# pair's other end both ways, exact counts, in order, payloads verified;
# netmap fds get EBUSY on an attached NIC; a second attach is refused;
# detach and attach again while traffic flows; the host stack attached
# (-h) pings through the switch into a netns; a persistent port and a NIC
# on one switch; polling threads (vale-ctl -p/-P, their errors); a NIC
# deleted while attached (detached by the switch); the hub's first NIC pair.
# busybox sh, iproute2; TAP output.

. "$(dirname "$0")/libtap.sh"
. "$(dirname "$0")/libnative.sh"

IP=/sbin/ip

mkpair() {	# mkpair A B: a veth pair, up, without IPv6 chatter
	$IP link add $1 type veth peer name $2 || return 1
	for d in $1 $2; do
		f=/proc/sys/net/ipv6/conf/$d/disable_ipv6
		[ -w $f ] && echo 1 >$f
		$IP link set dev $d up
	done
}

# flow NAME RX TX COUNT RATE WHAT: COUNT frames from port TX reach port RX
# (pkt-gen txseq/rxseq: in order, every payload byte checked). The sender
# is pinned to CPU 0: a veth hands frames to the stack of its peer through
# the backlog of the sending CPU, and a sender that moved between CPUs
# could have its frames overtake each other there.
flow() {
	name=$1 rx=$2 tx=$3 cnt=$4 rate=$5
	timeout 90 pkt-gen -i $rx -f rxseq -n $cnt -w 0 >$T/$name.rx 2>&1 &
	fpid=$!
	wait_open $T/$name.rx
	timeout 90 pkt-gen -i $tx -f txseq -n $cnt -R $rate -a 0 -w 0 >$T/$name.tx 2>&1
	wait $fpid
	has $T/$name.rx "^Received $cnt packets" &&
		has $T/$name.rx '^Lost 0 packets, 0 out of order$' &&
		has $T/$name.rx "^Payload check: $cnt verified, 0 bad\$"
	st=$?
	result $st "$6"
	[ $st -eq 0 ] || show $T/$name.tx $T/$name.rx
}

vc() {	# vc ARGS...: vale-ctl, output in $T/vc
	vale-ctl "$@" >$T/vc 2>&1
}

# attached_suite SW KIND: nva attached to switch SW, traffic both ways
attached_suite() {
	sw=$1 kind=$2
	vc -a $sw:nva
	result $? "$kind: vale-ctl -a $sw:nva"
	vc && has $T/vc "^$sw:nva bridge_idx [0-9]+ port_idx 0\$"
	result $? "$kind: the switch lists $sw:nva as port 0"
	timeout 10 pkt-gen -i netmap:nva -f rx -n 1 -w 0 >$T/busy 2>&1
	rc=$?
	[ $rc -ne 0 ] && [ $rc -ne 124 ] && has $T/busy 'Device or resource busy'
	result $? "$kind: netmap:nva is busy while attached (EBUSY)"
	vc -a $sw:nva
	[ $? -eq 1 ] && has $T/vc "^failed to attach $sw:nva: Device or resource busy\$"
	result $? "$kind: a second attach fails with EBUSY"
	flow s2n netmap:nvb $sw:p 5000 2000 "$kind: 5000 frames $sw:p -> NIC nva -> nvb"
	flow n2s $sw:p netmap:nvb 5000 2000 "$kind: 5000 frames nvb -> NIC nva -> $sw:p"
}

# 1. emulated adapter (the distribution's veth)
mkpair nva nvb
attached_suite valeG emulated

# 2. detach and attach again while frames flow valeG:p -> nvb
timeout 60 pkt-gen -i netmap:nvb -f rx -w 0 >$T/live.rx 2>&1 &
lrx=$!
wait_open $T/live.rx
timeout 60 pkt-gen -i valeG:p -f tx -n 40000 -R 4000 -w 0 >$T/live.tx 2>&1 &
ltx=$!
sleep 2
vc -d valeG:nva
result $? "vale-ctl -d valeG:nva while frames flow"
sleep 1
vc -a valeG:nva
result $? "vale-ctl -a valeG:nva again while frames flow"
sleep 2
kill -TERM $ltx $lrx 2>/dev/null
wait $ltx
wait $lrx
got=$(awk '/^Received/ { print $2 }' $T/live.rx)
[ "${got:-0}" -gt 0 ]
result $? "frames reached nvb around the detach and attach (${got:-0})"
flow again netmap:nvb valeG:p 2000 2000 "after that 2000 frames valeG:p -> nvb, none lost"
vc -d valeG:nva
result $? "vale-ctl -d valeG:nva"
vc -d valeG:nva
[ $? -eq 1 ] && has $T/vc '^failed to detach valeG:nva: No such device or address$'
result $? "detaching it again fails with ENXIO"
flow free netmap:nvb netmap:nva 1000 2000 "detached: netmap:nva is usable by fds again"

# 3. native veth
$IP link del nva
swap_driver veth /lib/netmap/veth.ko
mkpair nva nvb
attached_suite valeN native

# 3b. polling threads on the attached NIC (the guest has 2 CPUs)
fails() {	# fails ERRTEXT WHAT ARGS...: vale-ctl ARGS fails with ERRTEXT
	e=$1 w=$2
	shift 2
	vc "$@"
	[ $? -eq 1 ] && has $T/vc ": $e\$"
	result $? "$w"
}
pollers() { grep -l '^nm-poll/' /proc/[0-9]*/comm 2>/dev/null | wc -l; }
fails 'Invalid argument' "polling with 2 threads on 2 CPUs: EINVAL" -p valeN:nva -C 1,0,2
vc -g nva
R=$(awk '/^rx_rings:/ { print $2 }' $T/vc)
fails 'Invalid argument' "polling ring ${R:-?} of a ${R:-?}-ring NIC: EINVAL" -p valeN:nva -C 1,${R:-0},1
fails 'Invalid argument' "single-CPU polling on CPU 7 (offline): EINVAL" -p valeN:nva -C 0,7
fails 'Invalid argument' "single-CPU polling with 2 threads: EINVAL" -p valeN:nva -C 0,1,2
fails 'Bad address' "-P before -p: EFAULT (not polling)" -P valeN:nva
fails 'No such device or address' "-p of a port not attached: ENXIO" -p valeN:nvb -C 0,1
vc -p valeN:nva -C 0,1
result $? "vale-ctl -p valeN:nva -C 0,1 (one thread on CPU 1)"
[ "$(pollers)" -eq 1 ]
result $? "one nm-poll thread runs"
fails 'Bad address' "a second -p: EFAULT (already polling)" -p valeN:nva -C 0,1
fails 'Device or resource busy' "-d while polling: EBUSY" -d valeN:nva
flow poll valeN:p netmap:nvb 5000 2000 "polling: 5000 frames nvb -> NIC nva -> valeN:p"
flow pollo netmap:nvb valeN:p 3000 2000 "polling: 3000 frames valeN:p -> NIC nva -> nvb"
vc -P valeN:nva
result $? "vale-ctl -P valeN:nva"
[ "$(pollers)" -eq 0 ]
result $? "the thread is gone"
vc -p valeN:nva -C 1,0,1
result $? "vale-ctl -p valeN:nva -C 1,0,1 (multi-CPU mode, ring 0 on CPU 0)"
flow pollm valeN:p netmap:nvb 3000 2000 "multi-CPU polling: 3000 frames nvb -> valeN:p"
vc -P valeN:nva
result $? "vale-ctl -P valeN:nva"
flow unpoll valeN:p netmap:nvb 2000 2000 "notifications again: 2000 frames nvb -> valeN:p"
vc -d valeN:nva
result $? "native: vale-ctl -d valeN:nva"

# 4. a persistent port and a NIC on one switch
vc -n nmv5 && vc -a valeV:nmv5 && vc -a valeV:nva
result $? "vale-ctl -n nmv5, -a valeV:nmv5, -a valeV:nva"
flow vif netmap:nvb netmap:nmv5 3000 2000 "3000 frames persistent port nmv5 -> NIC nva -> nvb"
vc -r nmv5
[ $? -eq 1 ] && has $T/vc '^failed to delete nmv5: Device or resource busy$'
result $? "vale-ctl -r nmv5 while attached fails with EBUSY"
fails 'Operation not supported' "-p of a persistent port: EOPNOTSUPP" -p valeV:nmv5 -C 0,1
vc -d valeV:nva && vc -d valeV:nmv5 && vc -r nmv5 && [ ! -e /sys/class/net/nmv5 ]
result $? "detach both, vale-ctl -r nmv5: the interface is gone"

# 5. the host stack attached: ping through the switch into a netns
NS=nmvale
if $IP netns add $NS 2>/dev/null; then
	$IP link set dev nvb netns $NS &&
		$IP netns exec $NS $IP link set dev nvb up &&
		$IP netns exec $NS $IP addr add 10.82.0.2/24 dev nvb &&
		$IP addr add 10.82.0.1/24 dev nva
	vc -h valeH:nva
	result $? "vale-ctl -h valeH:nva (NIC and host stack)"
	vc && has $T/vc '^valeH:nva bridge_idx [0-9]+ port_idx 0$' &&
		has $T/vc '^valeH:nva\^ bridge_idx [0-9]+ port_idx 1$'
	result $? "the switch lists valeH:nva and valeH:nva^"
	ok=1
	for i in 1 2 3 4 5; do
		ping -c 1 -W 2 10.82.0.2 >/dev/null 2>&1 && ok=0 && break
	done
	[ $ok -eq 0 ] && ping -c 5 -i 0.2 -W 2 10.82.0.2 >$T/ping 2>&1 &&
		has $T/ping ' 5 packets received'
	st=$?
	result $st "ping stack -> valeH:nva^ -> valeH:nva -> netns, 5 of 5"
	[ $st -eq 0 ] || show $T/ping
	vc -d valeH:nva^
	[ $? -eq 1 ] && has $T/vc 'Invalid argument'
	result $? "detaching the host port alone is refused (EINVAL)"
	vc -d valeH:nva
	result $? "vale-ctl -d valeH:nva"
	ping -c 2 -W 2 10.82.0.2 >$T/ping 2>&1
	result $? "after detach the stack pings without the switch"
	$IP netns del $NS
	sleep 1
else
	echo "# no network namespaces: host stack test skipped"
fi

# 6. a NIC deleted while attached and fed: the switch lets go of it by itself
$IP link del nva 2>/dev/null
mkpair nva nvb
vc -a valeD:nva
result $? "vale-ctl -a valeD:nva"
timeout 30 pkt-gen -i valeD:p -f tx -n 20000 -R 4000 -w 0 >/dev/null 2>&1 &
dtx=$!
sleep 1
timeout 20 $IP link del nva
result $? "ip link del nva while attached and fed"
gone=1 i=0
while [ $i -lt 100 ]; do
	vc
	has $T/vc '^valeD:nva ' || { gone=0; break; }
	sleep 0.1
	i=$((i + 1))
done
result $gone "the switch no longer lists valeD:nva"
vc -d valeD:nva
[ $? -eq 1 ] && has $T/vc '^failed to detach valeD:nva: No such device or address$'
result $? "detaching it fails with ENXIO: it is detached already"
wait $dtx
mkpair nva nvb
vc -a valeD:nva && vc -d valeD:nva
result $? "a new nva attaches and detaches"
restore_driver veth

# 7. the hub's first NIC pair (native where the driver is ours)
set -- $NETMAP_NICS
if [ $# -ge 2 ]; then
	A=$1 B=$2
	$IP link set dev $A up && $IP link set dev $B up
	sleep 2
	vc -a valeE:$A
	result $? "vale-ctl -a valeE:$A"
	flow e2b netmap:$B valeE:p 2000 1000 "2000 frames valeE:p -> NIC $A -> hub -> $B"
	flow b2e valeE:p netmap:$B 2000 1000 "2000 frames $B -> hub -> NIC $A -> valeE:p"
	vc -d valeE:$A
	result $? "vale-ctl -d valeE:$A"
fi
tap_end
