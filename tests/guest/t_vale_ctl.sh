#!/bin/sh
# VALE from the command line: pkt-gen between two ports of a switch (exact
# count, in order, payloads verified) while vale-ctl lists the switch
# (enumeration and -l), reports a port's geometry (-g) and names the
# failure of a bad request. busybox sh; TAP output.

. "$(dirname "$0")/libtap.sh"

# Receiver first: it creates valeC:b (port 0), the sender valeC:a (port 1).
timeout 60 pkt-gen -i valeC:b -f rxseq -n 20000 -w 0 >$T/rx 2>&1 &
rxpid=$!
i=0
while [ $i -lt 50 ] && ! grep -q 'Receiving from' $T/rx 2>/dev/null; do
	sleep 0.2
	i=$((i + 1))
done
timeout 60 pkt-gen -i valeC:a -f txseq -n 20000 -R 2000 -w 0 >$T/tx 2>&1 &
txpid=$!
sleep 1
vale-ctl >$T/list 2>&1
has $T/list '^valeC:b bridge_idx [0-9]+ port_idx 0$' &&
	has $T/list '^valeC:a bridge_idx [0-9]+ port_idx 1$'
st=$?
result $st "vale-ctl lists both ports of valeC"
[ $st -eq 0 ] || show $T/list
vale-ctl -l valeC:a >$T/l 2>&1 && has $T/l '^port_idx: 1$' && has $T/l '^bridge_idx: [0-9]+$'
result $? "vale-ctl -l valeC:a: port 1"
vale-ctl -g valeC:a >$T/g 2>&1 && has $T/g '^tx_slots: 1024$' && has $T/g '^tx_rings: 1$' &&
	has $T/g '^memsize: [1-9]'
result $? "vale-ctl -g valeC:a: 1 ring of 1024 slots, a region of its own"
vale-ctl -l foo:x >$T/bad 2>&1
rc=$?
[ $rc -eq 1 ] && has $T/bad '^failed to list foo:x: Invalid argument$'
result $? "vale-ctl -l of a non-VALE name fails with EINVAL"
wait $txpid
wait $rxpid
has $T/rx '^Received 20000 packets' && has $T/rx '^Lost 0 packets, 0 out of order$' &&
	has $T/rx '^Payload check: 20000 verified, 0 bad$'
st=$?
result $st "pkt-gen valeC:a -> valeC:b: 20000 frames, in order, verified"
[ $st -eq 0 ] || show $T/tx $T/rx
vale-ctl >$T/after 2>&1
! has $T/after '^valeC:'
result $? "the ports are gone after their last close"
tap_end
