#!/bin/sh
# Host tests of dedup: the unit tests (tests/test_dedup) and command-line
# checks that need no netmap.  TAP output, then "N passed, N failed"; exit
# status 1 if anything failed.
#
# usage: run.sh BUILD_DIR   (the directory holding dedup and tests/test_dedup)

B=${1:-.}
DD="$B/dedup"
S=$(cd "$(dirname "$0")/.." && pwd)
. "$S/../tap.sh"
tap_init dedup

# dd EXPECTED_RC ARGS...: run dedup, stdout in $T/out, stderr in $T/err
dd() { want=$1; shift; tap_run "$want" "$DD" "$@"; }

# err_is LINE: stderr is exactly that one line
err_is() { printf '%s\n' "$1" | cmp -s - "$T/err" || { sed 's/^/# got: /' "$T/err" >&2; return 1; }; }

# --- unit tests -------------------------------------------------------------
tap_unit "$B/tests/test_dedup"

# --- command line -----------------------------------------------------------
dd 0 -h && out_has '^Usage: dedup' && [ ! -s "$T/err" ]
result $? "-h prints the usage on stdout and exits 0"

# Every option of upstream's getopt string is in -h and in the man page.
ok=0
for o in h c i v w W F H; do
	grep -Eq -- "-$o( |\]|$)|\[-[a-zA-Z]*$o" "$T/out" || { echo "# -$o not in -h" >&2; ok=1; }
	grep -Eq -- "^\.It Fl $o( |$)" "$S/dedup.8" || { echo "# -$o not in dedup.8" >&2; ok=1; }
done
result $ok "-h and dedup.8 list the same options"

ok=0
for d in "(default 50)" "(default 10)" "(default 2)" "0..2147483647" "1..16384" "0..3600"; do
	grep -qF -- "$d" "$T/out" || { echo "# -h lacks '$d'" >&2; ok=1; }
done
grep -q '^The default is 50\.$' "$S/dedup.8" &&
	grep -q '^The default is 10\.$' "$S/dedup.8" &&
	grep -q '^The default is 2\.$' "$S/dedup.8" &&
	grep -q 'from 0 to 2147483647' "$S/dedup.8" &&
	grep -q 'from 1 to 16384' "$S/dedup.8" || { echo "# dedup.8 defaults/ranges differ" >&2; ok=1; }
result $ok "-h and dedup.8 give the same defaults and ranges"

dd 1 && err_is "dedup: missing interface (two -i ports needed)"
result $? "no port: one line, exit 1"

dd 1 -i netmap:a && err_is "dedup: missing interface (two -i ports needed)"
result $? "one port: one line, exit 1"

dd 1 -Q -i a -i b && err_is "dedup: unknown option -Q (dedup -h for help)"
result $? "unknown option: one line, exit 1"

dd 1 -i a -i b -F && err_is "dedup: option -F needs a value"
result $? "option without its value: one line, exit 1"

dd 1 -F 0 -i a -i b && err_is "dedup: -F: '0' is not a number in 1..16384"
result $? "-F 0: one line, exit 1"

dd 1 -W 2147483648 -i a -i b &&
	err_is "dedup: -W: '2147483648' is not a number in 0..2147483647"
result $? "-W too large: one line, exit 1"

dd 1 -w -1 -i a -i b && err_is "dedup: -w: '-1' is not a number in 0..3600"
result $? "-w -1: one line, exit 1"

dd 1 -i a -i b stray && err_is "dedup: unexpected argument 'stray'"
result $? "operand: one line, exit 1"

# No netmap on the build host (or no such port): the open fails cleanly.
dd 1 -w 0 -i 'netmap:dedup-test-none{1' -i 'netmap:dedup-test-none2{1' &&
	grep -q '^dedup: cannot open netmap:dedup-test-none{1$' "$T/err"
result $? "a port that does not open: exit 1, 'cannot open'"

# The man page renders and has no lint warnings where the tools exist.
if command -v mandoc >/dev/null 2>&1; then
	mandoc -T lint -W warning "$S/dedup.8" >"$T/lint" 2>&1
	result $? "dedup.8: mandoc -T lint clean"
fi
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man -l "$S/dedup.8" >"$T/man" 2>"$T/manerr" &&
		grep -q 'dropping duplicates' "$T/man" && [ ! -s "$T/manerr" ]
	result $? "dedup.8: man -l renders it without warnings"
fi

# make install puts dedup and dedup.8 in place.
make -s -C "$B" -f "$S/Makefile" install DESTDIR="$T/root" PREFIX=/usr \
	>/dev/null 2>&1 &&
	[ -x "$T/root/usr/bin/dedup" ] &&
	cmp -s "$S/dedup.8" "$T/root/usr/share/man/man8/dedup.8"
result $? "make install: bin/dedup and share/man/man8/dedup.8"

tap_done
