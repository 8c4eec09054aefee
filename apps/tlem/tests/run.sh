#!/bin/sh
# Host tests of tlem: the unit tests (tests/test_tlem) and command-line
# checks that need no netmap.  TAP output, then "N passed, N failed"; exit
# status 1 if anything failed.
#
# usage: run.sh BUILD_DIR   (the directory holding tlem and tests/test_tlem)

B=${1:-.}
TL="$B/tlem"
S=$(cd "$(dirname "$0")/.." && pwd)
. "$S/../tap.sh"
tap_init tlem

# tl EXPECTED_RC ARGS...: run tlem, stdout in $T/out, stderr in $T/err
tl() { want=$1; shift; tap_run "$want" "$TL" "$@"; }

# err_is LINE: stderr is exactly that one line, stdout empty
err_is() {
	printf '%s\n' "$1" | cmp -s - "$T/err" && [ ! -s "$T/out" ] ||
		{ sed 's/^/# got: /' "$T/err" >&2; return 1; }
}

# --- unit tests -------------------------------------------------------------
tap_unit "$B/tests/test_tlem"

# --- command line -----------------------------------------------------------
tl 0 -h && out_has '^Usage: tlem' && [ ! -s "$T/err" ]
result $? "-h prints the usage on stdout and exits 0"
cp "$T/out" "$T/usage"

# Every option tlem takes is in -h and in the man page.
ok=0
for o in h v q c H i B D L Q O C b w; do
	grep -Eq -- "-$o( |,|\]|$)|\[-[a-zA-Z]*$o" "$T/usage" || { echo "# -$o not in -h" >&2; ok=1; }
	grep -Eq -- "^\.It Fl $o( |$)" "$S/tlem.8" || { echo "# -$o not in tlem.8" >&2; ok=1; }
done
# and the ones of upstream's getopt string it refuses or ignores, in both
for o in R r G s a M P d; do
	grep -q -- "-$o" "$T/usage" || { echo "# -$o not in -h" >&2; ok=1; }
	grep -Eq -- "^\.Fl $o( |$)" "$S/tlem.8" || { echo "# -$o not in tlem.8" >&2; ok=1; }
done
result $ok "-h and tlem.8 list the same options"

ok=0
for d in "default 50000 with -B" "1..8192 (default 1024)" "0..100 (default 2)" \
	"default 0 (infinite)" "suffix s, m, u, n; default 0" "0 <= x <= 1; default 0" \
	"x 10^3, 10^6, 10^9" "x 2^10, 2^20, 2^30"; do
	grep -qF -- "$d" "$T/usage" || { echo "# -h lacks '$d'" >&2; ok=1; }
done
for d in "The default is 50000 when" "The default is 1024." "The default is 2." \
	"The default is 0, an infinite bandwidth." "from 1 to 8192" "from 0 to 100" \
	"10^3, 10^6 or 10^9" "2^10, 2^20 or 2^30" "s, m, u or n"; do
	grep -qF -- "$d" "$S/tlem.8" || { echo "# tlem.8 lacks '$d'" >&2; ok=1; }
done
result $ok "-h and tlem.8 give the same defaults, ranges and units"

tl 1 && err_is "tlem: missing interface (two -i ports needed)"
result $? "no port: one line, exit 1"

tl 1 -i netmap:a && err_is "tlem: missing interface (two -i ports needed)"
result $? "one port: one line, exit 1"

tl 1 -i a -i b -i c && err_is "tlem: -i given more than twice"
result $? "three ports: one line, exit 1"

tl 1 -i a -i a && err_is "tlem: must specify two different interfaces"
result $? "the same port twice: one line, exit 1"

tl 1 -X -i a -i b && err_is "tlem: unknown option -X (tlem -h for help)"
result $? "unknown option: one line, exit 1"

tl 1 -i a -i b -D && err_is "tlem: option -D needs a value"
result $? "option without its value: one line, exit 1"

