# shellcheck shell=bash
# Helpers shared by the scripts in tests/vm/ and bench/.  Source it; it
# defines functions and a few variables and runs nothing else.

NMT_CACHE=${NETMAP_TEST_CACHE:-/var/cache/netmap-test}
NMT_VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NMT_REPO=$(cd "$NMT_VM_DIR/../.." && pwd)

msg() { printf '%s\n' "$*" >&2; }
die() { msg "error: $*"; exit 1; }

# Series we know how to fetch, and the apt name pattern of their newest
# unsigned image (the version part is a regular expression).
nmt_image_pattern() {
	case $1 in
	6.12) echo '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
	6.1) echo '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' ;;
	*) return 1 ;;
	esac
}

# File written for each fetched or built kernel; run-guest.sh reads it.
nmt_kernel_env() { echo "$NMT_CACHE/kernels/$1.env"; }

# Load a kernel description: NMT_KNAME, NMT_KREL, NMT_KIND (stock|debug),
# NMT_VMLINUZ, NMT_KBUILD, NMT_MODULES (may be empty).
nmt_load_kernel() {
	local env
	env=$(nmt_kernel_env "$1")
	[[ -r $env ]] || die "kernel '$1' is not prepared ($env missing): run fetch-kernels.sh or build-debug-kernel.sh"
	# shellcheck disable=SC1090
	source "$env"
	[[ -r $NMT_VMLINUZ && -d $NMT_KBUILD ]] || die "kernel '$1': $env points to missing files"
}

nmt_write_kernel_env() { # name krel kind vmlinuz kbuild modules
	local env tmp
	env=$(nmt_kernel_env "$1")
	mkdir -p "$(dirname "$env")"
	tmp=$env.tmp.$$
	{
		printf 'NMT_KNAME=%q\n' "$1"
		printf 'NMT_KREL=%q\n' "$2"
		printf 'NMT_KIND=%q\n' "$3"
		printf 'NMT_VMLINUZ=%q\n' "$4"
		printf 'NMT_KBUILD=%q\n' "$5"
		printf 'NMT_MODULES=%q\n' "$6"
	} >"$tmp"
	mv "$tmp" "$env"
}

# apt: refresh the package lists when they are missing or older than
# NETMAP_TEST_APT_MAX_AGE minutes (default 720), so that a new Debian kernel
# is noticed without paying for an update on every run.
nmt_apt_lists_fresh() {
	local max=${NETMAP_TEST_APT_MAX_AGE:-720}
	compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null || return 1
	[[ -z $(find /var/lib/apt/lists -maxdepth 1 -name '*InRelease' -mmin "+$max" -print -quit) ]]
}

NMT_APT_UPDATED=0
nmt_apt_update() {
	((NMT_APT_UPDATED)) && return 0
	NMT_APT_UPDATED=1
	msg "apt-get update"
	apt-get update -qq >&2 || msg "warning: apt-get update failed; using the package lists as they are"
}

nmt_apt_update_if_stale() {
	nmt_apt_lists_fresh || nmt_apt_update
}

# Install host packages that are missing (Debian names).
nmt_need_packages() {
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	((${#missing[@]})) || return 0
	[[ $(id -u) == 0 ]] || die "missing packages ${missing[*]} (run as root to install them)"
	nmt_apt_lists_fresh || nmt_apt_update
	msg "installing ${missing[*]}"
	# A failure may come from package lists older than the mirror: refresh once.
	nmt_apt_install "${missing[@]}" || { nmt_apt_update && nmt_apt_install "${missing[@]}"; } ||
		die "apt-get install ${missing[*]} failed"
}

nmt_apt_install() {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

NMT_HOST_PACKAGES=(qemu-system-x86 busybox-static build-essential cpio xz-utils zstd kmod
	bc bison flex libelf-dev libssl-dev libpcap-dev pahole iproute2 ethtool)

nmt_need_host_tools() { nmt_need_packages "${NMT_HOST_PACKAGES[@]}"; }

# Download PKG=VERSION (or PKG) into the deb cache unless already there;
# prints the path of the .deb.
nmt_apt_fetch() {
	local spec=$1 dir="$NMT_CACHE/debs" name ver deb
	name=${spec%%=*}
	ver=${spec#*=}
	[[ $ver == "$spec" ]] && ver=$(nmt_apt_candidate "$name")
	[[ -n $ver ]] || die "apt knows no version of $name"
	mkdir -p "$dir"
	deb=$(find "$dir" -maxdepth 1 -name "${name}_$(nmt_deb_version "$ver")_*.deb" -print -quit)
	if [[ -z $deb ]]; then
		msg "downloading $name $ver"
		if ! nmt_apt_download "$dir" "$name=$ver"; then
			nmt_apt_update
			nmt_apt_download "$dir" "$name=$ver" ||
				{ cat "$dir/.download.err" >&2; die "apt-get download $name=$ver failed"; }
		fi
		deb=$(find "$dir" -maxdepth 1 -name "${name}_$(nmt_deb_version "$ver")_*.deb" -print -quit)
		[[ -n $deb ]] || die "downloaded $name but cannot find its .deb in $dir"
	fi
	echo "$deb"
}

nmt_apt_download() { # dir pkg=version
	(cd "$1" && apt-get download -q "$2" >/dev/null 2>"$1/.download.err")
}

# Debian file names encode ':' in versions as '%3a'.
nmt_deb_version() { echo "${1//:/%3a}"; }

nmt_apt_candidate() {
	apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" && $2 != "(none)" { print $2 }'
}

# Emulated NICs (--nics MODEL,MODEL...): the QEMU models we know and the
# Debian modules whose drivers bind each one, comma-separated (modprobe
# brings their dependencies).  virtio_net needs the PCI transport too
# (a module on 6.1, built in on 6.12).  rtl8139 is driven by 8139cp (C+
# mode), never 8139too.
nmt_nic_module() { # model
	case $1 in
	virtio-net-pci) echo virtio_pci,virtio_net ;;
	e1000) echo e1000 ;;
	e1000e) echo e1000e ;;
	rtl8139) echo 8139cp ;;
	vmxnet3) echo vmxnet3 ;;
	*) return 1 ;;
	esac
}

