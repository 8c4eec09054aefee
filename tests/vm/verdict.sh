#!/usr/bin/env bash
# Judge one guest run from its logs (see boot-guest.sh): count the TAP
# results on ttyS1, charge one failure to each test program that crashed,
# timed out, exited non-zero without a "not ok", printed no result, broke
# its plan or left netmap.ko unloaded, and add two tests of our own: "guest
# ran to completion" and "kernel log clean".
#
# usage: verdict.sh --name NAME --out DIR [--timeout SECS] [--qemu-rc RC]
# Prints "guest NAME: N passed, N failed"; writes DIR/result
# ("PASSED FAILED"); exit 0 when nothing failed.
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
source "$(dirname "$0")/lib.sh"

NAME='' OUT='' TIMEOUT=0 QEMU_RC=0
PASSED=0 FAILED=0 SKIPPED=0

# What must never show up in the kernel log of a test run.
LOG_PATTERNS='BUG|WARNING|Oops|Call Trace|leak|KASAN|KFENCE|UBSAN|Kernel panic|blocked for more than'
# Lines that match the patterns above but say nothing bad.
# ("nmtest: running t_NAME" is our own marker: test names are free text.)
LOG_BENIGN='kmemleak: Kernel memory leak detector initialized|kmemleak: Automatic memory scanning thread started|[Cc]ommand line:|\] nmtest: '

usage() { sed -n '2,11s/^# \{0,1\}//p' "$0" >&2; exit 2; }

parse_args() {
	while (($#)); do
		case $1 in
		--name) NAME=$2 ;;
		--out) OUT=$2 ;;
		--timeout) TIMEOUT=$2 ;;
		--qemu-rc) QEMU_RC=$2 ;;
		*) usage ;;
		esac
		shift 2 || usage
	done
	[[ -n $NAME && -n $OUT ]] || usage
}

pass() { PASSED=$((PASSED + 1)); }
fail() {
	FAILED=$((FAILED + 1))
	echo "guest $NAME: FAILED: $1"
}

# Split ttyS1 into the test stream (stdout of this awk: one verdict per
# line, "PASS text", "FAIL text", "SKIP text", "UNAME release", "DONE") and
# the dmesg / kmemleak sections (files in OUT).
parse_stream() {
	tr -d '\r' <"$OUT/tests.log" | awk -v out="$OUT" -v limit="$TIMEOUT" '
	function finish_prog(rc, secs, module,   ran) {
		ran = ok + nok
		# A program may catch the TERM of the time-out and exit 0.
		if (limit > 0 && secs >= limit) {
			print "FAIL " prog ": timed out after " secs " s"
		} else if (rc != 0 && nok == 0) {
			if (rc > 128)
				print "FAIL " prog ": killed by signal " rc - 128
			else
				print "FAIL " prog ": exited with status " rc
		}
		if (prog == "payload") {   # demo/bench: no TAP expected
			prog = ""
			return
		}
		if (rc == 0 && ran == 0 && plan != 0)
			print "FAIL " prog ": printed no test result"
		if (plan >= 0 && ran != plan && rc == 0)
			print "FAIL " prog ": planned " plan " tests, ran " ran
		if (plan == 0 && ran == 0)
			print "SKIP " prog ": " skipwhy
		if (module == "module=gone")
			print "FAIL " prog ": left netmap.ko unloaded"
		prog = ""
	}
	BEGIN { section = "" }
	section != "" && /^@@nmt section-end/ { section = ""; next }
	section != "" { print > (out "/" section ".log"); next }
	/^@@nmt section / { section = $3; printf "" > (out "/" section ".log"); next }
	/^@@nmt uname / { print "UNAME " $3; next }
	/^@@nmt begin / { prog = $3; ok = nok = 0; plan = -1; skipwhy = ""; next }
	/@@nmt end / {
		sub(/.*@@nmt end /, "")
		rc = $2; sub(/rc=/, "", rc); secs = $3; sub(/secs=/, "", secs)
		if (prog != "") finish_prog(rc + 0, secs + 0, $4)
		next
	}
	/^@@nmt done/ { print "DONE"; next }
	/^@@nmt / { next }
	/^1\.\.[0-9]+/ && prog != "" {
		plan = substr($1, 4) + 0
		skipwhy = $0; sub(/^[^#]*#? */, "", skipwhy)
		next
	}
	/^Bail out!/ { print "FAIL " (prog != "" ? prog ": " : "") $0; nok++; next }
	/^not ok( |$)/ { print "FAIL " (prog != "" ? prog ": " : "") $0; nok++; next }
	/^ok( |$)/ {
		if ($0 ~ /# *[Ss][Kk][Ii][Pp]/) print "SKIP " (prog != "" ? prog ": " : "") $0
		print "PASS " $0; ok++; next
	}
	END {
		if (prog != "") print "FAIL " prog ": did not finish (the guest died or hung in it)"
	}'
}

count_stream() {
	local kind text
	DONE=0 UNAME=
	while read -r kind text; do
		case $kind in
		PASS) pass ;;
		FAIL) fail "$text" ;;
		SKIP) SKIPPED=$((SKIPPED + 1)) ;;
		UNAME) UNAME=$text ;;
		DONE) DONE=1 ;;
		esac
	done
}

check_completed() {
	if ((DONE)); then
		pass
		return
	fi
	if tr -d '\r' <"$OUT/console.log" 2>/dev/null | grep -q 'Kernel panic'; then
		fail "guest ran to completion (the kernel panicked)"
		return
	fi
	if ((QEMU_RC == 124)); then
		fail "guest ran to completion (killed after the hard timeout); last kernel messages:"
	else
		fail "guest ran to completion (qemu exited with status $QEMU_RC); last kernel messages:"
	fi
	tr -d '\r' <"$OUT/console.log" 2>/dev/null | tail -n 15 | sed 's/^/    /'
}

check_kernel_log() {
	local bad leaks=""
	bad=$(tr -d '\r' <"$OUT/console.log" 2>/dev/null | grep -nE "$LOG_PATTERNS" |
		grep -vE "$LOG_BENIGN" || true)
	[[ -s $OUT/kmemleak.log ]] && leaks=$(grep -c 'unreferenced object' "$OUT/kmemleak.log" || true)
	if [[ -z $bad && ${leaks:-0} == 0 ]]; then
		pass
		return
	fi
	fail "kernel log clean (see $OUT/console.log)"
	if [[ -n $bad ]]; then
		echo "    offending lines:"
		head -n 60 <<<"$bad" | sed 's/^/    /'
	fi
	if [[ ${leaks:-0} != 0 ]]; then
		echo "    kmemleak: $leaks unreferenced objects ($OUT/kmemleak.log):"
		head -n 40 "$OUT/kmemleak.log" | sed 's/^/    /'
	fi
}

main() {
	parse_args "$@"
	[[ -f $OUT/tests.log ]] || die "no $OUT/tests.log"
	count_stream < <(parse_stream)
	check_completed
	check_kernel_log
	echo "guest $NAME: uname -r: ${UNAME:-(the guest printed none)}"
	((SKIPPED == 0)) || echo "guest $NAME: $SKIPPED skipped"
	echo "guest $NAME: $PASSED passed, $FAILED failed"
	echo "$PASSED $FAILED" >"$OUT/result"
	((FAILED == 0))
}

main "$@"
