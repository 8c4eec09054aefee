# Guest side of bench/native.sh (appended to tests/vm/pktgen-pair.sh and
# tests/guest/libnative.sh in /payload.sh).  Settings: REPS, COUNT, DRV
# (the driver module).  NICs: two of one model on a hub, driven by the
# netmap-enabled DRV from /lib/netmap; DRV=veth: a veth pair (one queue).
# Each run:
#   pkt-gen rx on B in the background, pkt-gen tx on A, admode 2
#   (emulated) or 1 (native); "vale": A native and attached to switch
#   valeNB, pkt-gen tx on port valeNB:s (the switch writes the frames into
#   A's TX rings) at the rate B received in the native run, in bursts of
#   32 (a VALE sender is never held back: what does not fit in the NIC's
#   TX ring is dropped, and 8139cp's holds 64 frames); then
#   @@cpu LABEL SIZE BUSY_TICKS PACKETS
#   @@irq LABEL INTERRUPTS SECONDS_CS
rmmod "$DRV" 2>/dev/null
insmod "/lib/netmap/$DRV.ko" || echo "@@bench no netmap-enabled $DRV"
sleep 2
if [ "$DRV" = veth ]; then
	/sbin/ip link add nba numtxqueues 1 numrxqueues 1 type veth peer name nbb \
		numtxqueues 1 numrxqueues 1
	set -- nba nbb
else
	set -- $(ls /sys/class/net | grep -v lo)
fi
A=$1
B=$2
# No IPv6 chatter (router solicitations) for the receivers to count.
for d in $A $B; do
	echo 1 >/proc/sys/net/ipv6/conf/$d/disable_ipv6
done
ip link set dev $A up
ip link set dev $B up
sleep 3
P=/sys/module/netmap/parameters/admode

pair_irqs() {	# interrupts of NICs A and B so far (irqs: libnative.sh)
	ia=$(irqs $A)
	ib=$(irqs $B)
	echo $((${ia:-0} + ${ib:-0}))
}

link_wait() {	# interface (carrier_wait: libnative.sh)
	carrier_wait $1 || echo "@@bench $1: no link after 10 s"
}

run() { # label admode [tx-port [pkt-gen tx options]]
	echo "$2" >$P
	tx=${3:-netmap:$A}
	txopt=${4:-}
	pkt-gen -i netmap:$B -f rx -n "$COUNT" -W >/tmp/rx.out 2>&1 &
	rx=$!
	sleep 1
	# Opening B in netmap mode may have reset it; the receiver reads its
	# ring once "Ready" (a VALE sender does not wait for links).
	link_wait $B
	t=0
	while ! grep -q Ready /tmp/rx.out && [ $t -lt 100 ]; do
		sleep 0.1
		t=$((t + 1))
	done
	echo "@@pg begin $1-tx size=60 side=tx"
	timeout -s INT -k 5 "$PAIR_TIMEOUT" pkt-gen -i $tx -f tx -n "$COUNT" -l 60 $txopt \
		>/tmp/tx.out 2>&1 &
	txp=$!
	# Opening netmap:A resets A (its interrupt vectors may be new, their
	# counts from 0), then pkt-gen waits 2 s for the link: count from here.
	case $tx in netmap:*) sleep 1 ;; esac
	c0=$(busy)
	i0=$(pair_irqs)
	t0=$(uptime_cs)
	wait $txp
	rc=$?
	cat /tmp/tx.out
	echo "@@pg end rc=$rc"
	wait $rx
	rc=$?
	t1=$(uptime_cs)
	i1=$(pair_irqs)
	c1=$(busy)
	echo "@@pg begin $1-rx size=60 side=rx"
	cat /tmp/rx.out
	echo "@@pg end rc=$rc"
	n=$(awk '/^Received/ { print $2 }' /tmp/rx.out)
	echo "@@cpu $1 60 $((c1 - c0)) ${n:-0}"
	echo "@@irq $1 $((i1 - i0)) $((t1 - t0))"
}

rep=1
while [ "$rep" -le "$REPS" ]; do
	echo "== repetition $rep of $REPS"
	run generic 2
	run native 1
	pps=$(awk '/^Received/ && $(NF - 1) > 0 { printf "%d", $2 / $(NF - 1) }' /tmp/rx.out)
	echo 1 >$P
	if [ "${pps:-0}" -gt 0 ] && vale-ctl -a valeNB:$A; then
		link_wait $A	# the attach reset the NIC: no TX before its link
		run vale 1 valeNB:s "-R $pps -b 32"
		vale-ctl -d valeNB:$A
	fi
	rep=$((rep + 1))
done
echo 0 >$P
ip link set dev $A down
ip link set dev $B down
rmmod "$DRV"
