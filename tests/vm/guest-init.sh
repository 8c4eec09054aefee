#!/bin/sh
# PID 1 of the test guest (busybox sh).  Kernel console: ttyS0.  Everything
# this script and the tests print goes to ttyS1, where the host reads it.
# Lines starting with "@@nmt " are for the host; the rest is TAP and
# program output.  Settings come from /etc/nmtest.conf.
#
# The tests see NETMAP_KO (the module's path) and, when the guest has NICs
# (run-guest.sh --nics), NETMAP_NICS ("eth0 eth1": the interface names in
# the order of --nics), NETMAP_NIC_MODELS (the QEMU models, same order) and
# NETMAP_NIC_MACS (their MAC addresses).  Debian's iproute2 ip is /sbin/ip
# (it can create veth pairs and taps): shell tests must call it by that
# path, since busybox sh runs its own ip applet for a bare `ip` whatever
# PATH says; programs that execvp("ip") get /sbin/ip (system() does not).

NMT_TIMEOUT=300
NMT_PRELOAD=
NMT_PAYLOAD=
NMT_NIC_MODELS=
NMT_NIC_MACS=
# shellcheck disable=SC1091
. /etc/nmtest.conf

KMEMLEAK=/sys/kernel/debug/kmemleak
NETMAP_KO=/netmap.ko
export NETMAP_KO

setup() {
	/bin/busybox --install -s /bin
	PATH=/sbin:/bin:/tests
	export PATH HOME=/tmp TMPDIR=/tmp
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev 2>/dev/null
	mount -t debugfs debugfs /sys/kernel/debug
	mount -t tmpfs tmpfs /tmp
	mkdir -p /run && mount -t tmpfs tmpfs /run	# ip netns keeps its mounts here
	exec </dev/null >/dev/ttyS1 2>&1
	echo "@@nmt uname $(uname -r)"
}

say_kmsg() {
	echo "nmtest: $*" >/dev/kmsg
}

tap() { # status text
	if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi
}

# Objects left from boot must not be blamed on the tests: wait until they
# are old enough to be reported, scan, and mark what was found as seen.
kmemleak_baseline() {
	[ -w $KMEMLEAK ] || return 0
	sleep 6
	echo scan >$KMEMLEAK
	echo clear >$KMEMLEAK
}

# Two scans a few seconds apart: one scan can miss an object.
kmemleak_report() {
	[ -w $KMEMLEAK ] || return 0
	sleep 6
	echo scan >$KMEMLEAK
	sleep 4
	echo scan >$KMEMLEAK
	echo "@@nmt section kmemleak"
	cat $KMEMLEAK
	echo "@@nmt section-end"
}

preload_modules() {
	for ko in $NMT_PRELOAD; do
		insmod "$ko"
		tap $? "insmod $(basename "$ko")"
	done
}

# The name of the interface with MAC address $1, if there is one.
nic_by_mac() {
	for dev in /sys/class/net/*; do
		if [ "$(cat "$dev/address" 2>/dev/null)" = "$1" ]; then
			echo "${dev##*/}"
			return 0
		fi
	done
	return 1
}

# Drivers may register their interfaces a little after insmod returns:
# wait up to 5 s for all of them.  The MAC addresses are fixed by the host,
# so the names come out in the order of --nics whatever the probe order.
find_nics() {
	NETMAP_NICS=
	NETMAP_NIC_MODELS=$NMT_NIC_MODELS
	NETMAP_NIC_MACS=$NMT_NIC_MACS
	export NETMAP_NICS NETMAP_NIC_MODELS NETMAP_NIC_MACS
	[ -n "$NMT_NIC_MACS" ] || return 0
	tries=0
	while :; do
		names=
		missing=
		for mac in $NMT_NIC_MACS; do
			if dev=$(nic_by_mac "$mac"); then
				names="$names $dev"
			else
				missing="$missing $mac"
			fi
		done
		[ -z "$missing" ] && break
		[ $tries -ge 50 ] && break
		tries=$((tries + 1))
		usleep 100000
	done
	NETMAP_NICS=${names# }
	echo "# NICs ($NMT_NIC_MODELS): $NETMAP_NICS"
	if [ -n "$missing" ]; then
		tap 1 "NICs appeared (no interface has$missing after 5 s)"
	else
		tap 0 "NICs appeared ($NETMAP_NICS)"
	fi
}

# The kernel patches its code the first time it hashes a frame's flow
# (net_get_random_once() in __skb_get_hash_net turns a static key off
# from a work item). Under TCG a CPU running that very code while another
# patches it can take a stray int3 and oops (seen: pkt-gen's first frame
# through fq_codel, the NICs' default qdisc). Hash one frame now, while
# nothing else runs: RPS on lo makes the ping below hash its frames.
warm_flow_hash() {
	rps=/sys/class/net/lo/queues/rx-0/rps_cpus
	ip link set dev lo up
	[ -w $rps ] || return 0
	echo 1 >$rps
	ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1 || echo "# ping 127.0.0.1 failed"
	echo 0 >$rps
	usleep 200000	# the work item patching the code
}

netmap_loaded() {
	[ -d /sys/module/netmap ]
}

run_one() { # path
	name=$(basename "$1")
	echo "@@nmt begin $name"
	start=$(date +%s)
	case $name in
	*.sh) (cd /tmp && timeout -s TERM -k 10 "$NMT_TIMEOUT" sh "$1") ;;
	*) (cd /tmp && timeout -s TERM -k 10 "$NMT_TIMEOUT" "$1") ;;
	esac
	rc=$?
	secs=$(($(date +%s) - start))
	module=loaded
	netmap_loaded || module=gone
	echo
	echo "@@nmt end $name rc=$rc secs=$secs module=$module"
	if [ $module = gone ]; then
		insmod $NETMAP_KO || echo "# reloading netmap.ko failed"
	fi
}

run_tests() {
	for t in /tests/t_*; do
		[ -e "$t" ] || continue
		say_kmsg "running $(basename "$t")"
		run_one "$t"
	done
}

run_payload() {
	echo "@@nmt begin payload"
	start=$(date +%s)
	(cd /tmp && timeout -s TERM -k 10 "$NMT_TIMEOUT" sh /payload.sh)
	rc=$?
	echo
	echo "@@nmt end payload rc=$rc secs=$(($(date +%s) - start)) module=loaded"
}

finish() {
	echo "@@nmt section dmesg"
	dmesg
	echo "@@nmt section-end"
	echo "@@nmt done"
	sync
	poweroff -f
}

main() {
	setup
	kmemleak_baseline
	say_kmsg "start"
	warm_flow_hash
	preload_modules
	find_nics
	insmod $NETMAP_KO
	loaded=$?
	tap $loaded "insmod $NETMAP_KO"
	if [ $loaded = 0 ]; then
		if [ -n "$NMT_PAYLOAD" ]; then run_payload; else run_tests; fi
		rmmod netmap
		tap $? "rmmod netmap"
	else
		echo "# tests not run: netmap.ko did not load"
	fi
	say_kmsg "end"
	kmemleak_report
	finish
}

main
