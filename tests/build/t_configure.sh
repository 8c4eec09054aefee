#!/usr/bin/env bash
# Host tests of ./configure and of the top Makefile's targets, each in a
# fresh copy of the tree: what every option writes into config.mk, what make
# then runs (make -n), what is refused and how. With a kernel build tree
# (NETMAP_TEST_KBUILD, set by tests/run from the 6.12 guest kernel's headers)
# the module is really built: --mod-name, make all, make distclean.
# TAP output, then "N passed, N failed"; exit status 1 if anything failed.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
KBUILD=${NETMAP_TEST_KBUILD:-}
. "$TOP/apps/tap.sh"
tap_init configure

# A copy of the tracked files (and the working tree's changes to them) as
# a git repository of its own, so "as cloned" can be checked with git.
fresh_tree() {
	rm -rf "$T/tree"
	mkdir -p "$T/tree"
	(cd "$TOP" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _ |
		cpio -0 -pdm --quiet "$T/tree") || return 1
	(cd "$T/tree" && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm tree) || return 1
}

# configure in the copy; its stdout and stderr in $T/out, $T/err.
conf() { (cd "$T/tree" && ./configure "$@") >"$T/out" 2>"$T/err"; }
# The value of VAR in config.mk (after ":=", trailing blanks cut).
val() { sed -n "s/^$1 :=[[:space:]]*//p" "$T/tree/config.mk" | sed 's/[[:space:]]*$//'; }
# Is config.mk absent? (refused and --show-* runs must not write it)
no_config() { [ ! -e "$T/tree/config.mk" ]; }
check() { # text command...
	local text=$1
	shift
	"$@"
	result $? "$text"
}
is() { # got want text
	[ "$1" = "$2" ]
	local rc=$?
	((rc == 0)) || echo "#   got '$1', want '$2'"
	result $rc "$3"
}

fresh_tree || { echo "Bail out! cannot copy the tree"; exit 1; }
all_apps=$(cd "$T/tree" && for m in apps/*/Makefile; do printf 'apps/%s ' "$(basename "$(dirname "$m")")"; done | sed 's/ $//')

# --- --help names every option
conf --help
for o in --kernel-dir= --kernel-version= --kernel-sources= --drivers= --no-drivers --show-drivers \
	--mod-name= --install-mod-path= --enable-FEATURE --disable-FEATURE --apps= --no-apps \
	--show-apps --cc= --prefix=; do
	grep -q -- "^  $o" "$T/out"
	result $? "--help lists $o"
done

# --- defaults
conf
is "$?" 0 "configure with no options succeeds"
is "$(val KDIR)" "/lib/modules/$(uname -r)/build" "default KDIR is the running kernel's build tree"
is "$(val NM_MOD_NAME)" netmap "default module name is netmap"
is "$(val APPS)" "$all_apps" "default APPS is every app"
is "$(val DRIVERS)" "" "no native drivers by default"
is "$(val PREFIX)" /usr/local "default prefix /usr/local"
! grep -q -e '^NM_CC' -e '^INSTALL_MOD_PATH' "$T/tree/config.mk"
result $? "no compiler and no module install path unless asked"
make -s -k -C "$T/tree" -n all >"$T/make" 2>&1
grep -q 'M=.*/kernel  *modules' "$T/make" && grep -q -- '-C lib/libnetmap' "$T/make" && grep -q -- '-C apps/pkt-gen' "$T/make"
result $? "make all builds the module, libnetmap and the apps"

# --- kernel version and build directory
conf --kernel-version=6.12.99-test
is "$(val KDIR)" /lib/modules/6.12.99-test/build "--kernel-version picks /lib/modules/VER/build"
is "$(val KVER)" 6.12.99-test "--kernel-version is written as KVER"
grep -q 'warning: no kernel build tree at /lib/modules/6.12.99-test/build' "$T/err"
result $? "a missing build tree is warned about"
conf --kernel-version=6.12.99-test --kernel-dir="$T/kd"
is "$(val KDIR)" "$T/kd" "--kernel-dir wins over --kernel-version"

# --- apps
conf --apps=pkt-gen,vale-ctl
is "$(val APPS)" "apps/pkt-gen apps/vale-ctl" "--apps=pkt-gen,vale-ctl is written"
make -s -k -C "$T/tree" -n apps >"$T/make" 2>&1
grep -q -- '-C apps/pkt-gen' "$T/make" && grep -q -- '-C apps/vale-ctl' "$T/make" && ! grep -q -- '-C apps/bridge' "$T/make"
result $? "make apps builds only the chosen apps"
conf --no-apps
is "$(val APPS)" "" "--no-apps writes no apps"
make -s -k -C "$T/tree" -n apps >"$T/make" 2>&1
grep -q -- '-C lib/libnetmap' "$T/make" && ! grep -q -- '-C apps/' "$T/make"
result $? "with --no-apps make apps builds libnetmap only"
rm -f "$T/tree/config.mk"
conf --apps=pkt-gen,nosuchapp
[ $? -eq 1 ] && grep -q "unknown app 'nosuchapp'" "$T/err" && no_config
result $? "--apps with an unknown app fails, names it and writes nothing"
conf --show-apps
[ $? -eq 0 ] && no_config && grep -q '^pkt-gen  *pkt-gen pkt-gen-b$' "$T/out" &&
	[ "$(wc -l <"$T/out")" -eq "$(echo "$all_apps" | wc -w)" ]
result $? "--show-apps lists every app with its programs and writes nothing"

# --- drivers
conf --show-drivers
ok=$?
for g in "$T"/tree/drivers/*/; do
	g=$(basename "$g")
	grep -q "^$g  *modules: .* series: .*6\.12" "$T/out" || ok=1
done
[ $ok -eq 0 ] && no_config && grep -q '^realtek  *modules: 8139cp r8169 ' "$T/out"
result $? "--show-drivers lists every driver group, its modules and series"
mkdir -p "$T/src612" "$T/src510"
printf 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n' >"$T/src612/Makefile"
printf 'VERSION = 5\nPATCHLEVEL = 10\nSUBLEVEL = 0\n' >"$T/src510/Makefile"
conf --show-drivers --kernel-sources="$T/src612"
[ $? -eq 0 ] && [ "$(wc -l <"$T/out")" -eq "$(ls -d "$T"/tree/drivers/*/patches/6.12 | wc -l)" ] &&
	grep -q '^veth  *modules: veth' "$T/out"
