#!/usr/bin/env bash
# make bench (A/B): netmap.ko modules compared in ONE 6.12 TCG guest boot,
# loaded in turn (rmmod/insmod, A B A B, --rounds times), the same pkt-gen
# (ours) for every row:
#   base  our module at NETMAP_BASE_REV (default: the merge base with main)
#   ours  the working tree
#   ref   a reference module (upstream netmap's LINUX/ build) from the tree
#         NETMAP_REF_TREE=DIR: ./configure --kernel-dir=... --no-drivers; make
#         (without it the column is left out)
# Rows KIND-SIZE-bBATCH: pipe (netmap:pipe}1 -> netmap:pipe{1), vale2 (one
# sender, one receiver on a VALE switch), vale4 (4 senders, 1 receiver),
# gen (emulated adapter: netmap:va -> netmap:vb, a veth pair), 60 and 1514
# bytes, batch 1, 64, 512 (batch 1 moves a tenth of --count); spipe and
# svale: the module alone, pipe and VALE, with bench/sync-rate.c (syncs,
# poll only on a full or empty ring, no payload) instead of pkt-gen.  Prints the
# receiver's rate (median over the rounds), the ratios ours/base and
# ours/ref, and guest CPU time per received packet (busy ticks of all CPUs
# in /proc/stat over the runs / frames received).
#
# usage: bench/ab.sh [--rounds N] [--count N] [--rows 'ROW ...'] [--perf ROW]
#        [--work DIR] [--icount]
#   defaults: 3 rounds, 1000000 frames, every row; --perf adds one run of
#   ROW per module under perf record -a (the host's perf, in the guest) and
#   prints its profile; --icount runs the guest with QEMU's -icount shift=0
#   (one instruction, one ns of guest time; single-threaded TCG): rates and
#   CPU times count instructions, deterministic whatever the host's load
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

ROUNDS=3 COUNT=1000000 ROWS='' PERF_ROW='' WORK='' QARGS=''
parse() {
	while (($#)); do
		case $1 in
		--rounds) ROUNDS=$2 ;;
		--count) COUNT=$2 ;;
		--rows) ROWS=$2 ;;
		--perf) PERF_ROW=$2 ;;
		--work) WORK=$2 ;;
		--icount) QARGS='-icount shift=0,align=off,sleep=off'
			export NMT_QEMU_ACCEL=tcg,thread=single; shift; continue ;;
		*) sed -n '2,25s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
		esac
		shift 2 || die "$1 needs a value"
	done
	[[ $ROUNDS =~ ^[1-9][0-9]*$ && $COUNT =~ ^[1-9][0-9]*$ ]] || die "--rounds and --count need positive numbers"
	if [[ -z $ROWS ]]; then
		local k s b
		for k in pipe vale2 vale4 gen; do
			for s in 60 1514; do
				for b in 1 64 512; do ROWS+="$k-$s-b$b "; done
			done
		done
		ROWS+="spipe-60-b1 spipe-60-b64 spipe-60-b512 svale-60-b64 svale-60-b512"
	fi
}

# build_base OUT: our module at the base revision (kept while the revision is).
build_base() {
	local out=$1 rev
	rev=$(git -C "$NMT_REPO" rev-parse "${NETMAP_BASE_REV:-$(git -C "$NMT_REPO" merge-base HEAD main)}")
	[[ -f $out/netmap.ko && $(cat "$out/rev" 2>/dev/null) == "$rev" ]] && return 0
	msg "ab: building base netmap.ko at $rev"
	rm -rf "$out" && mkdir -p "$out/tree"
	# VERSION (MODULE_VERSION) where the revision has it
	local paths=(kernel include configure drivers)
	[[ -z $(git -C "$NMT_REPO" ls-tree --name-only "$rev" VERSION) ]] || paths+=(VERSION)
	git -C "$NMT_REPO" archive "$rev" "${paths[@]}" | tar -x -C "$out/tree"
	"$NMT_VM_DIR/build-module.sh" "$out/tree" "$NMT_KBUILD" "$out/mod" >&2 || die "base build failed"
	cp "$out/mod/netmap.ko" "$out/netmap.ko"
	echo "$rev" >"$out/rev"
}

# build_ref TREE OUT: upstream's module, built in a copy of TREE.
build_ref() {
	local tree=$1 out=$2
	msg "ab: building the reference netmap.ko from $tree"
	rm -rf "$out" && mkdir -p "$out"
	cp -a "$tree" "$out/tree"
	(cd "$out/tree/LINUX" && ./configure --kernel-dir="$NMT_KBUILD" --no-drivers &&
		unset MAKEFLAGS MFLAGS MAKELEVEL && make -j2) >"$out/build.log" 2>&1 ||
		{ tail -20 "$out/build.log" >&2; die "reference build failed (log: $out/build.log)"; }
	cp "$out/tree/LINUX/netmap.ko" "$out/netmap.ko"
}

