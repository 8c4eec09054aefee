#!/bin/sh
# Host tests of pkt-gen: the unit tests (tests/test_pkt) and command-line
# checks that need no netmap (the "null" interface).  TAP output, then
# "N passed, N failed"; exit status 1 if anything failed.
#
# usage: run.sh BUILD_DIR   (the directory holding pkt-gen, pkt-gen-b and
#                            tests/test_pkt)

B=${1:-.}
PG="$B/pkt-gen"
. "$(dirname "$0")/../../tap.sh"
tap_init pkt-gen


# pg EXPECTED_RC ARGS...: run pkt-gen, stdout in $T/out, stderr in $T/err
pg() { want=$1; shift; tap_run "$want" "$PG" "$@"; }


# --- unit tests -------------------------------------------------------------
tap_unit "$B/tests/test_pkt"

# --- option parsing ---------------------------------------------------------
pg 0 -h && out_has '^Usage: pkt-gen' && out_has '-f function'
result $? "-h prints the usage and exits 0"

pg 1 -f tx && err_has 'missing interface'
result $? "missing -i is an error"

pg 1 -i null -f bogus && err_has "unrecognized function 'bogus'"
result $? "unknown function rejected"

pg 1 -i null -f tx -l 10 && err_has 'out of range'
result $? "-l below 16 rejected"

pg 1 -i null -f tx -l 70000 && err_has 'out of range'
result $? "-l above 65536 rejected"

pg 1 -i null -f tx -l 60 -l 100 && err_has 'minimum 100 above'
result $? "second -l above the first rejected"

pg 1 -i null -f tx -H 11 && err_has '0, 10 or 12'
result $? "-H 11 rejected"

pg 1 -i null -f tx -F 64 && err_has 'out of range'
result $? "-F 64 rejected"

pg 1 -i null -f tx -n abc && err_has 'bad number'
result $? "non-numeric -n rejected"

pg 1 -i null -f tx -D 00:11:22 && err_has 'bad MAC'
result $? "bad -D rejected"

pg 1 -i null -f tx -s 10.0.0.300 && err_has '^pkt-gen: -s:'
result $? "bad -s rejected"

pg 1 -i null -f tx -d 10.0.0.9-10.0.0.1 && err_has 'range end below'
result $? "reversed -d range rejected"

pg 1 -i null -f tx -Q
result $? "unknown option rejected"

pg 1 -i null -f tx extra && err_has "unexpected argument 'extra'"
result $? "stray argument rejected"

pg 1 -i tap0 -f tx && err_has 'not supported'
result $? "tap back-end reported as unsupported"

pg 1 -i null -f rx && err_has 'only supports'
result $? "null interface refuses rx"

pg 1 -i null -f tx -l 1500 -M 10 && err_has 'more than 63'
result $? "too many fragments rejected"

pg 1 -i null -f ping -l 50 -w 0
result $? "null interface refuses ping"

pg 1 -i null -f txseq -l 40 && err_has 'txseq needs packets of at least 60'
result $? "txseq needs room for the tag"

pg 1 -i null -f tx -c 100000 && err_has 'out of range|too high'
result $? "-c above the CPU count rejected"

# --- null device runs --------------------------------------------------------
pg 0 -i null -f tx -n 100000 &&
	out_has '^Sent 100000 packets 6000000 bytes [0-9]+ events 60 bytes each in [0-9]+\.[0-9]{2} seconds\.$' &&
	out_has '^Speed: [0-9]+\.[0-9]{3} [KMGT]?pps Bandwidth: [0-9]+\.[0-9]{3} [KMGT]?bps \(raw [0-9]+\.[0-9]{3} [KMGT]?bps\)\. Average batch: [0-9]+\.[0-9]{2} pkts$'
result $? "tx -n 100000 on null: upstream summary lines"

pg 0 -i null -f tx -n 1000 -N &&
	out_has '^Speed: [0-9]+ pps Bandwidth: [0-9]+ bps \(raw [0-9]+ bps\)'
result $? "-N prints raw numbers"

pg 0 -i null -f tx -n 1000 -B -N && out_has '^Sent 1000 packets' &&
	awk '/^Speed:/ { if ($8 > $5 * 1.39 && $8 < $5 * 1.41) ok = 1 }
	     END { exit !ok }' "$T/out"
