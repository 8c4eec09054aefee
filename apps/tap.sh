# Sourced by the apps' host test runners (apps/*/tests/run.sh):
#   . "$(dirname "$0")/../../tap.sh"; tap_init NAME
# sets T (a scratch directory, removed at exit) and defines
#   result STATUS TEXT   ok/not ok line (STATUS 0 = pass)
#   tap_done             plan, "N passed, N failed", status 0 iff all passed
n=0
fail=0

tap_init() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/$1-test.XXXXXX") || exit 1
	trap 'rm -rf "$T"' EXIT
}

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=$((fail + 1))
	fi
}

tap_done() {
	echo "1..$n"
	echo "$((n - fail)) passed, $fail failed"
	[ $fail -eq 0 ]
}
