#!/bin/sh
# bench/scale.sh — issue 17's table, run by `bench/run.sh BIN scale` (see the
# "Scale" paragraph there): per history, git log and git for-each-ref as the
# baselines and shipdeck's cold sync, warm sync, warm snapshot and first
# frame against them, with peak memory; then a warm snapshot and first frame
# with a million builds in the database. Every number of one table comes
# from one run of this script.
set -eu

BIN=$1
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
RUNS=${RUNS:-3}
TIMEOUT=${TIMEOUT:-300}
SCALE_BUILDS=${SCALE_BUILDS:-1000000}
HERE=$(cd "$(dirname "$0")" && pwd)
SCALE_HISTORIES=${SCALE_HISTORIES:-"1000000-60000-b170000 100000-6000-b16500 100000-6000-b16500-loose"}
WORK=$(mktemp -d /tmp/shipdeck-scale-run-XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM
[ -x "$BIN" ] || { echo "scale.sh: $BIN is not executable" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "scale.sh: needs /usr/bin/time" >&2; exit 2; }

# make NAME: generates /tmp/shipdeck-bench-NAME once (COMMITS-TAGS-bBRANCHES[-loose])
make_history() {
	repo=/tmp/shipdeck-bench-$1
	[ -d "$repo" ] && return 0
	set -- $(echo "$1" | tr '-' ' ')
	loose=
	[ "${4:-}" = loose ] && loose=--loose
	echo "generating $repo ..." >&2
	nice -n 19 python3 "$HERE/gen-history.py" "$repo" --commits "$1" --tags "$2" \
		--branches "${3#b}" $loose >&2
}

. "$HERE/measure.sh"

# first_frame REPO DB NOW: seconds from starting shipdeck in tmux until the
# pane shows the board (as bench/run.sh measures it); median of RUNS
first_frame() {
	: >"$WORK/tui.t"
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		sock=sdscale$$-$(date +%s%N)
		tmux -L "$sock" -f /dev/null new-session -d -s t -x 120 -y 40 \
			"read go; exec '$BIN' --repo '$1' --db '$2' --now $3" || { echo timeout; return 0; }
		sleep 0.3
		start=$(date +%s%N)
		tmux -L "$sock" send-keys -t t Enter
		end=
		deadline=$(( $(date +%s) + TIMEOUT ))
		while [ "$(date +%s)" -le "$deadline" ]; do
			case $(tmux -L "$sock" capture-pane -p -t t 2>/dev/null || true) in *"1 Board"*"Planning ("*)
				end=$(date +%s%N)
				break ;;
			esac
		done
		tmux -L "$sock" kill-server 2>/dev/null || true
		[ -n "$end" ] || { echo timeout; return 0; }
		echo $(( (end - start) / 1000 )) >>"$WORK/tui.t"
		i=$((i + 1))
	done
	sort -n "$WORK/tui.t" | awk -v n="$RUNS" '{ a[NR] = $1 } END { printf "%.3f\n", a[int((n + 1) / 2)] / 1e6 }'
}

# row NAME "WALL CPU RSS" "GWALL GCPU GRSS" "FWALL FCPU": one line, wall and
# CPU time against both baselines (CPU is steadier on a busy machine)
row() {
	name=$1
	set -- $2 $3 $4
	if [ "$1" = timeout ]; then printf '| %s | >%s | | | | | | | |\n' "$name" "$TIMEOUT"; return; fi
	awk -v n="$name" -v t="$1" -v c="$2" -v m="$3" -v gt="$4" -v gc="$5" -v gm="$6" -v ft="$7" -v fc="$8" 'BEGIN {
	printf "| %s | %.3f | %.3f × | %.3f × | %.2f | %.2f × | %.2f × | %.1f MB | %.2f × |\n", n, t, t / gt, t / ft,
	       c, c / (gc > 0 ? gc : 0.01), c / (fc > 0 ? fc : 0.01), m / 1024, m / gm }'
}
header() {
	echo
	echo "$1"
	echo
	echo "| what | wall (s) | vs git log | vs for-each-ref | CPU (s) | vs git log | vs for-each-ref | peak RSS | RSS vs git log |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
}

