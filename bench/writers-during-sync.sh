#!/bin/sh
# writers-during-sync.sh — issue 13's "writers never wait on a scan" on the
# 100 000-commit bench history: while `sync --full` walks it, checklist
# ticks (`shipdeck check`, ticking and unticking one item) run back to back
# against the same database. Prints the sync's time, the number of ticks
# made during it, how many failed and the slowest tick; exits 1 if any
# tick failed or none ran during the sync. (The suite pins the same rule
# deterministically with a paused walk: tests/test_writers.c; building
# this history takes about 90 s on a loaded 2-core machine, too slow there.)
#
# usage: bench/writers-during-sync.sh BIN [COMMITS] [TAGS]
#   BIN      the shipdeck binary; COMMITS default 100000; TAGS default 6000
#   The history is made once at /tmp/shipdeck-bench-COMMITS-TAGS (shared
#   with bench/run.sh).
set -u
BIN=$1
COMMITS=${2:-100000}
TAGS=${3:-6000}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=/tmp/shipdeck-bench-$COMMITS-$TAGS
WORK=$(mktemp -d /tmp/shipdeck-bench-writers-XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || { echo "writers-during-sync.sh: $BIN is not executable" >&2; exit 2; }
if [ ! -d "$REPO" ]; then
	echo "generating $REPO ..." >&2
	python3 "$HERE/gen-history.py" "$REPO" --commits "$COMMITS" --tags "$TAGS" >&2
fi
export HOME="$WORK" XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" GIT_CONFIG_NOSYSTEM=1
DB=$WORK/team.db
sd() { "$BIN" --repo "$REPO" --db "$DB" "$@"; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
sd feature add "Tick target" >/dev/null || exit 2

start=$(ms)
sd sync --full >"$WORK/sync.out" 2>&1 &
sync=$!
ticks=0 failed=0 slowest=0 undo=
while kill -0 "$sync" 2>/dev/null; do
	t0=$(ms)
	if ! sd check 1 problem-data $undo >/dev/null 2>"$WORK/tick.err"; then
		failed=$((failed + 1))
		sed 's/^/  tick failed: /' "$WORK/tick.err"
	fi
	t=$(( $(ms) - t0 ))
	[ "$t" -gt "$slowest" ] && slowest=$t
	ticks=$((ticks + 1))
	if [ -z "$undo" ]; then undo=--undo; else undo=; fi
done
wait "$sync"
rc=$?
took=$(( $(ms) - start ))
echo "sync --full of $COMMITS commits: ${took} ms (exit $rc)"
echo "ticks during it: $ticks, failed: $failed, slowest: ${slowest} ms"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$ticks" -gt 0 ]
