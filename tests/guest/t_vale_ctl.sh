#!/bin/sh
# VALE from the command line: pkt-gen between two ports of a switch (exact
# count, in order, payloads verified) while vale-ctl lists the switch
# (enumeration and -l), reports a port's geometry (-g) and names the
# failure of a bad request; pkt-gen -H between ports with and without a
# virtio-net header. busybox sh; TAP output.

. "$(dirname "$0")/libtap.sh"

# Receiver first: it creates valeC:b (port 0), the sender valeC:a (port 1).
timeout 60 pkt-gen -i valeC:b -f rxseq -n 20000 -w 0 >$T/rx 2>&1 &
rxpid=$!
wait_open $T/rx
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

# hdr_pair WHAT RXARGS -- TXARGS: 5000 mixed-size frames between two ports
# of valeH whose virtio-net header lengths pkt-gen -H sets, verified.
hdr_pair() {
	what=$1
	shift
	rxa=
	while [ "$1" != -- ]; do
		rxa="$rxa $1"
		shift
	done
	shift
	timeout 60 pkt-gen $rxa -f rxseq -n 5000 -w 0 >$T/hrx 2>&1 &
	hpid=$!
	wait_open $T/hrx
	timeout 60 pkt-gen "$@" -f txseq -n 5000 -l 1514 -l 60 -R 2000 -w 0 >$T/htx 2>&1
	wait $hpid
	has $T/hrx '^Received 5000 packets' && has $T/hrx '^Lost 0 packets, 0 out of order$' &&
		has $T/hrx '^Payload check: 5000 verified, 0 bad$'
	st=$?
	result $st "$what"
	[ $st -eq 0 ] || show $T/htx $T/hrx
}
hdr_pair "pkt-gen -H 12 sender -> plain receiver: 5000 frames, headers stripped, verified" \
	-i valeH:b -- -i valeH:a -H 12
hdr_pair "plain sender -> pkt-gen -H 10 receiver: 5000 frames, headers added, verified" \
	-i valeH:d -H 10 -- -i valeH:c
tap_end
