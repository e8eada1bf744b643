#!/bin/sh
# bench/team.sh — a team of five services against `git log` (issue 14), in
# one run: three separate repositories made by gen-history.py (100 000,
# 20 000 and 5 000 commits) and a monorepo (50 000 commits) with two path
# services (src/mod0* and src/mod1*, both deploying the monorepo's v* tags).
#
# Rows, each measured once (wall seconds, CPU seconds = user + system of
# every thread, peak RSS):
#   git log      the sum over the four repositories of
#                `git log --branches --tags --format='%H %P %at %ct %B'`
#   cold sync    `sync --full` of the team: the five services at once
#   warm snap    `--snapshot` of the whole team after it (nothing new)
#   git log -- P the sum over the two path services of the same git log
#                limited to the service's globs (`-- 'src/mod0*'`)
#   path cold    `sync --full` of a database holding the two path services
#                alone (each one's history scan and its path walk)
#   path warm    `--snapshot` of that database after it
#   path incr    `sync` after 200 new commits and a tag in the monorepo
#                (made on a copy sharing its objects)
#   other tags   `sync --full` of the two path services deploying other
#                tags of the monorepo (api 'v*.[0-4].*', web 'v*.[5-9].*'):
#                two history scans, one shared path walk
# and the ratios the acceptance criteria name: cold sync / git log (≤ 1.0),
# warm snapshot / git log (≤ 0.1), path cold / git log -- P (≤ 2).
#
# usage: bench/team.sh BIN        (or bench/run.sh BIN team)
# Environment: TEAM_DIR (default /tmp/shipdeck-bench-team: the histories,
# generated once and reused), TIMEOUT (seconds per command, default 600).
# Run it under `nice -n 10` on a shared machine; the load average is
# printed before and after, for the table in docs/performance.md.
set -eu

