#!/usr/bin/env bash
# Build the debug kernel (KASAN, kmemleak, lockdep, KFENCE) from Debian's
# linux-source-6.12 and the config fragment tests/vm/debug.config (the
# debugging options on top of tinyconfig) followed by what netmap's tests
# need (tests/vm/debug-netmap.config):
# tinyconfig + merge_config.sh -m + olddefconfig, then bzImage and modules.
# The built tree is cached by (source version, sha of both fragments); a
# cached rerun takes seconds.
#
# usage: build-debug-kernel.sh
# env:   NETMAP_DEBUG_CONFIG  another base fragment instead of tests/vm/debug.config
# Result: $NETMAP_TEST_CACHE/kernels/debug.env (see lib.sh).
set -euo pipefail
# shellcheck source=tests/vm/lib.sh
source "$(dirname "$0")/lib.sh"

SRC_PKG=linux-source-6.12

# The base fragment and ours, in one file named after its contents.
fragment_path() {
	local f=${NETMAP_DEBUG_CONFIG:-$NMT_VM_DIR/debug.config}
	local tmp out
	[[ -r $f ]] || die "debug config fragment not found: $f (set NETMAP_DEBUG_CONFIG)"
	mkdir -p "$NMT_CACHE/debug"
	tmp=$(mktemp "$NMT_CACHE/debug/fragment.XXXXXX")
	cat "$f" "$NMT_VM_DIR/debug-netmap.config" >"$tmp"
	out="$NMT_CACHE/debug/fragment-$(nmt_short_sha "$tmp").config"
	mv "$tmp" "$out"
	echo "$out"
}

extract_source() { # version dir
	local deb tarball
	deb=$(nmt_apt_fetch "$SRC_PKG=$1")
	rm -rf "$2"
	mkdir -p "$2/pkg"
	msg "extracting $(basename "$deb")"
	dpkg-deb -x "$deb" "$2/pkg"
	tarball=$(find "$2/pkg/usr/src" -maxdepth 1 -name "$SRC_PKG.tar.*" -print -quit)
	[[ -n $tarball ]] || die "$SRC_PKG has no source tarball"
	tar -xf "$tarball" -C "$2"
	mv "$2/$SRC_PKG" "$2/linux"
	rm -rf "$2/pkg" "$deb"
	touch "$2/extracted"
}

# Every line of the fragment must be in .config as written ("is not set"
# lines may also be satisfied by the option being absent); of an option
# set twice (ours after the base one) the last line counts.
verify_config() { # tree fragment
	local line opt bad=0
	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)= ]]; then
			grep -qxF "$line" "$1/.config" && continue
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			opt=${BASH_REMATCH[1]}
			grep -q "^$opt=" "$1/.config" || continue
		else
			continue
		fi
		msg "config option not applied: $line (have: $(grep -E "^(# )?${BASH_REMATCH[1]}[= ]" "$1/.config" || echo nothing))"
		bad=1
	done < <(tac "$2" | awk '{ o = $0; sub(/^# /, "", o); sub(/[= ].*/, "", o) } !seen[o]++' | tac)
	((bad == 0)) || die "the debug config fragment did not apply fully"
}

configure() { # tree fragment
	msg "configuring: tinyconfig + $(basename "$2")"
	make -C "$1" -s tinyconfig >/dev/null
	(cd "$1" && scripts/kconfig/merge_config.sh -m .config "$2" >/dev/null)
	make -C "$1" -s olddefconfig >/dev/null
	verify_config "$1" "$2"
	msg "configured: all $(grep -cE '^(CONFIG_|# CONFIG_.* is not set)' "$2") options of the fragment applied"
}

compile() { # tree log
	local start=$SECONDS
	msg "building the debug kernel (nice make -j2 bzImage modules; log: $2)"
	if ! nice make -C "$1" -j2 bzImage modules >"$2" 2>&1; then
		tail -n 40 "$2" >&2
		die "debug kernel build failed (log: $2)"
	fi
	msg "debug kernel built in $((SECONDS - start)) s"
}

build() { # version fragment
	local key dir tree
	key="$1-$(nmt_short_sha "$2")"
	dir="$NMT_CACHE/debug/$key"
	tree="$dir/linux"
	if [[ ! -f $dir/complete ]]; then
		[[ -f $dir/extracted ]] || extract_source "$1" "$dir"
		if [[ ! -f $dir/configured ]]; then
			configure "$tree" "$2"
			touch "$dir/configured"
		fi
		compile "$tree" "$dir/build.log"
		rm -rf "$dir/modroot"
		make -C "$tree" -s INSTALL_MOD_PATH="$dir/modroot" modules_install >>"$dir/build.log" 2>&1 ||
			die "debug kernel: modules_install failed (log: $dir/build.log)"
		make -C "$tree" -s kernelrelease >"$dir/complete"
	fi
	# The NIC drivers the native tests replace are modules (debug-netmap.config).
	nmt_write_kernel_env debug "$(cat "$dir/complete")" debug \
		"$tree/arch/x86/boot/bzImage" "$tree" "$dir/modroot/lib/modules/$(cat "$dir/complete")"
	prune "$key"
	msg "debug kernel: $(cat "$dir/complete") ($dir)"
}

# Only the current build is kept: a tree takes a few GiB.
prune() { # key-to-keep
	local d
	for d in "$NMT_CACHE"/debug/*/; do
		[[ -d $d && $(basename "$d") != "$1" ]] || continue
		msg "removing old debug kernel $(basename "$d")"
		rm -rf "$d"
	done
	find "$NMT_CACHE/debug" -maxdepth 1 -name 'fragment-*.config' ! -name "fragment-${1##*-}.config" -delete
}

main() {
	local fragment version
	fragment=$(fragment_path)
	nmt_need_host_tools
	nmt_apt_update_if_stale
	version=$(nmt_apt_candidate "$SRC_PKG")
	if [[ -z $version ]]; then
		nmt_apt_update
		version=$(nmt_apt_candidate "$SRC_PKG")
	fi
	if [[ -z $version ]]; then
		[[ -r $(nmt_kernel_env debug) ]] || die "apt knows no $SRC_PKG"
		msg "warning: apt knows no $SRC_PKG; using the cached debug kernel"
		return 0
	fi
	nmt_with_lock debug-kernel build "$version" "$fragment"
}

main "$@"
