#!/usr/bin/env bash
# The package tests, one step per call (tests/run's "packages" section runs
# them in this order; each exits non-zero on failure):
#   debs       make deb from a clean copy of the tree (build dependencies
#              apt-installed when missing); the three .debs and their contents
#   lintian    lintian --pedantic on them: no error, no warning
#   chroot     a fresh Debian 12 chroot (tests/pkg/chroot.sh, cached)
#   install    dpkg -i of the .debs into it, with the guests' 6.12 and 6.1
#              kernel headers present: the package's postinst has DKMS build
#              and install netmap.ko for both
#   drivers    /etc/netmap/dkms.conf with DRIVERS= and linux-source-6.12
#              installed: DKMS builds netmap.ko and the netmap-enabled
#              drivers from the tarball and puts them in updates/
#   pkgconfig  a libnetmap program built and linked in the chroot with
#              pkg-config --cflags --libs libnetmap
#   dkmsmake   netmap-dkms purged, make dkms-install from a copy of the tree
#              installs netmap.ko for 6.12, make dkms-uninstall removes it
#   guest      a 6.12 guest boots with the DKMS netmap.ko and moves COUNT
#              frames over a netmap pipe with the package's pkt-gen; writes
#              WORK/pkg/guest/run/result
#
# usage: tests/pkg/pkg.sh WORK STEP [--count N] [--quiet]
# The chroot is WORK/pkg/root, the packages WORK/pkg/debs.
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
source "$(dirname "$0")/../vm/lib.sh"

PKG_DIR=$NMT_REPO/tests/pkg
BUILD_DEPS=(debhelper dh-dkms dkms dpkg-dev fakeroot libpcap-dev pkg-config lintian debootstrap cpio)
PACKAGES=(netmap-dkms libnetmap-dev netmap-tools)
COUNT=1000000 QUIET=()
MOUNTS=()

VERSION=$(cat "$NMT_REPO/VERSION")

in_root() {
	chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"
}

deb_of() { # package
	local f
	f=$(find "$DEBS" -maxdepth 1 -name "${1}_${VERSION}_*.deb" -print -quit)
	[[ -n $f ]] || die "no $1 .deb in $DEBS (run the debs step)"
	echo "$f"
}

