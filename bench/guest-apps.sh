# Guest side of bench/apps.sh (appended to tests/vm/pktgen-pair.sh in
# /payload.sh).  Settings: ROUNDS, COUNT, ROWS (labels KIND-SIZE to run:
# KIND pipe, bridge, dedup, tlem, lb1, lb2, lb4).  Every round runs every
# row once, in the order given (A B C A B C).  One line per run:
#   @@app ROW RX_PPS RECEIVED SENT TX_PPS
# RX_PPS is the receivers' rate (frames received over the longest
# receiver's time), TX_PPS the sender's; 0 when pkt-gen did not report.

BATCH=512
# 10 source ports x 100 destination addresses: 1000 UDP flows for lb
FLOWS="-s 10.0.0.1:1000-10.0.0.1:1009 -d 10.1.0.1:2000-10.1.0.100:2000"

# wait_ready FILE REGEX: until FILE matches (at most 30 s); status as grep
wait_ready() {
	wr_i=0
	while [ $wr_i -lt 300 ] && ! grep -qE -- "$2" "$1" 2>/dev/null; do
		sleep 0.1
		wr_i=$((wr_i + 1))
	done
	grep -qE -- "$2" "$1" 2>/dev/null
}

# app_print ROW TX_OUTPUT RX_OUTPUT...: the @@app line from pkt-gen's
# closing "Sent|Received N packets B bytes ... in S seconds" lines (echoed
# to the log as comments).
app_print() {
	ap_row=$1
	shift
	grep -h -E '^(Sent|Received) [0-9]+ packets' "$@" | sed "s/^/# $ap_row: /"
	# (SENT is COUNT when the sender did not report; its rate is 0 then)
	awk -v r="$ap_row" -v tx="$1" -v sent="$COUNT" '
	function secs(   i) { for (i = 1; i < NF; i++) if ($i == "in") return $(i + 1); return 0 }
	FILENAME == tx && /^Sent [0-9]+ packets/ { sent = $2; s = secs(); if (s > 0) txpps = sent / s }
	FILENAME != tx && /^Received [0-9]+ packets/ { got += $2; s = secs(); if (s > maxs) maxs = s }
	END { printf "@@app %s %.0f %d %d %.0f\n", r, (maxs > 0 ? got / maxs : 0), got, sent, txpps }' "$@"
}

# app_stop PID: SIGTERM, then the exit status in $apprc
app_stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1"
	apprc=$?
}

# show_fail FILE...: the outputs of a run that went wrong, in the log
show_fail() {
	for f in "$@"; do
		echo "# $f:"
		sed 's/^/#   /' "$f"
	done
}

# pass_run KIND SIZE: pkt-gen tx -> B1}0 == B1{0 -> APP -> B2{0 == B2}0 ->
# pkt-gen rx; the plain pipe row is tx -> A}0 == A{0 -> rx.
pass_run() {
	kind=$1 size=$2 app=
	rm -f /tmp/app.* /tmp/rx.*
	case $kind in
	pipe) rxp='netmap:a{0' txp='netmap:a}0' ;;
	bridge | dedup | tlem)
		rxp='netmap:b2}0' txp='netmap:b1}0'
		case $kind in
		bridge) ready='Ready to go' ;;
		dedup) ready='Ready to go' ;;
		tlem) ready='^tlem: running ' ;;
		esac
		"$kind" -i 'netmap:b1{0' -i 'netmap:b2{0' -w 0 >/tmp/app.out 2>/tmp/app.err &
		app=$!
		wait_ready /tmp/app.err "$ready" || { show_fail /tmp/app.err; app_stop $app; return; }
		;;
	esac
	timeout -s INT -k 5 "$PAIR_TIMEOUT" pkt-gen -i "$rxp" -f rx -w 0 -W -n "$COUNT" \
		-b $BATCH -l "$size" >/tmp/rx.0 2>&1 &
	rx=$!
	wait_ready /tmp/rx.0 'Receiving from' && sleep 0.5
	timeout -s INT -k 5 "$PAIR_TIMEOUT" pkt-gen -i "$txp" -f tx -w 0 -n "$COUNT" \
		-b $BATCH -l "$size" >/tmp/tx.out 2>&1
	txrc=$?
	wait $rx
	rxrc=$?
	apprc=0
	[ -z "$app" ] || app_stop $app
	if [ $txrc -ne 0 ] || [ $rxrc -ne 0 ] || [ $apprc -ne 0 ]; then
		echo "# $kind-$size: tx exit $txrc, rx exit $rxrc, $kind exit $apprc"
		show_fail /tmp/tx.out /tmp/rx.0 ${app:+/tmp/app.out /tmp/app.err}
	fi
	app_print "$kind-$size" /tmp/tx.out /tmp/rx.0
}

# lb_run lbNPIPES SIZE: pkt-gen tx (1000 flows) -> LBI{0 == LBI}0 -> lb ->
# LBO{k == LBO}k -> pkt-gen rx, k = 0 .. NPIPES-1.
lb_run() {
	np=${1#lb} size=$2
	rm -f /tmp/app.* /tmp/rx.*
	lb -i 'netmap:lbi}0' -w 0 -p "lbo:$np" >/tmp/app.out 2>/tmp/app.err &
	app=$!
	wait_ready /tmp/app.err 'waiting 0 s for the link' || { show_fail /tmp/app.err; app_stop $app; return; }
	rxs='' k=0
	while [ $k -lt "$np" ]; do
		timeout -s INT -k 5 "$PAIR_TIMEOUT" pkt-gen -i "netmap:lbo}$k" -f rx -w 0 -W \
			-b $BATCH -l "$size" >/tmp/rx.$k 2>&1 &
		rxs="$rxs $!"
		k=$((k + 1))
	done
	k=0
	while [ $k -lt "$np" ]; do
		wait_ready /tmp/rx.$k 'Receiving from'
		k=$((k + 1))
	done
	sleep 0.5
	# shellcheck disable=SC2086  # the address options split on purpose
	timeout -s INT -k 5 "$PAIR_TIMEOUT" pkt-gen -i 'netmap:lbi{0' -f tx -w 0 -n "$COUNT" \
		-b $BATCH -l "$size" $FLOWS >/tmp/tx.out 2>&1
	txrc=$?
	rxrc=0
	for p in $rxs; do
		wait "$p" || rxrc=$?
	done
	app_stop $app
	tail -n 1 /tmp/app.out | sed "s/^/# lb$np-$size: /"
	if [ $txrc -ne 0 ] || [ $rxrc -ne 0 ] || [ $apprc -ne 0 ]; then
		echo "# lb$np-$size: tx exit $txrc, rx exit $rxrc, lb exit $apprc"
		show_fail /tmp/tx.out /tmp/rx.* /tmp/app.out /tmp/app.err
	fi
	app_print "lb$np-$size" /tmp/tx.out /tmp/rx.*
}

app_row() { # KIND-SIZE
	case ${1%-*} in
	lb*) lb_run "${1%-*}" "${1##*-}" ;;
	*) pass_run "${1%-*}" "${1##*-}" ;;
	esac
}

round=1
while [ "$round" -le "$ROUNDS" ]; do
	echo "== round $round of $ROUNDS"
	for row in $ROWS; do
		app_row "$row"
	done
	round=$((round + 1))
done
