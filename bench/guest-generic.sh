# Guest side of bench/generic.sh (appended to tests/vm/pktgen-pair.sh in
# /payload.sh).  Settings: REPS, COUNT.  NICs: $NETMAP_NICS = A (virtio-net)
# and B (e1000) on one QEMU hub; Linux's pktgen module is loaded.
# Each run is an "@@pg" block (rates) followed by
#   @@cpu LABEL SIZE BUSY_TICKS PACKETS
# where BUSY_TICKS are the guest's user+nice+system+irq+softirq ticks
# (USER_HZ) over the run.  Configurations are interleaved.
set -- $NETMAP_NICS
A=$1
B=$2
PG=/proc/net/pktgen
ip link set dev $A up
ip link set dev $B up
sleep 3
MAC_B=$(cat /sys/class/net/$B/address)


# Linux pktgen on $A: COUNT 60-byte frames to B's MAC, as fast as it goes.
kpktgen_setup() {
	echo "rem_device_all" >$PG/kpktgend_0
	echo "add_device $A" >$PG/kpktgend_0
	for cmd in "count $COUNT" "pkt_size 60" "delay 0" "clone_skb 0" \
		"dst 10.1.0.1" "dst_mac $MAC_B"; do
		echo "$cmd" >$PG/$A
	done
}

generic_tx() {
	c0=$(busy)
	echo "@@pg begin generic-tx size=60 side=tx"
	timeout -s INT -k 5 "$PAIR_TIMEOUT" pkt-gen -i netmap:$A -f tx -n "$COUNT" -l 60 -D "$MAC_B" 2>&1
	echo "@@pg end rc=$?"
	echo "@@cpu generic-tx 60 $(($(busy) - c0)) $COUNT"
}

linux_tx() {
	kpktgen_setup
	c0=$(busy)
	echo "@@pg begin linux-tx size=60 side=tx"
	timeout -s KILL "$PAIR_TIMEOUT" sh -c "echo start >$PG/pgctrl"
	rc=$?
	grep -A1 'Result:' $PG/$A
	echo "@@pg end rc=$rc"
	echo "@@cpu linux-tx 60 $(($(busy) - c0)) $COUNT"
}

# Linux pktgen sends; B receives with netmap (generic) or with the stack.
generic_rx() {
	kpktgen_setup
	pkt-gen -i netmap:$B -f rx -n "$COUNT" -W >/tmp/grx.out 2>&1 &
	rx=$!
	sleep 1
	c0=$(busy)
	timeout -s KILL "$PAIR_TIMEOUT" sh -c "echo start >$PG/pgctrl"
	wait $rx
	rc=$?
	c1=$(busy)
	echo "@@pg begin generic-rx size=60 side=rx"
	cat /tmp/grx.out
	echo "@@pg end rc=$rc"
	n=$(awk '/^Received/ { print $2 }' /tmp/grx.out)
	echo "@@cpu generic-rx 60 $((c1 - c0)) ${n:-0}"
}

linux_rx() {
	kpktgen_setup
	r0=$(cat /sys/class/net/$B/statistics/rx_packets)
	c0=$(busy)
	t0=$(uptime_cs)
	timeout -s KILL "$PAIR_TIMEOUT" sh -c "echo start >$PG/pgctrl"
	sleep 1		# what is still in flight
	t1=$(uptime_cs)
	c1=$(busy)
	n=$(($(cat /sys/class/net/$B/statistics/rx_packets) - r0))
	echo "@@pg begin linux-rx size=60 side=rx"
	awk -v n=$n -v cs=$((t1 - t0 - 100)) \
		'BEGIN { printf "Received %d packets %d bytes in %.2f seconds.\n", n, n * 60, cs / 100 }'
	echo "@@pg end rc=0"
	echo "@@cpu linux-rx 60 $((c1 - c0)) $n"
}

rep=1
while [ "$rep" -le "$REPS" ]; do
	echo "== repetition $rep of $REPS"
	generic_tx
	linux_tx
	generic_rx
	linux_rx
	rep=$((rep + 1))
done