result $? "-B adds framing to the raw bandwidth"

pg 0 -i null -f tx -n 20000 -T 10 -R 40000 &&
	err_has 'main_thread \[[0-9]+\] [0-9.]+ [KMGT]?pps \([0-9.]+ [KMGT]?pkts [0-9.]+ [KMGT]?bps in [0-9]+ usec\) [0-9.]+ avg_batch [0-9]+ min_space$'
result $? "periodic report line format"

pg 0 -i null -f tx -n 2000 -R 4000 &&
	awk '/^Sent/ { if ($12 >= 0.35) ok = 1 } END { exit !ok }' "$T/out"
result $? "-R 4000 -n 2000 takes about half a second"

pg 0 -i null -f tx -n 100001 -p 2 -c 0 && out_has '^Sent 100001 packets'
result $? "two threads send exactly -n packets"

pg 0 -i null -f txseq -n 5000 -l 1500 -l 64 &&
	awk '/^Sent/ { b = $4 / $2; if (b > 64 && b < 1500) ok = 1 }
	     END { exit !ok }' "$T/out"
result $? "random sizes between -l 64 and -l 1500"

pg 0 -i null -f tx -6 -n 10 && out_has ' 80 bytes each' &&
	err_has '\[fd00::1\]:1234 -> \[fd00:1::1\]:1234'
result $? "-6 defaults: 80-byte frames, IPv6 addresses"

pg 0 -i null -f tx -n 3 -X -S 02:00:00:00:00:07 -D 02:00:00:00:00:08 &&
	out_has '0000: 02 00 00 00 00 08 02 00 00 00 00 07 08 00 45 00' &&
	out_has 'len 60$'
result $? "-X dumps the first frame"

pg 0 -i null -f tx -n 10 -o 16 -z -Z -s 10.0.0.1-10.0.0.200 && out_has '^Sent 10 packets'
result $? "-o 16 -z -Z run"

pg 0 -i null -f tx -n 10 -l 16 && err_has 'truncated frames' &&
	out_has '^Sent 10 packets 160 bytes'
result $? "-l 16 sends truncated frames"

pg 0 -i null -f tx -n 10 -H 12 && out_has '^Sent 10 packets 600 bytes'
result $? "-H 12 on null"

pg 0 -i null -f tx -n 10 -r && out_has '^Sent 10 packets'
result $? "-r on null"

if [ -x "$B/pkt-gen-b" ]; then
	"$B/pkt-gen-b" -i null -f tx -n 1000 >"$T/out" 2>"$T/err" &&
		out_has '^Sent 1000 packets'
	result $? "pkt-gen-b tx on null"
fi

# pcap file: one 60-byte frame (broadcast, from 02:..:01, ethertype 0x0800)
{
	printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000'
	printf '\377\377\000\000\001\000\000\000'
	printf '\000\000\000\000\000\000\000\000\074\000\000\000\074\000\000\000'
	printf '\377\377\377\377\377\377\002\000\000\000\000\001\010\000'
	i=0
	while [ $i -lt 46 ]; do printf '\252'; i=$((i + 1)); done
} >"$T/one.pcap"
if pg any -i null -f tx -n 5 -X -P "$T/one.pcap" &&
	err_has 'without pcap support'; then
	result 0 "-P # SKIP built without libpcap"
else
	pg 0 -i null -f tx -n 5 -X -P "$T/one.pcap" &&
		out_has '^Sent 5 packets 300 bytes' &&
		out_has '0000: ff ff ff ff ff ff 02 00 00 00 00 01 08 00 aa aa'
	result $? "-P sends the frame from a pcap file"
fi

pg 1 -i null -f tx -P "$T/missing.pcap"
result $? "-P with a missing file fails"

# SIGTERM stops a run that has no -n, and the summary is still printed
"$PG" -i null -f tx -R 100000 >"$T/out" 2>"$T/err" &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
st=$?
[ $st -eq 0 ] && out_has '^Sent [0-9]+ packets'
result $? "SIGTERM ends a run with a summary"

tap_done
