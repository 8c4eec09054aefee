#!/bin/sh
# Host tests of nmreplay: the unit tests (tests/test_nmreplay) and
# command-line checks that need no netmap.  TAP output, then "N passed, N
# failed"; exit status 1 if anything failed.
#
# usage: run.sh BUILD_DIR   (the directory holding nmreplay and tests/test_nmreplay)

B=${1:-.}
NR="$B/nmreplay"
U="$B/tests/test_nmreplay"
S=$(cd "$(dirname "$0")/.." && pwd)
. "$S/../tap.sh"
tap_init nmreplay

# nr EXPECTED_RC ARGS...: run nmreplay, stdout in $T/out, stderr in $T/err
nr() { want=$1; shift; tap_run "$want" "$NR" "$@"; }

# err_is LINE: stderr is exactly that one line
err_is() { printf '%s\n' "$1" | cmp -s - "$T/err" || { sed 's/^/# got: /' "$T/err" >&2; return 1; }; }

# --- unit tests -------------------------------------------------------------
tap_unit "$U"

for k in us ns ng trunc empty hdr junk; do
	"$U" write $k "$T/$k" || echo "# cannot write $T/$k" >&2
done

# --- command line -----------------------------------------------------------
nr 0 -h && out_has '^Usage: nmreplay' && [ ! -s "$T/err" ]
result $? "-h prints the usage on stdout and exits 0"

nr 0 --help && out_has '^Usage: nmreplay'
result $? "--help too"

# Every option of the getopt string is in -h and in the man page.
nr 0 -h
ok=0
for o in B C D L Q b c f h i m v w; do
	grep -Eq -- "-$o( |\]|$)|\[-[a-zA-Z]*$o" "$T/out" || { echo "# -$o not in -h" >&2; ok=1; }
	grep -Eq -- "^\.It Fl $o( |$)" "$S/nmreplay.8" || { echo "# -$o not in nmreplay.8" >&2; ok=1; }
done
result $ok "-h and nmreplay.8 list the same options"

ok=0
for d in "(default 1024)" "(default 2)" "1..8192" "0..100" "real[,speedup]" \
	"uniform,dmin,dmax" "exp,dmin,davg" "plr,x | ber,x" "fixed[,bps]"; do
	grep -qF -- "$d" "$T/out" || { echo "# -h lacks '$d'" >&2; ok=1; }
done
grep -q '^The default is 1024\.$' "$S/nmreplay.8" &&
	grep -q '^The default is 2\.$' "$S/nmreplay.8" &&
	grep -q 'from 1 to 8192' "$S/nmreplay.8" &&
	grep -q 'from 0 to 100' "$S/nmreplay.8" &&
	grep -q '^\.It Fl B Ar bps | Cm constant , Ns Ar bps | Cm ether , Ns Ar bps | Cm real Ns Op , Ns Ar speedup$' "$S/nmreplay.8" &&
	grep -q '^\.It Fl D Ar dt | Cm constant , Ns Ar dt | Cm uniform , Ns Ar dmin , Ns Ar dmax | Cm exp , Ns Ar dmin , Ns Ar davg$' "$S/nmreplay.8" &&
	grep -q '^\.It Fl L Ar x | Cm plr , Ns Ar x | Cm ber , Ns Ar x$' "$S/nmreplay.8" ||
	{ echo "# nmreplay.8 defaults/ranges/models differ" >&2; ok=1; }
result $ok "-h and nmreplay.8 give the same defaults, ranges and models"

nr 1 && err_is "nmreplay: missing pcap file (-f file)"
result $? "no arguments: one line, exit 1"

nr 1 -f "$T/us" && err_is "nmreplay: missing interface (-i port)"
result $? "no port: one line, exit 1"

nr 1 -X -f a -i b && err_is "nmreplay: unknown option -X (nmreplay -h for help)"
result $? "unknown option: one line, exit 1"

nr 1 -f a -i && err_is "nmreplay: option -i needs a value"
result $? "option without its value: one line, exit 1"

nr 1 -f a -i b stray && err_is "nmreplay: unexpected argument 'stray'"
result $? "operand: one line, exit 1"

nr 1 -i a -i b -i c && err_is "nmreplay: -i too many times"
result $? "three -i: one line, exit 1"

nr 1 -b 8193 -f a -i b && err_is "nmreplay: -b: '8193' is not a number in 1..8192"
result $? "-b 8193: one line, exit 1"

nr 1 -w 101 -f a -i b && err_is "nmreplay: -w: '101' is not a number in 0..100"
result $? "-w 101: one line, exit 1"

