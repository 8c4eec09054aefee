#!/bin/sh
# Host tests of bridge: the unit tests (tests/test_bridge) and command-line
# checks that need no netmap.  TAP output, then "N passed, N failed"; exit
# status 1 if anything failed.
#
# usage: run.sh BUILD_DIR   (the directory holding bridge and
#                            tests/test_bridge)

B=${1:-.}
BR="$B/bridge"
. "$(dirname "$0")/../../tap.sh"
tap_init bridge


# br EXPECTED_RC ARGS...: run bridge, stdout in $T/out, stderr in $T/err
br() { want=$1; shift; tap_run "$want" "$BR" "$@"; }


# --- unit tests -------------------------------------------------------------
tap_unit "$B/tests/test_bridge"

# --- command line -------------------------------------------------------------
br 0 -h && out_has '^Usage: bridge' && out_has '-b burst'
result $? "-h prints the usage and exits 0"

br 1 && err_has 'missing interface' && err_has '^Usage: bridge'
result $? "no port: error and usage"

br 1 -Q -i a
result $? "unknown option rejected"

br 1 a b 10 extra && err_has "unexpected argument 'extra'"
result $? "a fourth operand rejected"

# No netmap on the build host (or no such port): the open fails cleanly,
# after the lenient option checks have warned.
br 1 -b 0 -w 200 -i 'netmap:bridge-test-nonexistent{1' \
	-i 'netmap:bridge-test-nonexistent2{1' &&
	err_has "invalid burst '0', set to 1024" &&
	err_has "invalid wait_link '200', set to 4" &&
	err_has 'cannot open netmap:bridge-test-nonexistent\{1'
result $? "bad -b/-w fall back to defaults; failed open exits 1"

br 1 -w 0 -i a -i b -i c && err_has 'c ignored, already have 2 interfaces'
result $? "a third -i is ignored with a note"

br 1 -w 0 netmap:bridge-test-x && err_has 'endpoint 0 goes to host' &&
	err_has 'cannot open netmap:bridge-test-x\^'
result $? "one port: A^ is opened first"

tap_done