[ $# -ge 1 ] || { sed -n '2,30p' "$0"; exit 2; }
BIN=$1
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || { echo "team.sh: $BIN is not executable" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "team.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${TEAM_DIR:-/tmp/shipdeck-bench-team}
TIMEOUT=${TIMEOUT:-600}
WORK=$(mktemp -d /tmp/shipdeck-bench-team-run-XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM
export XDG_CONFIG_HOME="$WORK/config" XDG_DATA_HOME="$WORK/data"

# name commits tags seed
REPOS="big 100000 6000 1
mid 20000 1200 2
small 5000 300 3
mono 50000 3000 4"
mkdir -p "$DIR"
echo "$REPOS" | while read -r name commits tags seed; do
	[ -d "$DIR/$name" ] && continue
	echo "generating $DIR/$name ..." >&2
	python3 "$HERE/gen-history.py" "$DIR/$name" --commits "$commits" --tags "$tags" --seed "$seed" >&2
done
newest=0
for r in big mid small mono; do
	t=$(git -C "$DIR/$r" log -1 --format=%ct main)
	[ "$t" -gt "$newest" ] && newest=$t
done
NOW=$(date -u -d "@$((newest + 86400))" +%Y-%m-%dT%H:%M:%SZ)
GLOBS="src/mod0* src/mod1*"

# measure CMD: runs the shell command once; prints wall seconds, CPU
# seconds (user + system) and peak RSS in KB, or "timeout".
measure() {
	start=$(date +%s%N)
	if ! /usr/bin/time -f '%M %U %S' -o "$WORK/rss" timeout "$TIMEOUT" sh -c "exec $1" >"$WORK/out" 2>"$WORK/err"; then
		echo timeout
		return 0
	fi
	end=$(date +%s%N)
	read -r rss user sys <"$WORK/rss"
	awk -v w="$(( (end - start) / 1000 ))" -v u="$user" -v s="$sys" -v m="$rss" \
		'BEGIN { printf "%.3f %.3f %d\n", w / 1e6, u + s, m }'
}

# sum A B: adds two measure lines field by field (RSS: the larger)
sum() {
	echo "$1 $2" | awk '{ printf "%.3f %.3f %d\n", $1 + $4, $2 + $5, ($3 > $6 ? $3 : $6) }'
}

sd() { db=$1; shift; "$BIN" --db "$db" --now "$NOW" "$@"; }

TEAM=$WORK/team.db
PATHS=$WORK/paths.db
OTHER=$WORK/other.db
sd "$OTHER" service add api --repo "$DIR/mono" --paths 'src/mod0*' --deploy-tags 'v*.[0-4].*' >/dev/null
sd "$OTHER" service add web --repo "$DIR/mono" --paths 'src/mod1*' --deploy-tags 'v*.[5-9].*' >/dev/null
sd "$TEAM" service add big --repo "$DIR/big" >/dev/null
sd "$TEAM" service add mid --repo "$DIR/mid" >/dev/null
sd "$TEAM" service add small --repo "$DIR/small" >/dev/null
for db in "$TEAM" "$PATHS"; do
	sd "$db" service add api --repo "$DIR/mono" --paths 'src/mod0*' >/dev/null
	sd "$db" service add web --repo "$DIR/mono" --paths 'src/mod1*' >/dev/null
done

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# the page cache warm for everyone
for r in big mid small mono; do git -C "$DIR/$r" log --branches --tags --format='%H %P %at %ct %B' >/dev/null; done

gitlog="0 0 0"
for r in big mid small mono; do
	gitlog=$(sum "$gitlog" "$(measure "git -C '$DIR/$r' log --branches --tags --format='%H %P %at %ct %B'")")
done
cold=$(measure "'$BIN' --db '$TEAM' --now $NOW sync --full")
warm=$(measure "'$BIN' --db '$TEAM' --now $NOW --snapshot")
gitpaths="0 0 0"
for g in $GLOBS; do
	gitpaths=$(sum "$gitpaths" "$(measure "git -C '$DIR/mono' log --branches --tags --format='%H %P %at %ct %B' -- '$g'")")
done
pcold=$(measure "'$BIN' --db '$PATHS' --now $NOW sync --full")
pwarm=$(measure "'$BIN' --db '$PATHS' --now $NOW --snapshot")
pother=$(measure "'$BIN' --db '$OTHER' --now $NOW sync --full")
# 200 new commits and a tag on a copy of the monorepo sharing its objects
git clone -q --shared --no-checkout "$DIR/mono" "$WORK/mono2"
git -C "$WORK/mono2" fetch -q origin '+refs/tags/*:refs/tags/*'
sd "$PATHS" service rm api --yes >/dev/null
sd "$PATHS" service rm web --yes >/dev/null
sd "$PATHS" service add api --repo "$WORK/mono2" --paths 'src/mod0*' >/dev/null
sd "$PATHS" service add web --repo "$WORK/mono2" --paths 'src/mod1*' >/dev/null
sd "$PATHS" sync --full >/dev/null
(
	cd "$WORK/mono2"
	git checkout -q -B main origin/main
	i=0
	while [ $i -lt 200 ]; do
		f="src/mod0$((i % 10))/bench$((i % 7)).c"
		mkdir -p "$(dirname "$f")"
		echo "$i" >>"$f"
		git add "$f"
		GIT_AUTHOR_DATE="@$((newest + i * 60)) +0000" GIT_COMMITTER_DATE="@$((newest + i * 60)) +0000" \
			git -c user.name=bench -c user.email=b@example.com commit -q -m "bench $i"
		i=$((i + 1))
	done
	git tag v999.0.0
)
pincr=$(measure "'$BIN' --db '$PATHS' --now $NOW sync")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

row() { printf '%-30s %9s %9s %10s\n' "$1" "$2" "$3" "$4"; }
line() { set -- $2; row "$NAME" "$1" "$2" "$3"; }
ratio() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.2f", $1 / $2; else printf "n/a" }'; }
printf 'team: 5 services (%s); now %s\nload average before %s, after %s (%s cores)\n\n' \
	"big 100000, mid 20000, small 5000 commits; mono 50000 with api src/mod0*, web src/mod1*" \
	"$NOW" "$load_before" "$load_after" "$(nproc)"
row "" "wall s" "cpu s" "peak KB"
NAME="git log, 4 repositories"; line x "$gitlog"
NAME="cold sync --full, team"; line x "$cold"
NAME="warm --snapshot, team"; line x "$warm"
NAME="git log -- PATHS, 2 globs"; line x "$gitpaths"
NAME="cold sync, 2 path services"; line x "$pcold"
NAME="warm --snapshot, path services"; line x "$pwarm"
NAME="sync after 200 commits, paths"; line x "$pincr"
NAME="cold sync, 2 paths, other tags"; line x "$pother"
echo
set -- $gitlog; gw=$1 gc=$2
set -- $cold; echo "cold sync / git log:          wall $(ratio "$1" "$gw"), cpu $(ratio "$2" "$gc")  (criterion: <= 1.0)"
set -- $warm; echo "warm snapshot / git log:      wall $(ratio "$1" "$gw"), cpu $(ratio "$2" "$gc")  (criterion: <= 0.1)"
set -- $gitpaths; pw=$1 pc=$2
set -- $pcold; echo "path cold / git log -- PATHS: wall $(ratio "$1" "$pw"), cpu $(ratio "$2" "$pc")  (criterion: <= 2)"
set -- $pother; echo "other tags / git log -- PATHS: wall $(ratio "$1" "$pw"), cpu $(ratio "$2" "$pc")"