result $? "--show-drivers with 6.12 sources lists the drivers patched for 6.12"
conf --show-drivers --kernel-sources="$T/src510"
[ $? -eq 0 ] && [ ! -s "$T/out" ]
result $? "--show-drivers with 5.10 sources lists none"
conf --drivers=e1000,nosuchnic --kernel-sources="$T/src612"
[ $? -eq 1 ] && grep -q "unknown driver 'nosuchnic'" "$T/err" && no_config
result $? "an unknown driver is refused by name"
conf --drivers=e1000 --kernel-sources="$T/src510"
[ $? -eq 1 ] && grep -q "driver 'e1000' has no patches for Linux 5.10" "$T/err" && no_config
result $? "a kernel series without our patch is refused"
conf --drivers=e1000
[ $? -eq 1 ] && grep -q -- '--drivers needs --kernel-sources' "$T/err"
result $? "--drivers without --kernel-sources is refused"
mkdir -p "$T/tree/kernel/drivers-build/e1000"
conf --drivers=e1000 --no-drivers
[ $? -eq 0 ] && [ "$(val DRIVERS)" = "" ] && [ "$(val NM_DRIVER_DIRS)" = "" ] && [ ! -e "$T/tree/kernel/drivers-build" ]
result $? "--no-drivers cancels --drivers and removes earlier driver copies"
conf --no-ext-drivers
[ $? -eq 0 ] && [ "$(val DRIVERS)" = "" ]
result $? "--no-ext-drivers is still accepted"

# --- module name, install path, compiler
conf --mod-name=netmap_lin
is "$(val NM_MOD_NAME)" netmap_lin "--mod-name is written"
for bad in 9netmap net-map 'a.b' ''; do
	conf --mod-name="$bad"
	[ $? -eq 1 ] && grep -q 'not a valid module name' "$T/err"
	result $? "--mod-name='$bad' is refused"
