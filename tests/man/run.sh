#!/bin/bash
# Host tests of the man pages: every page of the tree (*.[1-9] outside
# .git and build/) passes "mandoc -T lint -W warning", is named as its .Dt
# says and names every other page of the tree in SEE ALSO; every app has
# a page for each program it builds; and for each app the option letters
# of its getopt string, of its page's SYNOPSIS, of its page's option list
# (".It Fl X") and of its usage (PROG -h) are the same, an option that
# takes a value showing one (Ar) in the list. TAP output, then
# "N passed, N failed"; exit status 1 if anything failed.
#
# usage: run.sh TOPDIR   (the apps built in place, as tests/man/Makefile does)

TOP=$(cd "${1:-.}" && pwd)
# shellcheck source=tests/vm/lib.sh
source "$TOP/tests/vm/lib.sh"
# shellcheck source=apps/tap.sh
. "$TOP/apps/tap.sh"
tap_init man

# mandoc, with apt as tests/run installs what it needs (root only).
command -v mandoc >/dev/null || (nmt_need_packages mandoc) >&2
command -v mandoc >/dev/null
result $? "mandoc is installed"
if ! command -v mandoc >/dev/null; then
	tap_done
	exit 1
fi

mapfile -t PAGES < <(find "$TOP" \( -path "$TOP/.git" -o -path "$TOP/build" \) -prune \
	-o -type f -name '*.[1-9]' -print | sort)

# A page that is only a ".so" include: prints its target, else nothing.
so_target() {
	grep -v '^\.\\"' "$1" | grep -v '^[[:space:]]*$' | awk '
		NR == 1 && $1 == ".so" && NF == 2 { t = $2; next }
		{ t = ""; exit }
		END { if (t != "") print t }'
}

