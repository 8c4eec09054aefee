# TAP helpers sourced by the t_*.sh guest tests (busybox sh):
#   . "$(dirname "$0")/libtap.sh"
# sets T (a scratch directory), counts results, and defines
#   result STATUS TEXT   ok/not ok line (STATUS 0 = pass)
#   show FILE...         copy outputs into the log as TAP comments
#   has FILE REGEX       grep -E for REGEX in FILE
#   tap_end              remove T, print the plan, exit status 0 iff all passed
#   need_two_nics        skip the whole test unless NETMAP_NICS names two NICs
#   wait_open FILE       until the pkt-gen writing FILE has its port open
#                        (its banner is out, at most 20 s), plus a second
#   nicdrops DEV         frames DEV's own counters say it dropped on receive
#   got_all FILE N DEV D0  pkt-gen's receive report FILE shows N frames, or
#                        fewer with the difference counted by DEV as its own
#                        drops since nicdrops was D0; none out of order;
#                        sets got

T=/tmp/$(basename "$0" .sh).$$
mkdir -p "$T"
n=0
fail=0

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=$((fail + 1))
	fi
}

show() {
	for f in "$@"; do
		sed 's/^/# /' "$f"
	done
}

has() { grep -Eq -- "$2" "$1"; }

tap_end() {
	rm -rf "$T"
	echo "1..$n"
	[ $fail -eq 0 ]
}

need_two_nics() {
	set -- $NETMAP_NICS
	if [ $# -lt 2 ]; then
		rm -rf "$T"
		echo "1..0 # SKIP needs two NICs on one hub (NETMAP_NICS='$NETMAP_NICS')"
		exit 0
	fi
}

nicdrops() {
	s=/sys/class/net/$1/statistics
	echo $(($(cat $s/rx_missed_errors) + $(cat $s/rx_fifo_errors) + $(cat $s/rx_over_errors)))
}

# An emulated NIC without flow control drops what comes while its
# descriptors are full (a debug guest may not run the receiver for a
# while); what it drops it counts, and only that may be missing.
got_all() {
	got=$(awk '/^Received/ { print $2 }' $1)
	got=${got:-0}
	ga_ooo=$(awk '/^Lost/ { print $4 }' $1)
	[ $got -gt 0 ] && [ "${ga_ooo:-0}" -eq 0 ] &&
		[ $(($2 - got)) -le $(($(nicdrops $3) - $4)) ]
}

wait_open() {
	wo_i=0
	while [ $wo_i -lt 100 ] && ! grep -qE 'Receiving from|Sending on' "$1" 2>/dev/null; do
		sleep 0.2
		wo_i=$((wo_i + 1))
	done
	sleep 1
}

# wait_for FILE REGEX: until FILE matches (at most 30 s); status as grep
wait_for() {
	wf_i=0
	while [ $wf_i -lt 300 ] && ! grep -qE -- "$2" "$1" 2>/dev/null; do
		sleep 0.1
		wf_i=$((wf_i + 1))
	done
	grep -qE -- "$2" "$1" 2>/dev/null
}
