# shellcheck shell=sh
# Guest side of the package test (tests/pkg/pkg.sh guest), after COUNT=N
# and VERSION=V in /payload.sh: netmap.ko is the one DKMS built in the chroot, and
# /usr/bin holds the netmap-tools pkt-gen and nm_pc_open (built there with
# pkg-config), dynamically linked, with the chroot's libraries. TAP.
n=0
fail=0
check() { # status text
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}

echo "1..6"
grep -q "^netmap " /proc/modules && [ "$(cat /sys/module/netmap/version)" = "$VERSION" ]
check $? "the DKMS netmap.ko is loaded, version $VERSION ($(cat /sys/module/netmap/version 2>/dev/null))"
[ -x /usr/bin/pkt-gen ] && [ ! -e /bin/pkt-gen ] && [ -e /lib64/ld-linux-x86-64.so.2 ]
check $? "pkt-gen is the package's /usr/bin/pkt-gen, with its dynamic loader"

/usr/bin/nm_pc_open 'netmap:pipe{9' >/tmp/open.out 2>&1
rc=$?
sed 's/^/# /' /tmp/open.out
[ $rc = 0 ] && grep -q '^netmap:pipe{9: 1 tx rings, 1 rx rings' /tmp/open.out
check $? "a program built with pkg-config's libnetmap flags opens netmap:pipe{9 (exit $rc)"

/usr/bin/pkt-gen -i 'netmap:pipe{1' -f rx >/tmp/rx.out 2>&1 &
rx=$!
sleep 2
timeout -s INT -k 5 600 /usr/bin/pkt-gen -i 'netmap:pipe}1' -f tx -n "$COUNT" >/tmp/tx.out 2>&1
rc=$?
sed 's/^/# tx: /' /tmp/tx.out
grep -q "^Sent $COUNT packets " /tmp/tx.out
check $? "pkt-gen tx on netmap:pipe}1 sent $COUNT frames (exit $rc)"
# The receiver has nothing more to wait for once the sender is gone.
sleep 3
kill -INT $rx 2>/dev/null
t=0
while kill -0 $rx 2>/dev/null && [ $t -lt 10 ]; do
	sleep 1
	t=$((t + 1))
done
kill -KILL $rx 2>/dev/null
wait $rx
rc=$?
sed 's/^/# rx: /' /tmp/rx.out
[ $rc = 0 ]
check $? "pkt-gen rx on netmap:pipe{1 ended on SIGINT with status 0 (got $rc)"
grep -q "^Received $COUNT packets " /tmp/rx.out
check $? "pkt-gen rx reports all $COUNT frames received"
exit $fail
