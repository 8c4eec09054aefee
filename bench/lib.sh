# Shared by the bench/*.sh scripts (sourced): the common options.
# shellcheck source=tests/vm/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../tests/vm/lib.sh"

# bench_parse_args DEFAULT_REPS DEFAULT_COUNT "$@": sets REPS and COUNT from
# --reps N / --count N; anything else prints the calling script's header.
bench_parse_args() {
	REPS=$1 COUNT=$2
	shift 2
	while (($#)); do
		case $1 in
		--reps) REPS=$2; shift 2 ;;
		--reps=*) REPS=${1#*=}; shift ;;
		--count) COUNT=$2; shift 2 ;;
		--count=*) COUNT=${1#*=}; shift ;;
		*) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2; exit 2 ;;
		esac
	done
	[[ $REPS =~ ^[1-9][0-9]*$ && $COUNT =~ ^[1-9][0-9]*$ ]] || die "--reps and --count need positive numbers"
}
