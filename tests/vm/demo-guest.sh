# Guest side of demo.sh (appended to pktgen-pair.sh in /payload.sh):
# pkt-gen over a netmap pipe, COUNT packets of 60 then of 1514 bytes.
for size in 60 1514; do
	echo "== pkt-gen tx -> rx over netmap:pipe{1 / netmap:pipe}1, $COUNT packets of $size bytes"
	pair_run demo "$size" "$COUNT"
done