report() { # ab-lines mods
	awk -v mods="$2" -v rounds="$ROUNDS" -v count="$COUNT" '
	function median(key,   n, i, j, t, a) {
		n = nr[key]
		for (i = 1; i <= n; i++) a[i] = v[key, i]
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{
		k = $2 SUBSEP $3
		v[k, ++nr[k]] = $4; ticks[k] += $5; got[k] += $6; sent[k] += $7
		if (!seen[$3]++) rows[++nrows] = $3
	}
	END {
		nm = split(mods, m, " ")
		printf "bench ab: %d rounds (modules loaded in turn in one 6.12 TCG guest boot), %d frames per run (batch 1: a tenth)\n", rounds, count
		printf "Mpps: the receiver, median of the rounds; CPU: guest busy time of all CPUs per received frame, us\n"
		printf "%-16s", "row"
		for (i = 1; i <= nm; i++) printf " %9s", m[i] " Mpps"
		for (i = 2; i <= nm; i++) printf " %10s", "ours/" (m[i] == "ours" ? m[1] : m[i])
		for (i = 1; i <= nm; i++) printf " %9s", m[i] " CPU"
		printf " %7s\n", "lost"
		for (r = 1; r <= nrows; r++) {
			row = rows[r]
			printf "%-16s", row
			for (i = 1; i <= nm; i++) { med[i] = median(m[i] SUBSEP row) / 1e6; printf " %9.3f", med[i] }
			for (i = 1; i <= nm; i++) if (m[i] == "ours") o = med[i]
			for (i = 2; i <= nm; i++) {
				d = m[i] == "ours" ? med[1] : med[i]
				printf " %10.2f", (d > 0 ? o / d : 0)
			}
			for (i = 1; i <= nm; i++) {
				k = m[i] SUBSEP row
				printf " %9.3f", got[k] ? ticks[k] * 10000 / got[k] : 0
			}
			lost = ""
			for (i = 1; i <= nm; i++) {
				k = m[i] SUBSEP row
				lost = lost sprintf("%s%.1f%%", i > 1 ? "/" : "", sent[k] ? 100 - got[k] * 100 / sent[k] : 0)
			}
			printf " %s\n", lost
		}
	}' "$1"
}

main() {
	local pktgen work payload mods="base ours" bins=()
	parse "$@"
	pktgen=$(nmt_build_pktgen)
	"$NMT_VM_DIR/fetch-kernels.sh" 6.12
	nmt_load_kernel 6.12
	work=${WORK:-$(nmt_work_root)/bench-ab}
	mkdir -p "$work/bin"
	cc -std=c11 -Wall -Wextra -Werror -O2 -static -I"$NMT_REPO/include" \
		-o "$work/bin/sync-rate" "$NMT_REPO/bench/sync-rate.c" \
		"$NMT_REPO/lib/libnetmap/libnetmap.a" -lpthread || die "building sync-rate failed"
	build_base "$work/base"
	cp "$work/base/netmap.ko" "$work/bin/netmap-base.ko"
	if [[ -n ${NETMAP_REF_TREE:-} ]]; then
		build_ref "$NETMAP_REF_TREE" "$work/ref"
		cp "$work/ref/netmap.ko" "$work/bin/netmap-ref.ko"
		mods="ref ours base"
	else
		msg "ab: NETMAP_REF_TREE not set: no reference column"
	fi
	for m in $mods; do
		[[ $m == ours ]] && continue
		chmod +x "$work/bin/netmap-$m.ko"
		bins+=(--bin "$work/bin/netmap-$m.ko")
	done
	if [[ -n $PERF_ROW ]]; then
		NMT_DYN_BINS=$(realpath /usr/bin/perf)
		export NMT_DYN_BINS
	fi
	payload="$work/payload.sh"
	nmt_make_payload "$payload" "ROUNDS=$ROUNDS COUNT=$COUNT PERF=${PERF_ROW:+1} PERF_ROW=$PERF_ROW" \
		"$NMT_VM_DIR/pktgen-pair.sh" "$NMT_REPO/bench/guest-ab.sh"
	# Values with spaces go in after the settings line by line.
	sed -i "2i MODS='$mods'\nROWS='$ROWS'" "$payload"
	"$NMT_VM_DIR/run-guest.sh" 6.12 --src "$NMT_REPO" --payload "$payload" --bin "$pktgen" \
		--bin "$work/bin/sync-rate" "${bins[@]}" --modules veth --drivers '' ${QARGS:+--qemu-args "$QARGS"} --plain --timeout 7200 --guest-timeout 7200 --work "$work" >&2 || true
	tr -d '\r' <"$work/run/tests.log" | sed -n '/^== perf /,/^== round/p' | grep -v '^== round' || true
	tr -d '\r' <"$work/run/tests.log" | grep '^@@ab ' >"$work/ab" || die "no results (see $work/run/tests.log)"
	report "$work/ab" "$mods"
}

main "$@"
