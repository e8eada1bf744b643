#!/bin/sh
# bench/run.sh — shipdeck against `git log` on one generated repository,
# measured in one run: wall time and CPU time (median of RUNS), peak RSS.
#
# Rows: `git log --branches --tags` (the baseline); a cold `sync --full`; a
# warm `sync` (nothing new); a warm `--snapshot` on the history alone; a
# warm `--snapshot` on a database that also holds FEATURES features (half
# with --branch on the generated feature branches, half with --key only,
# some with both) and BUILDS CI runs (bench/gen-runs.py), so the feature
# linking and build code paths are measured; one incremental sync (100 new
# commits and a tag on a clone sharing the objects); the import of the
# BUILDS runs into an empty database and again (all unchanged); and the
# dashboard's first frame on the warm database with features and builds
# (time from starting shipdeck in tmux until the pane shows the board's
# tab bar and its columns; polled every ~5 ms).
#
# usage: bench/run.sh BIN [COMMITS [TAGS]]
#        bench/run.sh BIN scale      (issue 17: see "Scale" below)
#        bench/run.sh BIN team       (issue 14: a team of five services, bench/team.sh)
#   BIN      the shipdeck binary, or the bench_sync driver (bench/bench_sync.c:
#            `bench_sync R D [--full]`, which calls gitscan_sync directly;
#            only the sync rows are measured then).
#   COMMITS  default 100000; TAGS default 6000.
# Environment: RUNS (default 3), FEATURES (default 12), BUILDS (default
#   50000), TIMEOUT (seconds any one command may take, default 120: a slower
#   one is reported as ">TIMEOUT" instead of holding the run up), SKIP_TUI=1.
# Every command runs with --now set to a day after the newest commit, so the
# window (90 days) holds the end of the generated history and its builds.
# The repository is generated once into /tmp/shipdeck-bench-COMMITS-TAGS by
# bench/gen-history.py and reused, the runs once into REPO.runs-BUILDS.json.
# This script builds nothing; to build the driver from a configured build
# directory B (after `make -C B libshipdeck.a`):
#   cc -std=c11 -O2 -D_GNU_SOURCE -I"$SRC/src" -o B/bench_sync "$SRC/bench/bench_sync.c" \
#      B/libshipdeck.a $(pkg-config --libs libgit2 sqlite3 libcjson ncursesw) -lm
#
# Scale (issue 17): `bench/run.sh BIN scale` measures, in one run, three
# histories made once by gen-history.py with stale remote branches: 1 000 000
# commits, ~60 000 tags, 170 000 branches, packed refs and a commit-graph
# (/tmp/shipdeck-bench-1000000-60000-b170000); 100 000 commits, ~6 000 tags,
# 16 500 branches packed (...-100000-6000-b16500) and the same never packed
# (...-b16500-loose: 23 000 loose refs, no commit-graph). For each: `git log
# --branches --tags --format=...`, `git for-each-ref --format='%(objectname)
# %(refname)'`, a cold `sync --full`, a warm `sync` (nothing new: the change
# detection), a warm `--snapshot` and the dashboard's first frame, each
# against git log and for-each-ref of the same history. Then builds at scale
# on the 100 000-commit packed history: SCALE_BUILDS (default 1 000 000)
# builds put into a copy of the warm database with one SQL statement (one
# build every 5 minutes back from the newest commit, 15 % failed), and the
# warm `--snapshot` and first frame with them. Environment: RUNS (default
# 3; 1 for the 1 000 000-commit history's cold sync), TIMEOUT, SKIP_TUI=1,
# SCALE_HISTORIES (to measure fewer: names as above, space-separated).
set -eu