# name(section) of every page with content, for the SEE ALSO check.
REFS=()
for p in "${PAGES[@]}"; do
	[[ -n $(so_target "$p") ]] && continue
	f=${p##*/}
	REFS+=("${f%.*} ${f##*.}")
done

for p in "${PAGES[@]}"; do
	rel=${p#"$TOP"/}
	t=$(so_target "$p")
	if [[ -n $t ]]; then
		[[ -f $(dirname "$p")/${t##*/} && ${t%/*} == "man${t##*.}" ]]
		result $? "$rel: .so $t names a page beside it"
		continue
	fi
	out=$(mandoc -T lint -W warning "$p" 2>&1)
	rc=$?
	[[ -n $out ]] && sed 's/^/# /' <<<"$out"
	[[ $rc -eq 0 && -z $out ]]
	result $? "$rel: mandoc -T lint -W warning says nothing"

	f=${p##*/}
	name=${f%.*} sec=${f##*.}
	dt=$(awk '$1 == ".Dt" { print tolower($2), $3; exit }' "$p")
	[[ $dt == "$name $sec" ]]
	result $? "$rel: .Dt is $name $sec (got '$dt')"

	# The .Xr references of SEE ALSO, as "name section" lines.
	xr=$(awk '$1 == ".Sh" { s = ($2 == "SEE" && $3 == "ALSO") }
		s && $1 == ".Xr" { print $2, $3 }' "$p")
	missing=()
	for r in "${REFS[@]}"; do
		[[ $r == "$name $sec" ]] && continue
		grep -qxF "$r" <<<"$xr" || missing+=("${r% *}(${r#* })")
	done
	((${#missing[@]} == 0)) || echo "# $rel: SEE ALSO lacks ${missing[*]}"
	result ${#missing[@]} "$rel: SEE ALSO names every other page of the tree"
done

for want in docs/man/netmap.4 docs/man/vale.4 lib/libnetmap/libnetmap.3; do
	[[ -f $TOP/$want ]]
	result $? "$want exists"
done

# The value of "VAR := ..." in an app's Makefile.
mk_var() { sed -n "s/^$2 := //p" "$1/Makefile"; }

# Letters of "Fl" arguments in mdoc text on stdin, one per line, each with
# "1" when an Ar follows before the next Fl on that line, else "0".
mdoc_flags() {
	awk '{
		infl = 0; n = 0
		for (i = 1; i <= NF; i++) {
			w = $i
			if (w == "Fl" || w == ".Fl") { infl = 1; continue }
			if (w ~ /^\.?[A-Z][a-z][a-z]?$/) {
				if (w == "Ar" || w == ".Ar")
					for (k = 0; k < n; k++) arg[k] = 1
				infl = 0
				continue
			}
			if (infl && w ~ /^[A-Za-z0-9]+$/) {
				for (j = 1; j <= length(w); j++) {
					l[n] = substr(w, j, 1); arg[n] = 0; n++
				}
			} else if (infl && w != "|" && w != ",") {
				infl = 0
			}
		}
		for (k = 0; k < n; k++) print l[k], arg[k]
		delete l; delete arg
	}'
}

# The getopt string of the app in directory $1, ":" markers kept.
app_optstring() {
	local d=$1 call tok s=
	call=$(grep -ho 'getopt(argc, argv, [^)]*)' "$d"/*.c | head -n1)
	call=${call#getopt(argc, argv, }
	call=${call%)}
	for tok in $call; do
		case $tok in
		\"*\") s+=${tok//\"/} ;;
		*) s+=$(sed -n "s/^#define[[:space:]]\+$tok[[:space:]]\+\"\(.*\)\"[[:space:]]*\(\/\*.*\)\?$/\1/p" \
			"$d"/*.[ch] | head -n1) ;;
		esac
	done
	printf '%s\n' "${s#:}"
}

sorted_letters() { grep -o '[A-Za-z0-9]' | sort -u | tr -d '\n'; }

for mk in "$TOP"/apps/*/Makefile; do
	d=$(dirname "$mk")
	app=${d##*/}
	read -ra progs <<<"$(mk_var "$d" PROGS)"
	read -ra mans <<<"$(mk_var "$d" MANS)"
	nomiss=0
	for prog in "${progs[@]}"; do
		found=1
		for m in "${mans[@]}"; do
			[[ $m == "$prog.8" && -f $d/$m ]] && found=0
		done
		((found == 0)) || { echo "# apps/$app: no page $prog.8 in MANS"; nomiss=1; }
	done
	((${#progs[@]} > 0)) || nomiss=1
	result $nomiss "apps/$app: MANS has a page for each of PROGS (${progs[*]})"

	page=$d/${progs[0]}.8
	bin=$d/${progs[0]}
	opts=$(app_optstring "$d")
	[[ -n $opts && -f $page && -x $bin ]]
	result $? "apps/$app: getopt string '$opts', page and program found"
	[[ -n $opts && -f $page && -x $bin ]] || continue

	# Letters with and without a value, from the getopt string.
	want=$(grep -o '[A-Za-z0-9]' <<<"$opts" | sort -u | tr -d '\n')
	withval=$(grep -o '[A-Za-z0-9]:' <<<"$opts" | tr -d ':\n' | grep -o . | sort -u | tr -d '\n')

	syn=$(awk '$1 == ".Sh" { s = ($2 == "SYNOPSIS") } s' "$page" | mdoc_flags |
		awk '{ print $1 }' | sorted_letters)
	[[ $syn == "$want" ]] || echo "# SYNOPSIS letters '$syn', getopt '$want'"
	[[ $syn == "$want" ]]
	result $? "apps/$app: SYNOPSIS shows exactly the getopt letters"

	list=$(grep '^\.It Fl ' "$page" | mdoc_flags)
	got=$(awk '{ print $1 }' <<<"$list" | sorted_letters)
	[[ $got == "$want" ]] || echo "# .It Fl letters '$got', getopt '$want'"
	[[ $got == "$want" ]]
	result $? "apps/$app: the option list has an entry for exactly the getopt letters"

	gotval=$(awk '$2 == 1 { print $1 }' <<<"$list" | sorted_letters)
	[[ $gotval == "$withval" ]] || echo "# entries with a value '$gotval', getopt '$withval'"
	[[ $gotval == "$withval" ]]
	result $? "apps/$app: the entries of options that take a value show one"

	"$bin" -h >"$T/help" 2>&1
	help=$(grep -oE '(^|[[:space:][|(])-[A-Za-z0-9]+([][:space:]|,)]|$)' "$T/help" |
		sed -E 's/^[^-]*-//; s/[^A-Za-z0-9]+$//' | sorted_letters)
	grep -qi 'usage' "$T/help" && [[ $help == "$want" ]]
	rc=$?
	((rc == 0)) || echo "# $app -h shows '$help', getopt '$want'"
	result $rc "apps/$app: its usage ($app -h) shows exactly the getopt letters"
done

tap_done
