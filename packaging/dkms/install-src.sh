#!/usr/bin/env bash
# The netmap tree DKMS builds from: the module's sources, the driver glue
# and patches, configure, VERSION, the DKMS build script, and dkms.conf
# written from dkms.conf.in with the version. Build products are left out.
#
# usage: packaging/dkms/install-src.sh DEST     (e.g. /usr/src/netmap-0.1.0)
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)

main() {
	(($# == 1)) || { echo "usage: $0 DEST" >&2; exit 2; }
	local dest=$1 version
	version=$(cat "$TOP/VERSION")
	[[ $version =~ ^[0-9][0-9A-Za-z.+~]*$ ]] || { echo "$0: bad VERSION '$version'" >&2; exit 1; }
	rm -rf "$dest"
	mkdir -p "$dest/packaging/dkms"
	cp -R "$TOP/kernel" "$TOP/include" "$TOP/drivers" "$dest/"
	install -m 0755 "$TOP/configure" "$dest/configure"
	install -m 0644 "$TOP/VERSION" "$dest/VERSION"
	install -m 0755 "$TOP/packaging/dkms/build.sh" "$dest/packaging/dkms/build.sh"
	sed "s/#MODULE_VERSION#/$version/g" "$TOP/packaging/dkms/dkms.conf.in" >"$dest/dkms.conf"
	chmod 0644 "$dest/dkms.conf"
	# What a build in the checkout left behind, and the drivers' host tests.
	rm -rf "$dest/kernel/drivers-build" "$dest/drivers/realtek/tests"
	find "$dest" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name modules.order -o -name Module.symvers -o -name '*.d' \
		-o -name '.*.d' -o -name '*.a' \) -delete
	find "$dest" -type d -exec chmod 0755 {} + -o -type f ! -perm -u+x -exec chmod 0644 {} +
}

main "$@"
