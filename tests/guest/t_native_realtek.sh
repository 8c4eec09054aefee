#!/bin/sh
# Native mode on the rtl8139 pair of the hub (8139cp patched by configure
# --drivers=realtek, in /lib/netmap; r8169 only loads, QEMU has no such
# NIC): the driver attaches, admode=1 opens
# the NICs natively, pkt-gen moves exact counts with checked payloads, the
# host stack sees none of those frames while netmap owns the NIC, a NIC
# attached to a VALE switch polled without interrupts, and after
# the last close the NIC is the stack's again. The distribution's 8139cp is
# put back at the end.  busybox sh; TAP output.

. "$(dirname "$0")/libtap.sh"
. "$(dirname "$0")/libnative.sh"

KO=/lib/netmap/8139cp.ko
# r8169 (no QEMU model): the netmap-enabled module loads and unloads.
if [ -f /lib/netmap/r8169.ko ]; then
	rmmod r8169 2>/dev/null
	insmod /lib/netmap/r8169.ko
	result $? "insmod the netmap-enabled r8169 (beside netmap.ko)"
	rmmod r8169
	result $? "rmmod it"
fi
if [ ! -f $KO ]; then
	echo "# SKIP no netmap-enabled 8139cp for this kernel"
	tap_end
	exit
fi
# The rtl8139 NICs, by MAC (names change when the driver is reloaded).
set -- $(nic_macs rtl8139)
if [ $# -lt 2 ]; then
	echo "# SKIP needs two rtl8139 NICs (models: $NETMAP_NIC_MODELS)"
	tap_end
	exit
fi
MA=$1
MB=$2
P=$P_ADMODE

swap_driver 8139cp $KO
A=$(ifname $MA)
B=$(ifname $MB)
[ -n "$A" ] && [ -n "$B" ]
result $? "the rtl8139 NICs are back ($A, $B)"
dmesg | grep -q "$A: native mode available"
result $? "$A attached for native mode"

ip link set dev $A up && ip link set dev $B up
sleep 3
echo 1 >$P	# native only: an emulated port would fail to open

# The chip has 64 RX descriptors: under KASAN on a busy host 1000 pps lost
# frames; the exact-count tests are paced below that.
# Frames the chip itself drops (no flow control) it counts: got_all.
RATE=500
rx0=$(cat /sys/class/net/$B/statistics/rx_packets)
i0=$(irqs $B)
d0=$(nicdrops $B)
timeout 60 pkt-gen -i netmap:$B -f rx -n 5000 -w 0 >$T/rx 2>&1 &
rxpid=$!
sleep 2
timeout 60 pkt-gen -i netmap:$A -f tx -n 5000 -R $RATE -w 0 >$T/tx 2>&1
txrc=$?
wait $rxpid
has $T/tx '^Sent 5000 packets' && [ $txrc -eq 0 ]
result $? "native tx: 5000 frames on netmap:$A (the 64-descriptor rings, paced)"
got_all $T/rx 5000 $B $d0
st=$?
result $st "native rx: $got of 5000 on netmap:$B, in order, the others dropped by $B itself"
[ $st -eq 0 ] || show $T/tx $T/rx
rx1=$(cat /sys/class/net/$B/statistics/rx_packets)
i1=$(irqs $B)
[ $((rx1 - rx0)) -lt 100 ]
result $? "the host stack of $B saw none of them ($((rx1 - rx0)) frames)"
[ -n "$i0" ] && [ -n "$i1" ] && [ $((i1 - i0)) -gt 100 ]
result $? "$B's interrupts woke netmap ($i0 -> $i1)"

d0=$(nicdrops $B)
timeout 60 pkt-gen -i netmap:$B -f rxseq -n 2000 -w 0 >$T/mrx 2>&1 &
rxpid=$!
sleep 2
timeout 60 pkt-gen -i netmap:$A -f txseq -n 2000 -l 1514 -l 60 -R $RATE -w 0 >$T/mtx 2>&1
wait $rxpid
got_all $T/mrx 2000 $B $d0 && has $T/mrx "^Payload check: $got verified, 0 bad\$"
st=$?
result $st "native, mixed sizes 60..1514: $got of 2000 verified byte by byte, the others dropped by $B itself"
[ $st -eq 0 ] || show $T/mtx $T/mrx

# B attached to a VALE switch and polled (A native, 300 pps as below).
vale_polling $B $A - 1 300

# 300 pps: the 64 RX descriptors overflow under the debug kernel at 1000.
down_up_traffic $A 1 $B 1 300
suspend_traffic $A 1 $B 1 300

# The host rings, transparent mode, VLANs and close-while-polled, natively:
# the emulated-port test program on this pair, with admode=1.
host_ring_checks $A $B

# After the last close the stack has the NICs again: frames reach B's stack.
echo 0 >$P
rx0=$(cat /sys/class/net/$B/statistics/rx_packets)
ip link set dev $B promisc on
ping -c 3 -W 1 -I $A 10.99.0.2 >/dev/null 2>&1	# ARP requests on the wire
sleep 1
rx1=$(cat /sys/class/net/$B/statistics/rx_packets)
[ $((rx1 - rx0)) -ge 3 ]
result $? "after close $B's stack receives again ($((rx1 - rx0)) frames)"
ip link set dev $B promisc off

ip link set dev $A down
ip link set dev $B down
restore_driver 8139cp
ifname $MA >/dev/null
result $? "the distribution's 8139cp is back"

tap_end
