#!/usr/bin/env bash
# The project stands alone: nothing in it names the team workspace beside
# the checkout, and the build, the test harness and one guest test work from
# a copy of the tree whose parent directory holds nothing else (what a
# user's clone looks like). Run by tests/run after the kernels are fetched
# and built, so that the harness steps below reuse the cache.
# TAP output, then "N passed, N failed"; exit status 1 if anything failed.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/apps/tap.sh"
tap_init standalone
NMT_CACHE=${NETMAP_TEST_CACHE:-/var/cache/netmap-test}

# 1. No tracked file points outside the project.
(cd "$TOP" && git grep -nIE '\.\./shared|shared/(docs|kernel|hooks)|fact sheet|netmap-abi\.md' -- . \
	':!tests/standalone/t_standalone.sh') >"$T/refs"
[ ! -s "$T/refs" ]
rc=$?
sed 's/^/#   /' "$T/refs" | head -n 20
result $rc "no file refers to the workspace beside the checkout ($(wc -l <"$T/refs") references)"

# 2. A copy of the tree (tracked files and the working tree's changes) in
# a directory of its own.
CLONE=$T/alone/netmap
mkdir -p "$CLONE"
(cd "$TOP" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _ |
	cpio -0 -pdm --quiet "$CLONE")
result $? "copy of the tree at $CLONE"
[ "$(ls -A "$T/alone")" = netmap ]
result $? "the copy's parent directory holds nothing else"

step() { # text command...
	local text=$1 rc
	shift
	(cd "$CLONE" && "$@") </dev/null >"$T/log" 2>&1
	rc=$?
	((rc == 0)) || tail -n 25 "$T/log" | sed 's/^/#   /'
	result $rc "$text"
}

step "make apps in the copy" make -s -j2 apps
step "host tests of the headers in the copy" make -s -C tests/abi check
# The harness's own preparation: the kernels are in the cache already, so
# these only find them (and the debug kernel's config fragments) again.
step "fetch-kernels.sh 6.12 from the copy" tests/vm/fetch-kernels.sh 6.12
if [ -r "$NMT_CACHE/kernels/debug.env" ]; then
	step "build-debug-kernel.sh from the copy finds its config fragments" tests/vm/build-debug-kernel.sh
else
	n=$((n + 1))
	echo "ok $n - build-debug-kernel.sh from the copy # SKIP the debug kernel is not built"
fi
# One guest, booted by the copy's harness with the copy's module and apps.
step "a 6.12 guest of the copy runs t_pipe" tests/run --no-host --kernels=6.12 --tests='t_pipe' \
	--work="$T/work" --quiet
grep -qE '^[1-9][0-9]* passed, 0 failed$' "$T/log"
result $? "the copy's guest run passed tests ($(grep -E '^[0-9]+ passed' "$T/log" | tail -n1))"

tap_done
