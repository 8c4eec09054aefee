#!/bin/sh
# PID 1 of the test guest (busybox sh).  Kernel console: ttyS0.  Everything
# this script and the tests print goes to ttyS1, where the host reads it.
# Lines starting with "@@nmt " are for the host; the rest is TAP and
# program output.  Settings come from /etc/nmtest.conf.

NMT_TIMEOUT=300
NMT_PRELOAD=
NMT_PAYLOAD=
# shellcheck disable=SC1091
. /etc/nmtest.conf

KMEMLEAK=/sys/kernel/debug/kmemleak
NETMAP_KO=/netmap.ko
export NETMAP_KO

setup() {
	/bin/busybox --install -s /bin
	PATH=/bin:/tests
	export PATH HOME=/tmp TMPDIR=/tmp
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev 2>/dev/null
	mount -t debugfs debugfs /sys/kernel/debug
	mount -t tmpfs tmpfs /tmp
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
	preload_modules
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
