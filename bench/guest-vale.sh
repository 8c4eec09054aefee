# Guest side of bench/vale.sh (appended to tests/vm/pktgen-pair.sh in
# /payload.sh).  Settings: REPS, COUNT.  Per repetition, for 60- and
# 1514-byte frames: a netmap pipe (reference), then VALE switch valeB with
# 1, 4 and 8 pkt-gen senders into one pkt-gen receiver (COUNT frames in
# all, split between the senders), and 4 and 8 senders sending for
# FAIR_SECS seconds into vale-share (frames per sender).  Each sender and the receiver print an
# "@@pg" block (labels vale<N>-<size>-tx<i> and vale<N>-<size>), then
#   @@cpu LABEL SIZE BUSY_TICKS PACKETS_RECEIVED

vale_run() { # senders size
	n=$1 size=$2 label=vale$1-$2
	per=$((COUNT / n))
	# -W: the receiver ends one idle second after the last frame and
	# leaves that second out of its rate.
	timeout -s INT -k 5 "$PAIR_TIMEOUT" pkt-gen -i valeB:rx -f rx -W -l "$size" \
		>/tmp/vrx.out 2>&1 &
	rx=$!
	sleep 1
	c0=$(busy)
	pids=
	i=0
	while [ $i -lt "$n" ]; do
		timeout -s INT -k 5 "$PAIR_TIMEOUT" pkt-gen -i valeB:tx$i -f tx -n $per -l "$size" \
			>/tmp/vtx$i.out 2>&1 &
		pids="$pids $!"
		i=$((i + 1))
	done
	wait $pids
	wait $rx
	rc=$?
	c1=$(busy)
	i=0
	while [ $i -lt "$n" ]; do
		echo "@@pg begin $label-tx$i size=$size side=tx"
		cat /tmp/vtx$i.out
		echo "@@pg end rc=0"
		i=$((i + 1))
	done
	echo "@@pg begin $label size=$size side=rx"
	cat /tmp/vrx.out
	echo "@@pg end rc=$rc"
	got=$(awk '/^Received/ { print $2 }' /tmp/vrx.out)
	echo "@@cpu $label $size $((c1 - c0)) ${got:-0}"
}

# Fairness: N unlimited senders (source MACs 02:00:00:00:00:0i) into one
# vale-share receiver for FAIR_SECS seconds; it prints each sender's count,
#   @@share LABEL SOURCES FRAMES MIN/MAX JAIN
fair_run() { # senders size
	n=$1 size=$2 label=fair$1-$2
	timeout -s INT -k 5 "$PAIR_TIMEOUT" vale-share valeF:rx 1000 >/tmp/vsh.out 2>&1 &
	rx=$!
	sleep 1
	pids=
	i=0
	while [ $i -lt "$n" ]; do
		timeout -s INT -k 5 "$FAIR_SECS" pkt-gen -i valeF:tx$i -f tx -l "$size" \
			-S 02:00:00:00:00:0$i >/dev/null 2>&1 &
		pids="$pids $!"
		i=$((i + 1))
	done
	wait $pids
	wait $rx
	sed 's/^/# /' /tmp/vsh.out
	awk -v l=$label '/^share / { print "@@share", l, $3, $5, $7, $9 }' /tmp/vsh.out
}

rep=1
while [ "$rep" -le "$REPS" ]; do
	echo "== repetition $rep of $REPS"
	for size in 60 1514; do
		pair_run pipe-$size "$size" "$COUNT"
		for n in 1 4 8; do
			vale_run $n $size
		done
		for n in 4 8; do
			fair_run $n $size
		done
	done
	rep=$((rep + 1))
done
