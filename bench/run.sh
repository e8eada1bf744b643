#!/bin/sh
# bench/run.sh — the history scan against `git log`, measured in one run on
# one generated repository: wall time (median of RUNS) and peak RSS.
#
# Also one incremental run: 100 new commits and a tag on a clone that shares
# the repository's objects, synced after a full sync (one run only).
#
# usage: bench/run.sh BIN [COMMITS [TAGS]]
#   BIN      the shipdeck binary (runs `BIN --repo R --db D sync [--full]`),
#            or the bench_sync driver (bench/bench_sync.c: `bench_sync R D
#            [--full]`), which calls gitscan_sync directly.
#   COMMITS  default 100000; TAGS default 6000.
#   RUNS     (environment) runs per measurement, default 3.
# The repository is generated once into /tmp/shipdeck-bench-COMMITS-TAGS by
# bench/gen-history.py and reused. This script builds nothing; to build the
# driver from a configured build directory B (after `make -C B libshipdeck.a`):
#   cc -std=c11 -O2 -D_GNU_SOURCE -I"$SRC/src" -o B/bench_sync "$SRC/bench/bench_sync.c" \
#      B/libshipdeck.a $(pkg-config --libs libgit2 sqlite3 libcjson ncursesw) -lm
set -eu

[ $# -ge 1 ] || { sed -n '2,19p' "$0"; exit 2; }
BIN=$1
COMMITS=${2:-100000}
TAGS=${3:-6000}
RUNS=${RUNS:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=/tmp/shipdeck-bench-$COMMITS-$TAGS
WORK=$(mktemp -d /tmp/shipdeck-bench-run-XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM

[ -x "$BIN" ] || { echo "run.sh: $BIN is not executable" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "run.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
if [ ! -d "$REPO" ]; then
	echo "generating $REPO ..." >&2
	python3 "$HERE/gen-history.py" "$REPO" --commits "$COMMITS" --tags "$TAGS" >&2
fi

case $(basename "$BIN") in
bench_sync*) scan_cmd() { echo "'$BIN' '${3:-$REPO}' '$1' $2"; } ;;
*) scan_cmd() { echo "'$BIN' --repo '${3:-$REPO}' --db '$1' sync $2"; } ;;
esac
GITLOG="git -C '$REPO' log --branches --tags --format='%H %P %at %ct %B'"

# measure NAME CMD [PREP]: runs the shell command CMD RUNS times (stdout
# kept in NAME.out; PREP before each run, untimed); prints the median wall seconds,
# the median CPU seconds (user + system: steadier than wall time on a busy
# machine) and the largest peak RSS in KB.
measure() {
	: >"$WORK/$1.t"
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		[ -z "${3:-}" ] || sh -c "$3"
		start=$(date +%s%N)
		/usr/bin/time -f '%M %U %S' -o "$WORK/rss" sh -c "exec $2" >"$WORK/$1.out"
		end=$(date +%s%N)
		echo "$(( (end - start) / 1000 )) $(cat "$WORK/rss")" >>"$WORK/$1.t"
		i=$((i + 1))
	done
	awk -v n="$RUNS" '
		{ t[NR] = $1; c[NR] = $3 + $4; if ($2 > m) m = $2 }
		function med(a,   i, j, x) {
			for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { x = a[j]; a[j] = a[j - 1]; a[j - 1] = x }
			return a[int((n + 1) / 2)]
		}
		END { printf "%.3f %.3f %d\n", med(t) / 1e6, med(c), m }' "$WORK/$1.t"
}

COLD=$(scan_cmd "$WORK/cold.db" --full)
WARM=$(scan_cmd "$WORK/warm.db" "")
sh -c "$GITLOG" >/dev/null                  # page cache warm for everyone
sh -c "$(scan_cmd "$WORK/warm.db" --full)" >/dev/null
set -- $(measure gitlog "$GITLOG");  g_t=$1 g_c=$2 g_m=$3
set -- $(measure cold "$COLD" "rm -f '$WORK'/cold.db*");  c_t=$1 c_c=$2 c_m=$3
set -- $(measure warm "$WARM");      w_t=$1 w_c=$2 w_m=$3

# Incremental: a clone sharing the objects gets 100 new commits on main and a
# release tag; one sync after a full one must read only those 100.
INC=$WORK/inc.git
git clone -q --mirror --shared "$REPO" "$INC"
sh -c "$(scan_cmd "$WORK/inc.db" --full "$INC")" >/dev/null
tip=$(git -C "$INC" rev-parse main)
tree=$(git -C "$INC" rev-parse "main^{tree}")
i=0
while [ "$i" -lt 100 ]; do
	tip=$(GIT_AUTHOR_DATE='2030-01-01T00:00:00+0000' GIT_COMMITTER_DATE='2030-01-01T00:00:00+0000' \
	      git -C "$INC" -c user.name=Bench -c user.email=b@example.com commit-tree "$tree" -p "$tip" -m "new $i")
	i=$((i + 1))
done
git -C "$INC" update-ref refs/heads/main "$tip"
git -C "$INC" tag v999.0.0 "$tip"
set -- $(RUNS=1 measure inc "$(scan_cmd "$WORK/inc.db" "" "$INC")"); i_t=$1 i_c=$2 i_m=$3

ncommits=$(git -C "$REPO" rev-list --count --branches --tags)
ntags=$(git -C "$REPO" tag | wc -l)
echo "repository: $REPO ($ncommits commits, $ntags tags)"
echo "machine: $(nproc) cores, $(uname -sm); $(date -u +%Y-%m-%d); median of $RUNS runs"
printf '%-28s %8s %7s %8s %7s %9s %7s\n' "what" "wall (s)" "vs git" "cpu (s)" "vs git" "peak RSS" "vs git"
row() { awk -v n="$1" -v t="$2" -v c="$3" -v m="$4" -v gt="$g_t" -v gc="$g_c" -v gm="$g_m" 'BEGIN {
	printf "%-28s %8.3f %6.2fx %8.2f %6.2fx %7.1fMB %6.2fx\n", n, t, t / gt, c, c / (gc > 0 ? gc : 1), m / 1024, m / gm }'; }
row "git log --branches --tags" "$g_t" "$g_c" "$g_m"
row "cold sync --full" "$c_t" "$c_c" "$c_m"
row "warm sync (nothing new)" "$w_t" "$w_c" "$w_m"
row "sync after 100 commits + tag" "$i_t" "$i_c" "$i_m"
echo "warm run said:        $(grep -m1 'commits' "$WORK/warm.out")"
echo "incremental run said: $(grep -m1 'commits' "$WORK/inc.out")"