# --- debs -------------------------------------------------------------
step_debs() {
	local deb
	nmt_need_packages "${BUILD_DEPS[@]}"
	rm -rf "$DEBS"
	make -C "$NMT_REPO" --no-print-directory deb DEB_OUT="$DEBS"
	for deb in "${PACKAGES[@]}"; do
		deb_of "$deb" >/dev/null
	done
	# What each package must hold (lists read whole: grep -q would cut the pipe).
	local dkms dev tools conf multiarch f
	dkms=$(dpkg-deb -c "$(deb_of netmap-dkms)")
	dev=$(dpkg-deb -c "$(deb_of libnetmap-dev)")
	tools=$(dpkg-deb -c "$(deb_of netmap-tools)")
	multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
	grep -q " ./usr/src/netmap-$VERSION/dkms.conf$" <<<"$dkms" ||
		die "netmap-dkms has no /usr/src/netmap-$VERSION/dkms.conf"
	conf=$(dpkg-deb --fsys-tarfile "$(deb_of netmap-dkms)" | tar -xO "./usr/src/netmap-$VERSION/dkms.conf")
	grep -qx "PACKAGE_VERSION=\"$VERSION\"" <<<"$conf" || die "netmap-dkms's dkms.conf is not at version $VERSION"
	grep -q '^dkms\b' <<<"$(dpkg-deb -f "$(deb_of netmap-dkms)" Depends | tr ',' '\n' | sed 's/^ *//')" ||
		die "netmap-dkms does not depend on dkms"
	for f in usr/share/man/man4/netmap.4.gz \
		usr/share/man/man4/vale.4.gz; do
		grep -q " ./$f$" <<<"$dkms" || die "netmap-dkms has no /$f"
	done
	for f in usr/include/libnetmap.h usr/include/net/netmap.h usr/include/net/netmap_user.h \
		"usr/lib/$multiarch/libnetmap.a" "usr/lib/$multiarch/pkgconfig/libnetmap.pc" \
		usr/share/man/man3/libnetmap.3.gz; do
		grep -q " ./$f$" <<<"$dev" || die "libnetmap-dev has no /$f"
	done
	! grep -q '\.so' <<<"$dev" || die "libnetmap-dev ships a shared library"
	for f in usr/bin/pkt-gen usr/bin/netmap-bridge usr/bin/vale-ctl usr/bin/lb usr/bin/dedup usr/bin/tlem \
		usr/bin/nmreplay usr/share/man/man8/nmreplay.8.gz \
		usr/share/man/man8/lb.8.gz usr/share/man/man8/dedup.8.gz usr/share/man/man8/tlem.8.gz \
		usr/share/man/man8/pkt-gen.8.gz usr/share/man/man8/netmap-bridge.8.gz \
		usr/share/man/man8/vale-ctl.8.gz \
		usr/share/doc/netmap-tools/examples/60-netmap.rules; do
		grep -q " ./$f$" <<<"$tools" || die "netmap-tools has no /$f"
	done
	! grep -q 'udev/rules.d' <<<"$tools" || die "netmap-tools installs an active udev rule"
	grep -q ' ./usr/share/man/man8/pkt-gen-b.8.gz -> pkt-gen.8.gz$' <<<"$tools" ||
		die "netmap-tools has no pkt-gen-b.8.gz link to pkt-gen.8.gz"
	! grep -q 'man8/bridge\.8' <<<"$tools" || die "netmap-tools ships bridge.8 (iproute2 has one)"
	echo "built:" "$DEBS"/*.deb
}

# --- lintian ------------------------------------------------------------
step_lintian() {
	local changes out
	nmt_need_packages lintian
	changes=$(find "$DEBS" -maxdepth 1 -name "netmap_${VERSION}_*.changes" -print -quit)
	[[ -n $changes ]] || die "no .changes in $DEBS"
	out=$(lintian --pedantic --fail-on error,warning "$changes" 2>&1) || { echo "$out"; die "lintian failed"; }
	echo "$out" | grep -E '^[EWIP]: ' || echo "lintian: nothing to say"
}

# --- chroot -------------------------------------------------------------
step_chroot() {
	"$PKG_DIR/chroot.sh" "$ROOT"
	in_root dpkg-query -W dkms pkg-config >/dev/null
}

# --- mounts for the steps that build modules ------------------------------
# The guests' kernel trees (headers) at their own paths, read-only, and
# /lib/modules/KREL/build pointing at them, as a headers package would.
umount_all() {
	local m i
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		m=${MOUNTS[i]}
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	MOUNTS=()
}

bind_ro() { # host-dir
	mkdir -p "$ROOT$1"
	mountpoint -q "$ROOT$1" && return 0
	mount --bind "$1" "$ROOT$1"
	MOUNTS+=("$ROOT$1")
	mount -o remount,bind,ro "$ROOT$1"
}

mount_kernel() { # series
	nmt_load_kernel "$1"
	bind_ro "${NMT_KBUILD%/usr/src/*}"
	mkdir -p "$ROOT/lib/modules/$NMT_KREL"
	ln -sfn "$NMT_KBUILD" "$ROOT/lib/modules/$NMT_KREL/build"
}

mount_sys() {
	mountpoint -q "$ROOT/proc" || { mount -t proc proc "$ROOT/proc"; MOUNTS+=("$ROOT/proc"); }
}

# The kernels (series) prepared for the guests, 6.12 first.
KERNELS=(6.12 6.1)
fetch_kernels() { "$NMT_VM_DIR/fetch-kernels.sh" "${KERNELS[@]}" >&2; }

krel_of() { (nmt_load_kernel "$1" && echo "$NMT_KREL"); }

check_module() { # krel file: a module built for that kernel
	local vm
	[[ -f $ROOT$2 ]] || die "no $2 in the chroot"
	vm=$(modinfo -F vermagic "$ROOT$2")
	[[ ${vm%% *} == "$1" ]] || die "$2: vermagic '$vm', not for $1"
	echo "$2: $vm"
}

# --- install -------------------------------------------------------------
step_install() {
	local s krel d
	fetch_kernels
	trap umount_all EXIT
	mount_sys
	for s in "${KERNELS[@]}"; do
		mount_kernel "$s"
	done
	mkdir -p "$ROOT/tmp/debs"
	rm -f "$ROOT"/tmp/debs/*.deb
	for d in "${PACKAGES[@]}"; do
		cp "$(deb_of "$d")" "$ROOT/tmp/debs/"
	done
	rm -f "$ROOT/etc/netmap/dkms.conf"
	in_root sh -c 'dpkg -i /tmp/debs/*.deb'
	for d in "${PACKAGES[@]}"; do
		in_root dpkg-query -W -f='${Package} ${Version} ${Status}\n' "$d" | grep -x "$d $VERSION install ok installed" ||
			die "$d is not installed in the chroot"
	done
	in_root dkms status netmap
	for s in "${KERNELS[@]}"; do
		krel=$(krel_of "$s")
		grep -q ': installed' <<<"$(in_root dkms status -m netmap -v "$VERSION" -k "$krel")" ||
			die "dpkg -i: DKMS did not install netmap for $krel"
		check_module "$krel" "/lib/modules/$krel/updates/dkms/netmap.ko"
		# Without /etc/netmap/dkms.conf: netmap.ko alone.
		[[ $(find "$ROOT/lib/modules/$krel/updates" -name '*.ko*' | wc -l) == 1 ]] ||
			die "more than netmap.ko installed for $krel without DRIVERS"
	done
	krel=$(krel_of 6.12)
	cp "$ROOT/lib/modules/$krel/updates/dkms/netmap.ko" "$PKG_WORK/netmap-6.12.ko"
}

# --- drivers ---------------------------------------------------------------
step_drivers() {
	local krel version deb m mods=(netmap 8139cp r8169 e1000 virtio_net veth)
	fetch_kernels
	krel=$(krel_of 6.12)
	trap umount_all EXIT
	mount_sys
	mount_kernel 6.12
	# Debian's linux-source-6.12 (the harness keeps its .deb in the cache).
	version=$(nmt_apt_candidate linux-source-6.12)
	[[ -n $version ]] || { nmt_apt_update; version=$(nmt_apt_candidate linux-source-6.12); }
	deb=$(nmt_apt_fetch "linux-source-6.12=$version")
	cp "$deb" "$ROOT/tmp/linux-source.deb"
	in_root dpkg -i /tmp/linux-source.deb
	rm -f "$ROOT/tmp/linux-source.deb"
	[[ -f $ROOT/usr/src/linux-source-6.12.tar.xz ]] || die "linux-source-6.12 has no /usr/src/linux-source-6.12.tar.xz"
	# As README.md says: remove the build, change the file, install again
	# (DKMS judges a build by the modules dkms.conf lists, drivers included).
	rm -f "$ROOT/etc/netmap/dkms.conf"
	in_root dkms remove "netmap/$VERSION" -k "$krel"
	[[ ! -e $ROOT/lib/modules/$krel/updates/dkms/netmap.ko ]] || die "dkms remove left netmap.ko for $krel"
	mkdir -p "$ROOT/etc/netmap"
	printf '# written by tests/pkg/pkg.sh\nDRIVERS="realtek e1000 virtio_net veth"\n' >"$ROOT/etc/netmap/dkms.conf"
	in_root dkms install "netmap/$VERSION" -k "$krel"
	for m in "${mods[@]}"; do
		check_module "$krel" "/lib/modules/$krel/updates/dkms/$m.ko"
	done
	# The patched drivers: ours, from the 6.12 tarball.
	grep -q 'nm_native' <(strings "$ROOT/lib/modules/$krel/updates/dkms/e1000.ko") ||
		die "the DKMS e1000.ko does not call netmap"
	in_root sh -c "grep -q 'extracting .* /usr/src/linux-source-6.12.tar.xz' /var/lib/dkms/netmap/$VERSION/$krel/*/log/make.log" ||
		die "the DKMS build log does not show the tarball extraction"
	# Leave the chroot as it was: no drivers.
	rm -f "$ROOT/etc/netmap/dkms.conf"
}

