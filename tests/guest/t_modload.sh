#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# t_modload: unload and reload netmap.ko 20 times, opening a pipe and moving
# packets after every load; rmmod must fail while a port is open (and while
# only a mapping of it is left), and succeed once it is closed. The module is
# left loaded from $NETMAP_KO at the end. Runs under busybox sh, prints TAP.

dir=$(cd "$(dirname "$0")" && pwd)
helper="$dir/t_helper_open"
log=/tmp/t_modload.$$.log
flag=/tmp/t_modload.$$.ready
n=0
failed=0
watchdog=

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; failed=$((failed + 1)); }
diag() { echo "# $*"; }
# Print a command's captured output as TAP comments.
show_log() { [ -s "$log" ] && sed 's/^/#   /' "$log"; }
# check DESCRIPTION CMD ARGS...: one assertion on the exit status of CMD
check() {
	desc=$1
	shift
	if "$@" >"$log" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		show_log
	fi
}
loaded() { grep -q '^netmap ' /proc/modules; }
not_loaded() { ! loaded; }
nap() { sleep 0.1 2>/dev/null || sleep 1; }
# The device node (devtmpfs) may show up a little after insmod returns.
# (POSIX sh has no local variables: every helper uses its own counter.)
wait_dev() {
	wd_i=0
	while [ ! -e /dev/netmap ] && [ "$wd_i" -lt 50 ]; do
		nap
		wd_i=$((wd_i + 1))
	done
	[ -e /dev/netmap ]
}
load() { insmod "$NETMAP_KO" && loaded && wait_dev; }
unload() { rmmod netmap && not_loaded; }
# rmmod right after a holder exited: the last file reference is dropped
# during its exit, allow a few seconds for that before calling it a failure.
unload_after_exit() {
	ue_i=0
	while ! rmmod netmap 2>>"$log"; do
		ue_i=$((ue_i + 1))
		[ "$ue_i" -ge 5 ] && return 1
		sleep 1
	done
	not_loaded
}
finish() {
	[ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null
	rm -f "$log" "$flag"
	loaded || insmod "$NETMAP_KO"
	echo "1..$n"
	[ $failed -eq 0 ] && exit 0
	diag "$failed of $n assertions failed"
	exit 1
}
# Killed (e.g. by the harness' timeout): that is a failure, whatever passed.
killed() {
	not_ok "t_modload.sh stopped by a signal or its 240 s watchdog (hung rmmod/insmod?)"
	finish
}
trap killed INT TERM
# Bound our own run time (20 cycles take well under a minute in TCG).
# The watchdog takes its sleep down with it when finish() stops it.
(
	trap 'kill "$wd_sleep" 2>/dev/null; exit 0' TERM
	sleep 240 &
	wd_sleep=$!
	wait "$wd_sleep" && kill -TERM $$
) >/dev/null 2>&1 </dev/null &
watchdog=$!

# start_holder MODE: run the helper in MODE in the background, wait until it
# holds the port; sets holder_pid.
start_holder() {
	rm -f "$flag"
	"$helper" "$1" "$flag" >"$log.holder" 2>&1 &
	holder_pid=$!
	sh_i=0
	while [ ! -e "$flag" ] && [ "$sh_i" -lt 100 ]; do
		kill -0 "$holder_pid" 2>/dev/null || break
		nap
		sh_i=$((sh_i + 1))
	done
	[ -e "$flag" ]
}
stop_holder() {
	kill "$holder_pid" 2>/dev/null
	wait "$holder_pid" 2>/dev/null
	rm -f "$log.holder"
}

# busy_cycle MODE WHAT: rmmod refused while the holder runs, fine after.
busy_cycle() {
	if start_holder "$1"; then
		ok "$2: helper holds the port"
	else
		not_ok "$2: helper holds the port"
		sed 's/^/#   /' "$log.holder" 2>/dev/null
	fi
	if rmmod netmap >"$log" 2>&1; then
		not_ok "$2: rmmod refused while in use"
	else
		ok "$2: rmmod refused while in use"
		show_log
	fi
	check "$2: module still loaded" loaded
	check "$2: the pipe still works for others" "$helper" traffic
	stop_holder
	: >"$log"
	check "$2: rmmod succeeds once the holder is gone" unload_after_exit
	check "$2: insmod again" load
}

echo "TAP version 13"

if [ -n "$NETMAP_KO" ] && [ -f "$NETMAP_KO" ]; then
	ok "NETMAP_KO=$NETMAP_KO exists"
else
	not_ok "NETMAP_KO=$NETMAP_KO exists"
	echo "Bail out! no module to load"
	finish
fi
if [ ! -x "$helper" ]; then
	not_ok "helper $helper exists"
	echo "Bail out! helper missing"
	finish
fi
loaded || insmod "$NETMAP_KO"
check "netmap is loaded at the start" loaded
check "a pipe works before the cycles" "$helper" traffic

cycle=1
while [ "$cycle" -le 20 ]; do
	bad=""
	unload >"$log" 2>&1 || bad="$bad rmmod"
	"$helper" noopen >>"$log" 2>&1 || bad="$bad noopen"
	load >>"$log" 2>&1 || bad="$bad insmod"
	"$helper" traffic >>"$log" 2>&1 || bad="$bad traffic"
	if [ -z "$bad" ]; then
		ok "cycle $cycle: rmmod, /dev/netmap unusable, insmod, pipe traffic"
	else
		not_ok "cycle $cycle: rmmod, /dev/netmap unusable, insmod, pipe traffic (failed:$bad)"
		show_log
		loaded || insmod "$NETMAP_KO" >/dev/null 2>&1
	fi
	cycle=$((cycle + 1))
done

busy_cycle hold "open port"
busy_cycle holdmap "mapping only (fd closed)"

check "netmap is loaded at the end" loaded
check "a pipe works after all cycles" "$helper" traffic
finish