nmt_nic_models() { echo 'virtio-net-pci e1000 e1000e rtl8139 vmxnet3'; }

# The fixed MAC address of the Nth NIC (counted from 1).
nmt_nic_mac() { printf '52:54:00:00:00:%02x\n' "$1"; }

# Check a NIC list; dies on an unknown model or more than 32 NICs.
nmt_check_nics() { # list
	local model models n=0
	IFS=, read -ra models <<<"$1"
	for model in "${models[@]}"; do
		nmt_nic_module "$model" >/dev/null ||
			die "unknown NIC model '$model' (known: $(nmt_nic_models))"
		n=$((n + 1))
	done
	((n <= 32)) || die "at most 32 NICs"
}

# The modules a NIC list needs, comma-separated, each once.
nmt_nic_modules() { # list
	local model models mods mod list=","
	IFS=, read -ra models <<<"$1"
	for model in "${models[@]}"; do
		mods=$(nmt_nic_module "$model") || die "unknown NIC model '$model'"
		for mod in ${mods//,/ }; do
			[[ $list == *",$mod,"* ]] || list+="$mod,"
		done
	done
	list=${list#,}
	echo "${list%,}"
}

# The MAC addresses of a NIC list, space-separated, in its order.
nmt_nic_macs() { # list
	local i n models macs=()
	IFS=, read -ra models <<<"$1"
	n=${#models[@]}
	for ((i = 1; i <= n; i++)); do
		macs+=("$(nmt_nic_mac "$i")")
	done
	echo "${macs[*]}"
}

# QEMU arguments putting every NIC of the list on hub 0, so that a frame
# sent on one is received on all the others.
nmt_nic_qemu_args() { # list
	local model models i=0 args=()
	IFS=, read -ra models <<<"$1"
	for model in "${models[@]}"; do
		i=$((i + 1))
		args+=(-netdev "hubport,id=h$i,hubid=0"
			-device "$model,netdev=h$i,mac=$(nmt_nic_mac "$i")")
	done
	echo "${args[*]}"
}

# sha256 of a file, first 12 hex digits.
nmt_short_sha() { sha256sum "$1" | cut -c1-12; }

# Per-checkout work area inside the cache, so two clones do not collide.
nmt_work_root() {
	local key
	key=$(printf '%s' "$NMT_REPO" | sha256sum | cut -c1-10)
	echo "$NMT_CACHE/work/$key"
}

# Run a command with a lock held on the cache (fetch/build steps).
nmt_with_lock() {
	local name=$1
	shift
	mkdir -p "$NMT_CACHE/locks"
	(
		flock 9
		"$@"
	) 9>"$NMT_CACHE/locks/$name.lock"
}

nmt_is_elf() { [[ -f $1 && $(head -c4 "$1" | od -An -c | tr -d ' ') == '177ELF' ]]; }
nmt_is_static() { ! LC_ALL=C ldd "$1" >/dev/null 2>&1; }

# The executables an app folder built (ELF files directly in it).
nmt_app_bins() { # dir
	local f
	for f in "$1"/*; do
		[[ -x $f ]] && nmt_is_elf "$f" && echo "$f"
	done
	return 0
}

# Build an app for the guest, linked statically.  A binary left from a
# dynamic build looks up to date to make: rebuild it then.
nmt_build_static_app() { # dir
	local f
	make -C "$1" STATIC=1 || return 1
	while read -r f; do
		[[ -n $f ]] && ! nmt_is_static "$f" && { make -B -C "$1" STATIC=1 || return 1; break; }
	done < <(nmt_app_bins "$1")
	while read -r f; do
		[[ -n $f ]] && ! nmt_is_static "$f" && { msg "$f is not statically linked"; return 1; }
	done < <(nmt_app_bins "$1")
	return 0
}

# Build libnetmap and pkt-gen (static) for a guest; prints pkt-gen's path.
nmt_build_pktgen() {
	make -C "$NMT_REPO/lib/libnetmap" >&2 || die "building libnetmap failed"
	nmt_build_static_app "$NMT_REPO/apps/pkt-gen" >&2 || die "building pkt-gen failed"
	[[ -x $NMT_REPO/apps/pkt-gen/pkt-gen ]] || die "apps/pkt-gen built no pkt-gen"
	echo "$NMT_REPO/apps/pkt-gen/pkt-gen"
}

# Write a guest payload script: variable settings, then the given files.
nmt_make_payload() { # out "VAR=value ..." file...
	local out=$1 vars=$2 v
	shift 2
	{
		echo "#!/bin/sh"
		for v in $vars; do
			printf '%s\n' "$v"
		done
		cat "$@"
	} >"$out"
}