[ $# -ge 1 ] || { sed -n '2,50p' "$0"; exit 2; }
BIN=$1
[ "${2:-}" != scale ] || exec sh "$(dirname "$0")/scale.sh" "$@"
[ "${2:-}" != team ] || exec sh "$(dirname "$0")/team.sh" "$1"
COMMITS=${2:-100000}
TAGS=${3:-6000}
RUNS=${RUNS:-3}
FEATURES=${FEATURES:-12}
BUILDS=${BUILDS:-50000}
TIMEOUT=${TIMEOUT:-120}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=/tmp/shipdeck-bench-$COMMITS-$TAGS
RUNSFILE=$REPO.runs-$BUILDS.json
WORK=$(mktemp -d /tmp/shipdeck-bench-run-XXXXXX)
SOCK=sdbench$$
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true; rm -rf "$WORK"' EXIT INT TERM

case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || { echo "run.sh: $BIN is not executable" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "run.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
if [ ! -d "$REPO" ]; then
	echo "generating $REPO ..." >&2
	python3 "$HERE/gen-history.py" "$REPO" --commits "$COMMITS" --tags "$TAGS" >&2
fi
FULL=1
case $(basename "$BIN") in bench_sync*) FULL=0 ;; esac
if [ "$FULL" = 1 ] && [ ! -s "$RUNSFILE" ]; then
	echo "generating $RUNSFILE ..." >&2
	python3 "$HERE/gen-runs.py" "$REPO" --runs "$BUILDS" >"$RUNSFILE.tmp" && mv "$RUNSFILE.tmp" "$RUNSFILE"
fi
# a day after the newest commit: the figures are those of the history's end
NOW=$(date -u -d "@$(( $(git -C "$REPO" log -1 --format=%ct main) + 86400 ))" +%Y-%m-%dT%H:%M:%SZ)

if [ "$FULL" = 0 ]; then
	scan_cmd() { echo "'$BIN' '${3:-$REPO}' '$1' $2"; }
else
	scan_cmd() { echo "'$BIN' --repo '${3:-$REPO}' --db '$1' --now $NOW sync $2"; }
fi
sdq() { db=$1; shift; "$BIN" --repo "$REPO" --db "$db" --now "$NOW" "$@" >/dev/null; }
GITLOG="git -C '$REPO' log --branches --tags --format='%H %P %at %ct %B'"

. "$HERE/measure.sh"

COLD=$(scan_cmd "$WORK/cold.db" --full)
WARM=$(scan_cmd "$WORK/warm.db" "")
sh -c "$GITLOG" >/dev/null                  # page cache warm for everyone
sh -c "$(scan_cmd "$WORK/warm.db" --full)" >/dev/null
gitlog=$(measure gitlog "$GITLOG")
cold=$(measure cold "$COLD" "rm -f '$WORK'/cold.db*")
warm=$(measure warm "$WARM")

if [ "$FULL" = 1 ]; then
	SNAP="'$BIN' --repo '$REPO' --db '$WORK/warm.db' --now $NOW --snapshot"
	snap=$(measure snap "$SNAP")
	# The feature database: the warm cache, features and builds. Features
	# are recorded "now", so the feature walk covers the last 180 days.
	cp "$WORK/warm.db" "$WORK/feat.db"
	i=0
	while [ "$i" -lt "$FEATURES" ]; do
		branch=$(printf 'feature/f%02d' $(( (i * 7) % 40 )))
		case $((i % 3)) in
		0) sdq "$WORK/feat.db" feature add "Bench branch $i" --branch "$branch" ;;
		1) sdq "$WORK/feat.db" feature add "Bench key $i" --key "BENCH-$i" ;;
		2) sdq "$WORK/feat.db" feature add "Bench both $i" --key "BENCH-$i" --branch "$branch" ;;
		esac
		i=$((i + 1))
	done
	IMPORT="'$BIN' --repo '$REPO' --db '$WORK/imp.db' --now $NOW build import '$RUNSFILE'"
	import=$(RUNS=1 measure import "$IMPORT" "rm -f '$WORK'/imp.db*")
	reimport=$(RUNS=1 measure reimport "$IMPORT")
	sdq "$WORK/feat.db" build import "$RUNSFILE"
	FSNAP="'$BIN' --repo '$REPO' --db '$WORK/feat.db' --now $NOW --snapshot"
	fsnap=$(measure fsnap "$FSNAP")
fi

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
inc=$(RUNS=1 measure inc "$(scan_cmd "$WORK/inc.db" "" "$INC")")

