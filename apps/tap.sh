# Sourced by the apps' host test runners (apps/*/tests/run.sh):
#   . "$(dirname "$0")/../../tap.sh"; tap_init NAME
# sets T (a scratch directory, removed at exit) and defines
#   result STATUS TEXT   ok/not ok line (STATUS 0 = pass)
#   tap_run WANT PROG ARGS...  run PROG, stdout in $T/out, stderr in $T/err;
#                        status 0 iff it exited WANT (or WANT is "any")
#   out_has RE, err_has RE   does $T/out / $T/err match the extended RE?
#   tap_unit PROG        run a unit test program, one result per TAP line
#                        it prints, and one for its completing
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

tap_run() {
	want=$1
	prog=$2
	shift 2
	"$prog" "$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$want" = any ] || [ "$got" -eq "$want" ]; then
		return 0
	fi
	echo "# $(basename "$prog") $*: exit $got, expected $want" >&2
	sed 's/^/# /' "$T/err" >&2
	return 1
}

out_has() { grep -Eq -- "$1" "$T/out"; }
err_has() { grep -Eq -- "$1" "$T/err"; }

tap_unit() {
	"$1" >"$T/unit" 2>&1
	urc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok "*) result 0 "unit: ${line#ok * - }" ;;
		"not ok "*) result 1 "unit: ${line#not ok * - }" ;;
		esac
	done <"$T/unit"
	grep -q '^1\.\.' "$T/unit" && st=$urc || st=1
	result "$st" "unit tests ran to completion"
}

tap_done() {
	echo "1..$n"
	echo "$((n - fail)) passed, $fail failed"
	[ $fail -eq 0 ]
}