# --- pkgconfig ---------------------------------------------------------------
step_pkgconfig() {
	local flags
	flags=$(in_root pkg-config --cflags --libs libnetmap)
	echo "pkg-config --cflags --libs libnetmap: $flags"
	[[ " $flags " == *" -lnetmap "* ]] || die "pkg-config gives no -lnetmap"
	[[ $(in_root pkg-config --modversion libnetmap) == "$VERSION" ]] || die "libnetmap.pc is not at version $VERSION"
	cp "$PKG_DIR/nm_pc_open.c" "$ROOT/tmp/nm_pc_open.c"
	in_root sh -c 'cc -Wall -Wextra -Werror -O2 -o /usr/bin/nm_pc_open /tmp/nm_pc_open.c $(pkg-config --cflags --libs libnetmap)'
	# libnetmap is static: the program needs only libc (and the loader).
	in_root ldd /usr/bin/nm_pc_open
	! grep -q netmap <<<"$(in_root ldd /usr/bin/nm_pc_open)" || die "nm_pc_open links a shared libnetmap"
	# (Outputs read whole: grep -q on a pipe would cut it, and pipefail fail.)
	grep -q ' T nmport_open$' <<<"$(in_root nm /usr/bin/nm_pc_open)" || die "nm_pc_open does not contain nmport_open"
	in_root ldd /usr/bin/pkt-gen
}