# The dashboard's first frame: tmux runs a shell that waits for a line, so
# the clock starts when shipdeck is started, not when tmux is; then the pane
# is read until it shows the board (tab bar and column titles) or TIMEOUT.
# Reading the pane costs a few ms, which is the resolution of this number.
first_frame() {
	db=$1
	# a fresh server (and socket) each time: a new server on the socket of
	# one that is still exiting dies at once (this runs in a subshell, so
	# the clock names the socket, not a counter)
	SOCK=sdbench$$-$(date +%s%N)
	tmux -L "$SOCK" -f /dev/null new-session -d -s t -x 120 -y 40 \
		"read go; exec '$BIN' --repo '$REPO' --db '$db' --now $NOW" || { echo timeout; return 0; }
	sleep 0.3
	start=$(date +%s%N)
	tmux -L "$SOCK" send-keys -t t Enter
	end=
	deadline=$(( $(date +%s) + TIMEOUT ))
	while [ "$(date +%s)" -le "$deadline" ]; do
		screen=$(tmux -L "$SOCK" capture-pane -p -t t 2>/dev/null || true)
		case $screen in *"1 Board"*"Planning ("*)
			end=$(date +%s%N)
			break ;;
		esac
	done
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	if [ -n "$end" ]; then echo $(( (end - start) / 1000 )); else echo timeout; fi
}
tui_med() { # tui_med DB: median of RUNS first frames, in seconds
	: >"$WORK/tui.t"
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		v=$(first_frame "$1")
		[ "$v" != timeout ] || { echo timeout; return 0; }
		echo "$v" >>"$WORK/tui.t"
		i=$((i + 1))
	done
	sort -n "$WORK/tui.t" | awk -v n="$RUNS" '{ a[NR] = $1 } END { printf "%.3f\n", a[int((n + 1) / 2)] / 1e6 }'
}
tui_hist=timeout tui_feat=timeout
if [ "$FULL" = 1 ] && [ "${SKIP_TUI:-0}" != 1 ] && command -v tmux >/dev/null 2>&1; then
	tui_hist=$(tui_med "$WORK/warm.db")
	tui_feat=$(tui_med "$WORK/feat.db")
fi

ncommits=$(git -C "$REPO" rev-list --count --branches --tags)
ntags=$(git -C "$REPO" tag | wc -l)
echo "repository: $REPO ($ncommits commits, $ntags tags), --now $NOW"
echo "machine: $(nproc) cores, $(uname -sm), load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ); median of $RUNS runs"
printf '%-44s %8s %7s %8s %7s %9s %7s\n' "what" "wall (s)" "vs git" "cpu (s)" "vs git" "peak RSS" "vs git"
set -- $gitlog
g_t=$1 g_c=$2 g_m=$3
row() { # row NAME "WALL CPU RSS" | row NAME timeout
	name=$1
	set -- $2
	if [ "$1" = timeout ]; then printf '%-44s %8s\n' "$name" ">${TIMEOUT}"; return; fi
	awk -v n="$name" -v t="$1" -v c="$2" -v m="$3" -v gt="$g_t" -v gc="$g_c" -v gm="$g_m" 'BEGIN {
	printf "%-44s %8.3f %6.2fx %8.2f %6.2fx %7.1fMB %6.2fx\n", n, t, t / gt, c, c / (gc > 0 ? gc : 1), m / 1024, m / gm }'
}
row "git log --branches --tags" "$gitlog"
row "cold sync --full" "$cold"
row "warm sync (nothing new)" "$warm"
if [ "$FULL" = 1 ]; then
	row "warm --snapshot (history only)" "$snap"
	row "warm --snapshot ($FEATURES features, $BUILDS builds)" "$fsnap"
fi
row "sync after 100 commits + tag" "$inc"
if [ "$FULL" = 1 ]; then
	row "build import ($BUILDS runs, empty db)" "$import"
	row "build import again (all unchanged)" "$reimport"
	secs() { if [ "$1" = timeout ]; then echo ">$TIMEOUT s"; else echo "$1 s"; fi; }
	printf '%-44s %8s\n' "first frame (history only)" "$(secs "$tui_hist")"
	printf '%-44s %8s\n' "first frame ($FEATURES features, $BUILDS builds)" "$(secs "$tui_feat")"
fi
echo "warm run said:        $(grep -m1 'commits' "$WORK/warm.out" || true)"
echo "incremental run said: $(grep -m1 'commits' "$WORK/inc.out" || true)"
