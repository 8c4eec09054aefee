# Guest-side helpers (busybox sh) for payloads that measure packet rates;
# make-initramfs puts them into /payload.sh after the settings
# (PAIR_TIMEOUT, seconds per run).  Each run prints its output between
# "@@pg begin LABEL size=S side=tx|rx" and "@@pg end rc=N"; the host reads
# the rates with pktgen-rates.awk.

: "${PAIR_TIMEOUT:=300}"

# Guest CPU ticks spent so far (user+nice+system+irq+softirq, USER_HZ), and
# the uptime in centiseconds: for CPU time per packet.
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
uptime_cs() { awk '{ split($1, a, "."); print a[1] * 100 + a[2] }' /proc/uptime; }

# pkt-gen tx -> rx over netmap pipe 1: the receiver runs in the background
# and stops by itself after COUNT packets.
pair_run() { # label size count [pkt-gen options]
	label=$1 size=$2 count=$3
	shift 3
	pkt-gen -i 'netmap:pipe{1' -f rx -n "$count" -l "$size" "$@" >/tmp/rx.out 2>&1 &
	rx=$!
	sleep 1
	echo "@@pg begin $label size=$size side=tx"
	timeout -s INT -k 5 "$PAIR_TIMEOUT" pkt-gen -i 'netmap:pipe}1' -f tx -n "$count" -l "$size" "$@" 2>&1
	echo "@@pg end rc=$?"
	t=0
	while kill -0 $rx 2>/dev/null && [ $t -lt 10 ]; do
		sleep 1
		t=$((t + 1))
	done
	kill -INT $rx 2>/dev/null && sleep 2 && kill -KILL $rx 2>/dev/null
	wait $rx
	rc=$?
	echo "@@pg begin $label size=$size side=rx"
	cat /tmp/rx.out
	echo "@@pg end rc=$rc"
}

# Linux's in-kernel pktgen on dummy0 (modules pktgen and dummy loaded).
linux_pktgen_run() { # label size count
	label=$1 size=$2 count=$3 pg=/proc/net/pktgen
	ip link set dummy0 up
	echo "rem_device_all" >$pg/kpktgend_0
	echo "add_device dummy0" >$pg/kpktgend_0
	for cmd in "count $count" "pkt_size $size" "delay 0" "clone_skb 0" \
		"dst 10.1.0.1" "dst_mac 02:00:00:00:00:01"; do
		echo "$cmd" >$pg/dummy0
	done
	echo "@@pg begin $label size=$size side=tx"
	timeout -s KILL "$PAIR_TIMEOUT" sh -c "echo start >$pg/pgctrl"
	rc=$?
	grep -A1 'Result:' $pg/dummy0
	echo "@@pg end rc=$rc"
}
