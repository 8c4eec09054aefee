#!/bin/sh
# Run the given TAP test programs, echo their output, and print a summary
# line "N passed, N failed".  A program that exits non-zero without having
# reported a failure (crash, missing plan) counts as one more failure.
passed=0
failed=0
for t in "$@"; do
	echo "# $t"
	case $t in
	*/*) out=$("$t" 2>&1) ;;
	*) out=$(./"$t" 2>&1) ;;
	esac
	rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $t exited with status $rc"
		failed=$((failed + 1))
	elif ! printf '%s\n' "$out" | grep -q '^1\.\.[0-9]'; then
		echo "not ok - $t printed no plan"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