nr 1 -B 10Mbps -f a -i b &&
	err_is "nmreplay: -B: bad value '10Mbps' (bps | constant,bps | ether,bps | real[,speedup]; bps 1..1000G, speedup up to 1000)"
result $? "-B 10Mbps: one line, exit 1"

nr 1 -B real,0 -f a -i b && err_has "^nmreplay: -B: bad value 'real,0'"
result $? "-B real,0: refused"

nr 1 -D uniform,2m,1m -f a -i b &&
	err_is "nmreplay: -D: bad value 'uniform,2m,1m' (dt | constant,dt | uniform,dmin,dmax | exp,dmin,davg; times 0..3600s, dmin first)"
result $? "-D uniform with dmin > dmax: one line, exit 1"

nr 1 -L plr,1.5 -f a -i b &&
	err_is "nmreplay: -L: bad value 'plr,1.5' (x | plr,x | ber,x; x in 0..1)"
result $? "-L plr,1.5: one line, exit 1"

nr 1 -m slow -f a -i b && err_is "nmreplay: -m: bad value 'slow' (fast | real | fixed[,bps])"
result $? "-m slow: one line, exit 1"

nr 1 -C 1,2,3 -f a -i b && err_is "nmreplay: -C accepts 1, 2 or 4 comma separated arguments"
result $? "-C 1,2,3: upstream's message, exit 1"

nr 1 -C 1,x -f a -i b && err_is "nmreplay: -C: 'x' is not a number in 0..1023"
result $? "-C 1,x: one line, exit 1"

nr 1 -Q 0 -f a -i b && err_is "nmreplay: -Q: '0' is not a size in 1..1T (k, m, g: x 1024)"
result $? "-Q 0: one line, exit 1"

# --- the file, before any port is opened -------------------------------------
P='netmap:nmreplay-test-none{1'
nr 1 -w 0 -f "$T/nonexistent" -i "$P" &&
	err_is "nmreplay: cannot read $T/nonexistent: $T/nonexistent: No such file or directory"
result $? "missing file: one line, exit 1, the port not opened"

nr 1 -w 0 -f "$T/junk" -i "$P" && err_is "nmreplay: cannot read $T/junk: unknown file format"
result $? "not a pcap: one line, exit 1"

nr 1 -w 0 -f "$T/empty" -i "$P" && err_has "^nmreplay: cannot read $T/empty: truncated dump file" &&
	[ "$(wc -l <"$T/err")" -eq 1 ]
result $? "empty file: one line, exit 1"

nr 1 -w 0 -f "$T/trunc" -i "$P" &&
	err_is "nmreplay: $T/trunc: bad record after 4 frames: truncated dump file; tried to read 100 captured bytes, only got 7"
result $? "truncated file: one line, exit 1"

nr 1 -w 0 -f "$T/hdr" -i "$P" && err_is "nmreplay: $T/hdr: no frames to replay"
result $? "file without frames: one line, exit 1"

# A good file (each kind), then the port: no netmap here (or no such port).
for k in us ns ng; do
	nr 1 -w 0 -f "$T/$k" -i "$P" && grep -q "^nmreplay: cannot open $P\$" "$T/err"
	result $? "$k file read, a port that does not open: exit 1, 'cannot open'"
done

nr 1 -w 0 -i "$T/us" -i "$P" && grep -q "^nmreplay: cannot open $P\$" "$T/err"
result $? "two -i: the file read from the first, the port is the second"

# The man page renders and has no lint warnings where the tools exist.
if command -v mandoc >/dev/null 2>&1; then
	mandoc -T lint -W warning "$S/nmreplay.8" >"$T/lint" 2>&1
	result $? "nmreplay.8: mandoc -T lint clean"
fi
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man -l "$S/nmreplay.8" >"$T/man" 2>"$T/manerr" &&
		grep -q 'replay a pcap file through a netmap port' "$T/man" &&
		[ ! -s "$T/manerr" ]
	result $? "nmreplay.8: man -l renders it without warnings"
fi

# make install puts nmreplay and nmreplay.8 in place.
make -s -C "$B" -f "$S/Makefile" install DESTDIR="$T/root" PREFIX=/usr \
	>/dev/null 2>&1 &&
	[ -x "$T/root/usr/bin/nmreplay" ] &&
	cmp -s "$S/nmreplay.8" "$T/root/usr/share/man/man8/nmreplay.8"
result $? "make install: bin/nmreplay and share/man/man8/nmreplay.8"

tap_done
