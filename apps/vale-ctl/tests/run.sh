#!/bin/sh
# Host tests of vale-ctl: the command-line unit tests (tests/test_vale_ctl)
# and the program's own refusals, which need no netmap. TAP output, then
# "N passed, N failed"; exit status 1 if anything failed.
#
# usage: run.sh BUILD_DIR   (holding vale-ctl and tests/test_vale_ctl)

B=${1:-.}
. "$(dirname "$0")/../../tap.sh"
tap_init vale-ctl

"$B/tests/test_vale_ctl" >"$T/unit"
rc=$?
sed 's/^/# /' "$T/unit"
[ $rc -eq 0 ] && ! grep -q '^not ok' "$T/unit"
result $? "command-line unit tests ($(grep -c '^ok' "$T/unit") checks)"

"$B/vale-ctl" -z >"$T/out" 2>"$T/err"
[ $? -eq 1 ] && grep -q '^usage: vale-ctl' "$T/err"
result $? "an unknown option prints the usage, exit status 1"

"$B/vale-ctl" -n x -C 1,2,3,4,5 >"$T/out" 2>"$T/err"
[ $? -eq 1 ] && grep -q 'bad -C value' "$T/err"
result $? "a bad -C value is named"

tap_done
