# Helpers of the native-driver guest tests (t_native_*.sh), sourced after
# libtap.sh (busybox sh):
#   nic_macs MODEL           MAC addresses of the guest's NICs of that QEMU model
#   ifname MAC               interface name with that MAC (names change when a
#                            driver is reloaded)
#   carrier_wait DEV         up to 10 s for DEV's link (after a reset);
#                            false if it did not come
#   irq_result ST WHAT       result ST WHAT about interrupt counts, with
#                            /proc/interrupts shown when it fails
#   irqs DEV                 interrupts of DEV so far, all CPUs (lines named
#                            DEV, or after its device: virtio0-input.0...)
#   stack_rx                 frames the host stack took from all NICs so far
#                            (netif_receive_skb, /proc/net/softnet_stat)
#   swap_driver MOD KO       unload the distribution's MOD, load KO in its place
#   restore_driver MOD       unload ours, load the distribution's again
#   admode N                 netmap's admode parameter (1 native, 2 emulated)
#   pair_traffic TX TXMODE RX RXMODE N WHAT [seq] [pkt-gen tx args]
#                            pkt-gen rx on netmap:RX (opened with admode RXMODE)
#                            and tx of N frames on netmap:TX (admode TXMODE),
#                            1000 pps; one result: N frames received, none
#                            lost or out of order ("seq": txseq/rxseq, every
#                            payload verified)
#   traffic_across TX TXMODE RX RXMODE RATE WHAT CMD...
#                            2000 frames arrive at netmap:RX, open all along:
#                            1000 sent before CMD runs, 1000 after
#   down_up_traffic TX TXMODE RX RXMODE RATE
#                            the same across RX going down and up
#   pm_cycle                 every device suspended and resumed (pm_test)
#   suspend_traffic TX TXMODE RX RXMODE RATE
#                            traffic_across a pm_cycle (skipped without pm_test)
#   host_ring_checks NATIVE PEER
#                            the host-ring test program (t_host) on the pair
#   vale_polling NATIVE PEER [noirqcount|-] [PEER_ADMODE] [RATE]
#                            NATIVE attached to switch valeP with a polling
#                            thread: 2000 frames from netmap:PEER (admode 2
#                            unless given; 1000 pps unless given) reach
#                            valeP:p in order, every payload verified (what
#                            NATIVE itself counts as dropped may miss), while
#                            NATIVE raises (almost) no interrupt; after
#                            vale-ctl -P they flow on its interrupts again
#   native_suite MODEL DRIVER PEER_MODEL [ethtool|-] [noirqcount]
#                            the whole native test of the first NIC of MODEL
#                            driven by /lib/netmap/DRIVER.ko, against the first
#                            PEER_MODEL NIC in emulated mode (see t_native_*.sh);
#                            "ethtool": ring sizes set by ethtool -G too;
#                            "noirqcount": the NIC's interrupt counts are
#                            shown, not checked

P_ADMODE=/sys/module/netmap/parameters/admode
P_RINGSIZE=/sys/module/netmap/parameters/generic_ringsize

nic_macs() {
	i=1
	for m in $NETMAP_NIC_MODELS; do
		[ "$m" = "$1" ] && echo "$NETMAP_NIC_MACS" | cut -d' ' -f$i
		i=$((i + 1))
	done
}

