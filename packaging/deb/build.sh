#!/usr/bin/env bash
# make deb: the Debian packages netmap-dkms, libnetmap-dev and netmap-tools,
# built from a clean copy of the tree (the files git tracks, as they are in
# the working tree, plus new files not ignored; or, outside git, the tree
# without build/ and .git) with dpkg-buildpackage -us -uc -b.
#
# usage: packaging/deb/build.sh [OUT_DIR]     (default: build/deb)
# OUT_DIR gets the .debs, the .buildinfo and .changes, and build.log.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)

msg() { printf '%s\n' "$*" >&2; }
die() { msg "make deb: $*"; exit 1; }

# debian/changelog must carry the version of the file VERSION.
check_version() {
	local version changelog
	version=$(cat "$TOP/VERSION")
	changelog=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$TOP/debian/changelog")
	[[ $changelog == "$version" ]] ||
		die "debian/changelog is at version '$changelog', VERSION says '$version': add a changelog entry"
}

copy_tree() { # dest
	local dest=$1
	mkdir -p "$dest"
	if git -C "$TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		(cd "$TOP" && git ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do [[ -e $f ]] && printf '%s\0' "$f"; done |
			cpio -0 -pdm --quiet "$dest")
	else
		(cd "$TOP" && find . -mindepth 1 \( -path ./build -o -path ./.git \) -prune -o -print0 |
			cpio -0 -pdm --quiet "$dest")
	fi
}

main() {
	local out=${1:-$TOP/build/deb} version src
	check_version
	version=$(cat "$TOP/VERSION")
	mkdir -p "$out"
	out=$(cd "$out" && pwd)
	case $out/ in
	"$TOP"/build/*) ;;
	"$TOP"/*) die "OUT_DIR $out is inside the tree (use build/ or a directory outside)" ;;
	esac
	src="$out/netmap-$version"
	rm -rf "$src"
	rm -f "$out"/*.deb "$out"/*.buildinfo "$out"/*.changes
	copy_tree "$src"
	msg "building the packages in $src (log: $out/build.log)"
	# Run by make: the outer make's flags are not for this build.
	if ! (unset MAKEFLAGS MFLAGS MAKELEVEL; cd "$src" && dpkg-buildpackage -us -uc -b) \
		</dev/null >"$out/build.log" 2>&1; then
		tail -n 40 "$out/build.log" >&2
		die "dpkg-buildpackage failed (log: $out/build.log)"
	fi
	rm -rf "$src"
	ls "$out"/*.deb
}

main "$@"