tl 1 -i a -i b -B 10x &&
	err_is "tlem: -B: bad bandwidth '10x' (bps, constant,bps or ether,bps)"
result $? "-B 10x: one line, exit 1"

tl 1 -i a -i b -B ether &&
	err_is "tlem: -B: bad bandwidth 'ether' (bps, constant,bps or ether,bps)"
result $? "-B ether without a rate: one line, exit 1"

tl 1 -i a -i b -D 1ms -D uniform,3ms,2ms &&
	err_is "tlem: -D: bad delay 'uniform,3ms,2ms' (dt, constant,dt, uniform,dmin,dmax or exp,dmin,davg)"
result $? "-D with dmin > dmax (second direction): one line, exit 1"

tl 1 -i a -i b -L 1.5 &&
	err_is "tlem: -L: bad loss '1.5' (x, plr,x or ber,x with 0 <= x <= 1)"
result $? "-L 1.5: one line, exit 1"

tl 1 -i a -i b -Q 10Z && err_is "tlem: -Q: bad queue size '10Z'"
result $? "-Q 10Z: one line, exit 1"

tl 1 -i a -i b -O x && err_is "tlem: -O: bad delay offset 'x'"
result $? "-O x: one line, exit 1"

tl 1 -i a -i b -B 1M -B 2M -B 3M && err_is "tlem: -B given more than twice"
result $? "-B three times: one line, exit 1"

tl 1 -i a -i b -b 0 && err_is "tlem: -b: '0' is not a number in 1..8192"
result $? "-b 0: one line, exit 1"

tl 1 -i a -i b -b 8193 && err_is "tlem: -b: '8193' is not a number in 1..8192"
result $? "-b 8193: one line, exit 1"

tl 1 -i a -i b -w 101 && err_is "tlem: -w: '101' is not a number in 0..100"
result $? "-w 101: one line, exit 1"

tl 1 -i a -i b -C 1,2,3 &&
	err_is "tlem: -C: '1,2,3' is not 1, 2 or 4 comma-separated core numbers"
result $? "-C with three cores: one line, exit 1"

tl 1 -i a -i b -R const,0.1,1ms && err_is "tlem: -R (packet reordering) is not supported"
result $? "-R: refused, one line, exit 1"

tl 1 -i a -i b -r && err_is "tlem: -r (route mode) is not supported"
result $? "-r: refused, one line, exit 1"

tl 1 -i a -i b -s /tmp/x && err_is "tlem: -s (client/server mode) is not supported"
result $? "-s: refused, one line, exit 1"

tl 1 -i a -i b stray && err_is "tlem: unexpected argument 'stray'"
result $? "operand: one line, exit 1"

# No netmap on the build host (or no such port): the open fails cleanly.
tl 1 -w 0 -i 'netmap:tlem-test-none{1' -i 'netmap:tlem-test-none2{1' &&
	grep -q '^tlem: cannot open netmap:tlem-test-none{1$' "$T/err" && [ ! -s "$T/out" ]
result $? "a port that does not open: exit 1, 'cannot open'"

# The man page renders and has no lint warnings where the tools exist.
if command -v mandoc >/dev/null 2>&1; then
	mandoc -T lint -W warning "$S/tlem.8" >"$T/lint" 2>&1
	result $? "tlem.8: mandoc -T lint clean"
fi
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man -l "$S/tlem.8" >"$T/man" 2>"$T/manerr" &&
		grep -q 'link emulator between two netmap ports' "$T/man" && [ ! -s "$T/manerr" ]
	result $? "tlem.8: man -l renders it without warnings"
fi

# make install puts tlem and tlem.8 in place.
make -s -C "$B" -f "$S/Makefile" install DESTDIR="$T/root" PREFIX=/usr \
	>/dev/null 2>&1 &&
	[ -x "$T/root/usr/bin/tlem" ] &&
	cmp -s "$S/tlem.8" "$T/root/usr/share/man/man8/tlem.8"
result $? "make install: bin/tlem and share/man/man8/tlem.8"

tap_done