done
conf --install-mod-path="$T/root"
is "$(val INSTALL_MOD_PATH)" "$T/root" "--install-mod-path is written"
make -s -k -C "$T/tree" -n install-modules >"$T/make" 2>&1
grep -q "INSTALL_MOD_PATH=$T/root modules_install" "$T/make"
result $? "make install-modules installs under --install-mod-path"
conf
make -s -k -C "$T/tree" -n install-modules DESTDIR="$T/dest" >"$T/make" 2>&1
grep -q "INSTALL_MOD_PATH=$T/dest modules_install" "$T/make"
result $? "without it, modules go under DESTDIR"
conf --cc=gcc
is "$(val NM_CC)" gcc "--cc is written"
make -s -k -C "$T/tree" -n all >"$T/make" 2>&1
grep -q 'M=.*/kernel CC=gcc modules' "$T/make" && grep -q -- '-C lib/libnetmap CC=gcc' "$T/make" &&
	grep -q -- '-C apps/bridge CC=gcc' "$T/make"
result $? "the compiler reaches kbuild, libnetmap and the apps"
conf --cc=/no/such/cc
[ $? -eq 1 ] && grep -q -- '--cc=/no/such/cc: no such compiler' "$T/err"
result $? "a compiler that does not exist is refused"
conf --prefix='/opt/with space'
[ $? -eq 1 ] && grep -q 'may not contain spaces' "$T/err"
result $? "a path with a space is refused"
conf --bogus
[ $? -eq 1 ] && grep -q "unknown option '--bogus'" "$T/err"
result $? "an unknown option is refused"
conf --enable-nosuch
[ $? -eq 1 ] && grep -q "unknown feature 'nosuch'" "$T/err"
result $? "an unknown feature is refused"
conf --disable-vale --disable-pipe
[ "$(val NM_VALE)" = n ] && [ "$(val NM_PIPE)" = n ] && [ "$(val NM_GENERIC)" = y ]
result $? "--disable-FEATURE turns off exactly that feature"
conf
[ "$(val NM_MONITOR)" = y ] && grep -q '^  monitor *yes$' "$T/out"
result $? "copy monitors are built by default"
conf --disable-monitor
[ "$(val NM_MONITOR)" = n ] && [ "$(val NM_PIPE)" = y ] && grep -q '^  monitor *no$' "$T/out"
result $? "--disable-monitor leaves them out"

# --- distclean: the tree as cloned again
fresh_tree
conf --apps=pkt-gen --mod-name=netmap_x
make -s -C "$T/tree" apps >"$T/make" 2>&1 && [ -x "$T/tree/apps/pkt-gen/pkt-gen" ]
result $? "make apps builds the chosen app"
make -s -C "$T/tree" distclean >"$T/make" 2>&1
st=$(cd "$T/tree" && git status --porcelain --ignored)
[ -z "$st" ]
result $? "make distclean leaves the tree as cloned${st:+ (left: $(echo $st))}"

# --- real module builds, against a kernel build tree
if [ -z "$KBUILD" ] || [ ! -f "$KBUILD/Makefile" ]; then
	for t in "make all builds netmap.ko and the apps" "--mod-name=netmap_lin builds netmap_lin.ko" \
		"make distclean after a module build leaves the tree as cloned"; do
		n=$((n + 1))
		echo "ok $n - $t # SKIP no kernel build tree (NETMAP_TEST_KBUILD)"
	done
else
	fresh_tree
	conf --kernel-dir="$KBUILD"
	make -s -C "$T/tree" -j2 all >"$T/make" 2>&1
	rc=$?
	((rc == 0)) || sed 's/^/#   /' "$T/make" | tail -n 20
	[ $rc -eq 0 ] && [ -f "$T/tree/kernel/netmap.ko" ] && [ -x "$T/tree/apps/pkt-gen/pkt-gen" ] &&
		[ -x "$T/tree/apps/vale-ctl/vale-ctl" ] && [ -f "$T/tree/lib/libnetmap/libnetmap.a" ]
	result $? "make all builds netmap.ko and the apps"
	conf --kernel-dir="$KBUILD" --mod-name=netmap_lin --no-apps
	make -s -C "$T/tree" -j2 modules >"$T/make" 2>&1
	[ -f "$T/tree/kernel/netmap_lin.ko" ] && [ "$(modinfo -F name "$T/tree/kernel/netmap_lin.ko")" = netmap_lin ]
	result $? "--mod-name=netmap_lin builds netmap_lin.ko"
	make -s -C "$T/tree" distclean >"$T/make" 2>&1
	st=$(cd "$T/tree" && git status --porcelain --ignored)
	[ -z "$st" ]
	result $? "make distclean after a module build leaves the tree as cloned${st:+ (left: $(echo $st))}"
fi

tap_done
