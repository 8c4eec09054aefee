# TAP helpers sourced by the t_*.sh guest tests (busybox sh):
#   . "$(dirname "$0")/libtap.sh"
# sets T (a scratch directory), counts results, and defines
#   result STATUS TEXT   ok/not ok line (STATUS 0 = pass)
#   show FILE...         copy outputs into the log as TAP comments
#   has FILE REGEX       grep -E for REGEX in FILE
#   tap_end              remove T, print the plan, exit status 0 iff all passed
#   need_two_nics        skip the whole test unless NETMAP_NICS names two NICs

T=/tmp/$(basename "$0" .sh).$$
mkdir -p "$T"
n=0
fail=0

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=$((fail + 1))
	fi
}

show() {
	for f in "$@"; do
		sed 's/^/# /' "$f"
	done
}

has() { grep -Eq -- "$2" "$1"; }

tap_end() {
	rm -rf "$T"
	echo "1..$n"
	[ $fail -eq 0 ]
}

need_two_nics() {
	set -- $NETMAP_NICS
	if [ $# -lt 2 ]; then
		rm -rf "$T"
		echo "1..0 # SKIP needs two NICs on one hub (NETMAP_NICS='$NETMAP_NICS')"
		exit 0
	fi
}