ifname() {
	for d in /sys/class/net/*; do
		[ "$(cat $d/address)" = "$1" ] && basename $d && return 0
	done
	return 1
}

irqs() {
	dv=$(basename "$(readlink /sys/class/net/$1/device)" 2>/dev/null)
	# A line may list several devices sharing it: "... 11-fasteoi eth1, eth3".
	awk -v d="$1" -v p="${dv:-none}-" '{
		m = 0
		for (i = 2; i <= NF; i++) { f = $i; sub(/,$/, "", f); if (f == d || index(f, p) == 1) m = 1 }
		if (!m) next
		for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) n += $i
		found = 1
	} END { if (found) print n + 0 }' /proc/interrupts
}

carrier_wait() {
	cw_t=0
	while [ "$(cat /sys/class/net/$1/carrier 2>/dev/null)" != 1 ]; do
		[ $cw_t -lt 100 ] || return 1
		sleep 0.1
		cw_t=$((cw_t + 1))
	done
}

irq_result() {
	result $1 "$2"
	[ $1 -eq 0 ] || { cat /proc/interrupts >$T/irq; show $T/irq; }
}

stack_rx() {
	n=0
	for v in $(awk '{ print $1 }' /proc/net/softnet_stat); do
		n=$((n + 0x$v))
	done
	echo $n
}

swap_driver() {
	rmmod "$1" 2>/dev/null
	insmod "$2"
	result $? "insmod the netmap-enabled $1"
	sleep 1
}

restore_driver() {
	rmmod "$1"
	result $? "rmmod the netmap-enabled $1"
	modprobe "$1" 2>/dev/null ||
		insmod "$(find /lib/modules -name "$1.ko*" | head -n1)"
	sleep 1
}

admode() { echo "$1" >$P_ADMODE; }


pair_traffic() {
	tx=$1 txmode=$2 rx=$3 rxmode=$4 cnt=$5 what=$6
	shift 6
	f=rx g=tx
	if [ "$1" = seq ]; then
		f=rxseq g=txseq
		shift
	fi
	admode "$rxmode"
	# An emulated receiver gets 4096 slots: a sender the (debug) guest held
	# back catches up with a burst of 1500 frames in a second.
	rs=$(cat $P_RINGSIZE)
	echo 4096 >$P_RINGSIZE
	timeout 90 pkt-gen -i netmap:$rx -f $f -n $cnt -w 0 >$T/prx 2>&1 &
	ppid=$!
	wait_open $T/prx
	echo $rs >$P_RINGSIZE
	admode "$txmode"
	timeout 90 pkt-gen -i netmap:$tx -f $g -n $cnt -R 1000 -w 0 "$@" >$T/ptx 2>&1
	wait $ppid
	prc=$?
	has $T/prx "^Received $cnt packets" && has $T/prx '^Lost 0 packets, 0 out of order$' &&
		{ [ $f = rx ] || has $T/prx "^Payload check: $cnt verified, 0 bad\$"; } &&
		[ $prc -eq 0 ]
	st=$?
	result $st "$what"
	[ $st -eq 0 ] || show $T/ptx $T/prx
	admode 0
	return $st
}

# down_up_traffic TX TXMODE RX RXMODE RATE: 2000 frames from netmap:TX reach
# netmap:RX, the receiving NIC going down and up while its port is open (the
# driver sets its rings up again, netmap carries on where the ring was).
traffic_across() {
	tx=$1 txmode=$2 rx=$3 rxmode=$4 rate=$5 what=$6
	shift 6
	admode $rxmode
	timeout 90 pkt-gen -i netmap:$rx -f rx -n 2000 -w 0 >$T/durx 2>&1 &
	rxpid=$!
	wait_open $T/durx
	admode $txmode
	timeout 60 pkt-gen -i netmap:$tx -f tx -n 1000 -R $rate -w 0 >/dev/null 2>&1
	"$@"
	timeout 60 pkt-gen -i netmap:$tx -f tx -n 1000 -R $rate -w 0 >$T/dutx 2>&1
	wait $rxpid
	has $T/durx '^Received 2000 packets'
	st=$?
	result $st "native: $what"
	[ $st -eq 0 ] || show $T/dutx $T/durx
}
link_bounce() {
	ip link set dev $1 down
	sleep 1
	ip link set dev $1 up
	sleep 3
}
down_up_traffic() {
	traffic_across "$@" "traffic flows after $3 went down and up while open" link_bounce $3
}
# Every device suspended and resumed (pm_test "devices": no real sleep).
pm_cycle() {
	echo devices >/sys/power/pm_test &&
		echo mem >/sys/power/state
	echo none >/sys/power/pm_test
	sleep 3
}
suspend_traffic() { # TX TXMODE RX RXMODE RATE, if the kernel has pm_test
	if [ -w /sys/power/pm_test ] && grep -qw mem /sys/power/state 2>/dev/null; then
		traffic_across "$@" "traffic flows after a suspend/resume cycle while open" pm_cycle
	else
		echo "# no /sys/power/pm_test: suspend/resume not tested"
	fi
}

native_ethtool_sizes() {
	# Ring sizes: ethtool's are the port's.
	ethtool -G $E rx 128 tx 64 >$T/eth 2>&1
	result $? "ethtool -G $E rx 128 tx 64"
	admode 1
	/tests/t_helper_open info netmap:$E >$T/info 2>&1
	has $T/info '^1 64 1 128$'
	st=$?
	result $st "netmap:$E has 64 TX and 128 RX slots"
	[ $st -eq 0 ] || show $T/info
	pair_traffic $E 1 $V 2 2000 "native tx on the 64-descriptor ring: 2000 frames to $V"
	ethtool -G $E rx 256 tx 256 >$T/eth 2>&1
	result $? "ethtool -G $E rx 256 tx 256"
}

native_ethtool_busy() {
	# While netmap has the NIC its rings keep their size.
	admode 1
	timeout 30 pkt-gen -i netmap:$E -f rx -n 1000000 >$T/bg 2>&1 &
	bg=$!
	wait_open $T/bg
	ethtool -G $E rx 128 >$T/eth 2>&1
	st=$?
	kill $bg
	wait $bg
	[ $st -ne 0 ] && has $T/eth 'busy|Busy|netmap'
	st=$?
	result $st "ethtool -G is refused while netmap:$E is open"
	[ $st -eq 0 ] || show $T/eth
}

host_ring_checks() { # NATIVE PEER: the host-ring test program on the pair
	[ -x /tests/t_host ] || return 0
	NETMAP_NICS="$1 $2" /tests/t_host >$T/host 2>&1
	st=$?
	result $st "t_host passes with $1 native ($(grep -c '^ok' $T/host) checks)"
	[ $st -eq 0 ] || show $T/host
}
# vale_flow TX RX CNT WHAT: CNT frames from netmap:TX (admode $vf_mode,
# $vf_rate pps) reach VALE port RX (see vale_polling); the interrupt counts
# of NIC $vf_nic in $vf_i0 and $vf_i1 (around the frames).
vale_flow() {
	timeout 90 pkt-gen -i $2 -f rxseq -n $3 -w 0 >$T/vrx 2>&1 &
	vpid=$!
	wait_open $T/vrx
	admode $vf_mode
	d0=$(nicdrops $vf_nic)
	vf_i0=$(irqs $vf_nic)
	timeout 90 pkt-gen -i netmap:$1 -f txseq -n $3 -R $vf_rate -w 0 >$T/vtx 2>&1
	wait $vpid
	vf_i1=$(irqs $vf_nic)
	admode 0
	got_all $T/vrx $3 $vf_nic $d0 && has $T/vrx "^Payload check: $got verified, 0 bad\$"
	st=$?
	result $st "$4 ($got of $3 arrived)"
	[ $st -eq 0 ] || show $T/vtx $T/vrx
}

# irq_shared DEV1 DEV2: one interrupt line serves both (counts are the sum).
irq_shared() {
	awk -v a="$1" -v b="$2" '{
		ha = hb = 0
		for (i = 2; i <= NF; i++) { f = $i; sub(/,$/, "", f); ha += f == a; hb += f == b }
		if (ha && hb) found = 1
	} END { exit !found }' /proc/interrupts
}

vale_polling() {
	vf_nic=$1 vf_mode=${4:-2} vf_rate=${5:-1000}
	if ! command -v vale-ctl >/dev/null; then
		echo "# no vale-ctl in this guest: VALE polling not tested"
		return 0
	fi
	admode 1
	vale-ctl -a valeP:$1 >$T/vc 2>&1
	result $? "vale-ctl -a valeP:$1 (native)"
	admode 0
	carrier_wait $1	# the attach reset the NIC: its link first
	vale-ctl -p valeP:$1 -C 0,1 >$T/vc 2>&1
	result $? "vale-ctl -p valeP:$1 -C 0,1 (a polling thread on CPU 1)"
	vale_flow $2 valeP:p 2000 "polling: 2000 frames from $2 through $1 to valeP:p, in order, verified"
	p0=$vf_i0 p1=$vf_i1
	vale-ctl -P valeP:$1 >$T/vc 2>&1
	result $? "vale-ctl -P valeP:$1"
	vale_flow $2 valeP:p 2000 "after -P: 2000 frames through $1 on its interrupts, in order, verified"
	why=
	[ "$3" = noirqcount ] && why="see the test's header"
	irq_shared $1 $2 && why="its interrupt line is $2's too"
	if [ -n "$why" ]; then
		echo "# $1's interrupt counts: polling $p0 -> $p1, after $vf_i0 -> $vf_i1 (not checked: $why)"
	else
		[ -n "$p0" ] && [ -n "$p1" ] && [ $((p1 - p0)) -le 3 ]
		irq_result $? "no interrupts from $1 while polled ($p0 -> $p1)"
		[ -n "$vf_i0" ] && [ -n "$vf_i1" ] && [ $((vf_i1 - vf_i0)) -gt 100 ]
		irq_result $? "$1's interrupts on again after -P ($vf_i0 -> $vf_i1)"
	fi
	vale-ctl -d valeP:$1 >$T/vc 2>&1
	result $? "vale-ctl -d valeP:$1"
}

native_suite() {
	ME=$(nic_macs $1 | head -n1)
	MV=$(nic_macs $3 | head -n1)
	if [ -z "$ME" ] || [ -z "$MV" ]; then
		echo "1..0 # SKIP needs a $1 and a $3 NIC (models: $NETMAP_NIC_MODELS)"
		exit 0
	fi
	V=$(ifname $MV)
	# The other NICs stay quiet: the stack's receive counter is global.
	others=
	for d in /sys/class/net/*; do
		d=${d##*/}
		[ $d = lo ] || [ $d = $V ] || [ "$(cat /sys/class/net/$d/address)" = "$ME" ] && continue
		grep -q up /sys/class/net/$d/operstate && others="$others $d"
		ip link set dev $d down
	done

	swap_driver $2 /lib/netmap/$2.ko
	E=$(ifname $ME)
	[ -n "$E" ]
	result $? "the $1 NIC is back ($E)"
	dmesg | grep -q "$E: native mode available (1/1 rings, 256/256 slots)"
	result $? "$E attached for native mode (one ring pair of 256 slots)"
	ip link set dev $E up && ip link set dev $V up
	sleep 3

	[ "$4" = ethtool ] && native_ethtool_sizes

	# Native tx, emulated rx; emulated tx, native rx.
	pair_traffic $E 1 $V 2 5000 "native tx: 5000 frames from netmap:$E, all in order on $V"
	s0=$(stack_rx)
	i0=$(irqs $E)
	pair_traffic $V 2 $E 1 5000 "native rx: 5000 frames from $V, all in order on netmap:$E"
	s1=$(stack_rx)
	i1=$(irqs $E)
	[ $((s1 - s0)) -lt 100 ]
	result $? "the host stack took none of them ($((s1 - s0)) frames in all)"
	if [ "$5" = noirqcount ]; then
		echo "# $E's interrupt counts: $i0 -> $i1 (not checked, see t_native_$2)"
	else
		[ -n "$i0" ] && [ -n "$i1" ] && [ $((i1 - i0)) -gt 100 ]
		irq_result $? "$E's interrupts woke netmap ($i0 -> $i1)"
	fi
	pair_traffic $E 1 $V 2 2000 "native tx, sizes 60..1514: every byte verified" seq -l 1514 -l 60
	pair_traffic $V 2 $E 1 2000 "native rx, sizes 60..1514: every byte verified" seq -l 1514 -l 60
	vale_polling $E $V $5

	[ "$4" = ethtool ] && native_ethtool_busy

	down_up_traffic $V 2 $E 1 1000
	suspend_traffic $V 2 $E 1 1000
	admode 0

	# Host rings, transparent mode, VLANs, close while polled: the native
	# NIC with its peer emulated.
	host_ring_checks $E $V

	# After the last close the stack has the NIC again: ping through it to
	# the peer NIC in a namespace.
	NS=nmnative
	IP=/sbin/ip
	if $IP netns add $NS 2>/dev/null; then
		$IP link set dev $V netns $NS &&
			$IP netns exec $NS $IP link set dev $V up &&
			$IP netns exec $NS $IP addr add 10.79.0.2/24 dev $V &&
			$IP addr add 10.79.0.1/24 dev $E
		ok=1
		for i in 1 2 3 4 5; do
			ping -c 1 -W 2 10.79.0.2 >/dev/null 2>&1 && ok=0 && break
		done
		result $ok "after close the stack pings through $E"
		$IP addr del 10.79.0.1/24 dev $E
		$IP netns exec $NS $IP link set dev $V netns 1
		$IP netns del $NS
	else
		echo "# no network namespaces: ping skipped"
	fi

	ip link set dev $E down
	restore_driver $2
	ifname $ME >/dev/null
	result $? "the distribution's $2 is back"
	for d in $others; do
		ip link set dev $d up
	done
}
