#!/bin/sh
# Host tests of lb: the unit tests (tests/test_lb) and command-line checks
# that need no netmap.  TAP output, then "N passed, N failed"; exit status 1
# if anything failed.
#
# usage: run.sh BUILD_DIR   (the directory holding lb and tests/test_lb)

B=${1:-.}
LB="$B/lb"
S=$(dirname "$0")/..
. "$(dirname "$0")/../../tap.sh"
tap_init lb

# lbx EXPECTED_RC ARGS...: run lb, stdout in $T/out, stderr in $T/err
lbx() { want=$1; shift; tap_run "$want" "$LB" "$@"; }

# err_is LINE: stderr is exactly that one line
err_is() {
	[ "$(cat "$T/err")" = "$1" ] && return 0
	echo "# stderr was:" >&2
	sed 's/^/#   /' "$T/err" >&2
	return 1
}


# --- unit tests -------------------------------------------------------------
tap_unit "$B/tests/test_lb"

# --- command line -----------------------------------------------------------
lbx 0 -h && out_has '^Usage: lb ' && [ ! -s "$T/err" ]
result $? "-h prints the usage on stdout and exits 0"

# Every option of the getopt string is in -h and in the man page.
ok=0
for o in i p B b w W s o h; do
	grep -Eq -- "^  -$o( |$)" "$T/out" || { echo "# -$o not in -h" >&2; ok=1; }
	grep -Eq -- "^\.It Fl $o( |$)" "$S/lb.8" || { echo "# -$o not in lb.8" >&2; ok=1; }
done
result $ok "-h and lb.8 list the same options"

# Defaults in -h agree with the man page.
ok=0
for d in "-p .*default 2 pipes" "-B .*default 0" "-b .*default 2048" \
	"-w .*default 2"; do
	grep -Eq -- "$d" "$T/out" || { echo "# -h lacks '$d'" >&2; ok=1; }
done
for d in 'Default: 2 pipes' 'Default: 0' 'Default: 2048' 'Default: 2 seconds'; do
	grep -q -- "$d" "$S/lb.8" || { echo "# lb.8 lacks '$d'" >&2; ok=1; }
done
result $ok "-h and lb.8 give the same defaults"

lbx 1 && err_is 'lb: missing interface name (-i)' && [ ! -s "$T/out" ]
result $? "no -i: one line, exit 1"

lbx 1 -Q -i a && err_is 'lb: unknown option -Q'
result $? "unknown option: one line, exit 1"

lbx 1 -i && err_is 'lb: option -i needs an argument'
result $? "missing argument: one line, exit 1"

lbx 1 -i a -i b && err_is 'lb: -i given more than once'
result $? "-i twice: one line, exit 1"

lbx 1 -i a junk && err_is "lb: unexpected argument 'junk'"
result $? "operand: one line, exit 1"

lbx 1 -i a -p :4 && err_is "lb: missing prefix before ':' in ':4'"
result $? "-p :4: one line, exit 1"

lbx 1 -i a -p out:0 &&
	err_is "lb: invalid number of pipes '0' (1..1024 in all the groups)"
result $? "-p out:0: one line, exit 1"

lbx 1 -i a -p 1000 -p 25 &&
	err_is "lb: invalid number of pipes '25' (1..1024 in all the groups)"
result $? "more than 1024 pipes in all: refused"

long=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
lbx 1 -i a -p "$long:2" && err_is "lb: name '$long:2' too long"
result $? "-p with a 57-character name: refused"

lbx 1 -i "$long" &&
	err_is "lb: invalid interface name '$long' (1..56 characters)"
result $? "-i of 57 characters: refused"

lbx 1 -i a -b 0 && err_is "lb: invalid -b '0' (1..65535)" &&
	lbx 1 -i a -B x && err_is "lb: invalid -B 'x' (0..10000000)" &&
	lbx 1 -i a -w -1 && err_is "lb: invalid -w '-1' (0..3600)" &&
	lbx 1 -i a -s 1e3 && err_is "lb: invalid -s '1e3' (0..86400)" &&
	lbx 1 -i a -o '' && err_is "lb: invalid -o '' (0..86400)"
result $? "out-of-range and non-numeric values: one line each, exit 1"

# No netmap on the build host (or no such port): the open fails cleanly.
lbx 1 -w 0 -i 'netmap:lbtestnonexistent{1' &&
	grep -q '^lb: cannot open netmap:lbtestnonexistent{1: ' "$T/err" &&
	[ "$(wc -l <"$T/err")" -eq 1 ] && [ ! -s "$T/out" ]
result $? "a port that does not open: one line, exit 1"

lbx 1 -w 0 -i lbtestx && grep -q '^lb: cannot open netmap:lbtestx: ' "$T/err"
result $? "-i without netmap: gets it prepended"

lbx 1 -w 0 -i 'netmap:x-y' &&
	err_is 'lb: cannot parse netmap:x-y: Invalid argument'
result $? "a port spec libnetmap refuses: one line, exit 1"

# The man page renders and has no lint warnings where the tools exist.
if command -v mandoc >/dev/null 2>&1; then
	mandoc -T lint -W warning "$S/lb.8" >"$T/lint" 2>&1
	result $? "lb.8: mandoc -T lint clean"
	sed 's/^/# /' "$T/lint"
fi
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man -l "$S/lb.8" >"$T/man" 2>"$T/manerr" &&
		grep -q 'load balancer' "$T/man" && [ ! -s "$T/manerr" ]
	result $? "lb.8: man -l renders it without warnings"
fi

# make install puts lb and lb.8 in place.
make -s -C "$B" -f "$S/Makefile" install DESTDIR="$T/root" PREFIX=/usr \
	>"$T/inst" 2>&1 &&
	[ -x "$T/root/usr/bin/lb" ] && cmp -s "$S/lb.8" "$T/root/usr/share/man/man8/lb.8"
result $? "make install: bin/lb and share/man/man8/lb.8"

tap_done