echo "machine: $(nproc) cores, $(uname -sm), load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ); median of $RUNS runs"
for h in $SCALE_HISTORIES; do
	make_history "$h"
	REPO=/tmp/shipdeck-bench-$h
	NOW=$(date -u -d "@$(( $(git -C "$REPO" log -1 --format=%ct main) + 86400 ))" +%Y-%m-%dT%H:%M:%SZ)
	GITLOG="git -C '$REPO' log --branches --tags --format='%H %P %at %ct %B'"
	REFS="git -C '$REPO' for-each-ref --format='%(objectname) %(refname)'"
	sh -c "$GITLOG" >/dev/null   # page cache warm for everyone
	gitlog=$(measure gitlog "$GITLOG")
	refs=$(measure refs "$REFS")
	coldruns=$RUNS
	case $h in 1000000*) coldruns=1 ;; esac
	DB=$WORK/$h.db
	cold=$(RUNS=$coldruns measure cold "'$BIN' --repo '$REPO' --db '$DB' --now $NOW sync --full" "rm -f '$DB'*")
	warm=$(measure warm "'$BIN' --repo '$REPO' --db '$DB' --now $NOW sync")
	snap=$(measure snap "'$BIN' --repo '$REPO' --db '$DB' --now $NOW --snapshot")
	tui=timeout
	[ "${SKIP_TUI:-0}" = 1 ] || tui=$(first_frame "$REPO" "$DB" "$NOW")
	ncommits=$(git -C "$REPO" rev-list --count --branches --tags)
	nrefs=$(git -C "$REPO" for-each-ref | wc -l)
	ntags=$(git -C "$REPO" tag | wc -l)
	packed=packed; [ -f "$REPO/.git/packed-refs" ] || packed="loose refs, no commit-graph"
	header "$h: $ncommits commits, $ntags tags, $nrefs refs ($packed), --now $NOW"
	set -- $gitlog; g="$1 $2 $3"
	set -- $refs; f="$1 $2"
	row "git log --branches --tags --format=..." "$gitlog" "$g" "$f"
	row "git for-each-ref --format=..." "$refs" "$g" "$f"
	row "shipdeck sync --full (cold)" "$cold" "$g" "$f"
	row "shipdeck sync (warm, nothing new)" "$warm" "$g" "$f"
	row "shipdeck --snapshot (warm)" "$snap" "$g" "$f"
	printf '| first frame (warm) | %s | | | | | | | |\n' "$tui"
	echo "warm sync said: $(grep -m1 'commits' "$WORK/warm.out" || true)"
	if [ "$h" = 100000-6000-b16500 ]; then
		BUILDS_REPO=$REPO BUILDS_DB=$DB BUILDS_NOW=$NOW
		b_snap=$snap b_tui=$tui b_g=$g b_f=$f
	fi
done

if [ -n "${BUILDS_REPO:-}" ] && [ "$SCALE_BUILDS" -gt 0 ]; then
	# One build every 5 minutes back from a day before --now (newest
	# first), two workflows, 15 % failed: the builds of years, of which
	# the window and its trend use a few thousand.
	cp "$BUILDS_DB" "$WORK/builds.db"
	newest=$(( $(date -u -d "$BUILDS_NOW" +%s) - 86400 ))
	sqlite3 "$WORK/builds.db" "
	WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < $SCALE_BUILDS)
	INSERT INTO builds (provider, run_id, attempt, workflow, branch, commit_sha, status, conclusion,
	                    created_at, started_at, finished_at, url)
	SELECT 'github', CAST(9000000000 + i AS TEXT), 1, CASE i % 2 WHEN 0 THEN 'CI' ELSE 'Lint' END,
	       'main', printf('%040x', i), 'completed',
	       CASE WHEN i % 20 < 3 THEN 'failure' ELSE 'success' END,
	       $newest - i * 300 - 60, $newest - i * 300, $newest - i * 300 + 600 + (i % 7) * 60,
	       'https://ci.example.com/' || i FROM k;"
	bsnap=$(measure bsnap "'$BIN' --repo '$BUILDS_REPO' --db '$WORK/builds.db' --now $BUILDS_NOW --snapshot")
	btui=timeout
	[ "${SKIP_TUI:-0}" = 1 ] || btui=$(first_frame "$BUILDS_REPO" "$WORK/builds.db" "$BUILDS_NOW")
	header "builds at scale: $(sqlite3 "$WORK/builds.db" 'SELECT count(*) FROM builds') builds, 100000-6000-b16500 history"
	row "shipdeck --snapshot (warm, no builds)" "$b_snap" "$b_g" "$b_f"
	row "shipdeck --snapshot (warm, $SCALE_BUILDS builds)" "$bsnap" "$b_g" "$b_f"
	printf '| first frame (warm, no builds) | %s | | | | | | | |\n' "$b_tui"
	printf '| first frame (warm, %s builds) | %s | | | | | | | |\n' "$SCALE_BUILDS" "$btui"
fi