# --- dkmsmake ---------------------------------------------------------------
# make dkms-install / dkms-uninstall from a copy of the tree, in the chroot
# once netmap-dkms is purged (the same module name and version).
step_dkmsmake() {
	local krel tree=/tmp/tree out
	fetch_kernels
	krel=$(krel_of 6.12)
	trap umount_all EXIT
	mount_sys
	mount_kernel 6.12
	in_root dpkg --purge netmap-dkms
	[[ ! -e $ROOT/usr/src/netmap-$VERSION && -z $(in_root dkms status netmap) ]] ||
		die "dpkg --purge netmap-dkms left netmap in DKMS or /usr/src"
	rm -rf "${ROOT:?}$tree"
	mkdir -p "$ROOT$tree"
	if git -C "$NMT_REPO" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		(cd "$NMT_REPO" && git ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do [[ -e $f ]] && printf '%s\0' "$f"; done |
			cpio -0 -pdm --quiet "$ROOT$tree")
	else
		(cd "$NMT_REPO" && tar --exclude=./build --exclude=./.git -cf - .) | tar -C "$ROOT$tree" -xf -
	fi
	in_root make -C "$tree" dkms-install DKMS_KERNEL="$krel"
	out=$(in_root dkms status -m netmap -v "$VERSION" -k "$krel")
	echo "$out"
	grep -q ': installed' <<<"$out" || die "make dkms-install did not install netmap for $krel"
	check_module "$krel" "/lib/modules/$krel/updates/dkms/netmap.ko"
	in_root make -C "$tree" dkms-uninstall
	[[ -z $(in_root dkms status netmap) && ! -e $ROOT/usr/src/netmap-$VERSION &&
		! -e $ROOT/lib/modules/$krel/updates/dkms/netmap.ko ]] ||
		die "make dkms-uninstall left netmap behind"
	rm -rf "${ROOT:?}$tree"
}

# --- guest ---------------------------------------------------------------
step_guest() {
	local gwork="$PKG_WORK/guest" payload rc=0
	fetch_kernels
	[[ -f $PKG_WORK/netmap-6.12.ko ]] || die "no DKMS-built netmap.ko (run the install step)"
	grep -q '^netmap-tools:' <<<"$(in_root dpkg -S /usr/bin/pkt-gen)" || die "/usr/bin/pkt-gen is not netmap-tools'"
	[[ -x $ROOT/usr/bin/nm_pc_open ]] || die "no nm_pc_open in the chroot (run the pkgconfig step)"
	mkdir -p "$gwork"
	payload="$gwork/payload.sh"
	nmt_make_payload "$payload" "COUNT=$COUNT VERSION=$VERSION" "$PKG_DIR/guest-payload.sh"
	"$NMT_VM_DIR/run-guest.sh" 6.12 --src "$NMT_REPO" --ko "$PKG_WORK/netmap-6.12.ko" \
		--payload "$payload" --root-bin "$ROOT:/usr/bin/pkt-gen" --root-bin "$ROOT:/usr/bin/nm_pc_open" \
		--timeout 900 --guest-timeout 1200 --work "$gwork" "${QUIET[@]}" || rc=$?
	return "$rc"
}

main() {
	(($# >= 2)) || die "usage: $0 WORK STEP [--count N] [--quiet]"
	local work=$1 step=$2
	shift 2
	while (($#)); do
		case $1 in
		--count) COUNT=$2; shift 2 ;;
		--quiet) QUIET=(--quiet); shift ;;
		*) die "unknown option $1" ;;
		esac
	done
	PKG_WORK="$work/pkg"
	ROOT="$PKG_WORK/root"
	DEBS="$PKG_WORK/debs"
	mkdir -p "$PKG_WORK"
	case $step in
	debs | lintian | chroot | install | drivers | pkgconfig | dkmsmake | guest) "step_$step" ;;
	*) die "unknown step '$step'" ;;
	esac
}

main "$@"
