# Guest side of bench/run.sh (appended to tests/vm/pktgen-pair.sh in
# /payload.sh).  Settings: REPS, COUNT, PKTGEN (1: Linux pktgen is loaded).
# Configurations are interleaved (A B A B ...) so that the boot-to-boot and
# minute-to-minute drift of a TCG guest hits them alike.
rep=1
while [ "$rep" -le "$REPS" ]; do
	echo "== repetition $rep of $REPS"
	for size in 60 1514; do
		pair_run netmap-pipe "$size" "$COUNT" -b 512
		if [ "$PKTGEN" = 1 ]; then
			linux_pktgen_run linux-pktgen "$size" "$COUNT"
		fi
	done
	rep=$((rep + 1))
done
