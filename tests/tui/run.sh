#!/bin/sh
# run.sh — the dashboard in a real terminal, as a user drives it: the demo's
# repository and database are built here, shipdeck runs in tmux at fixed
# sizes, keys are sent and screens read (waiting for each screen, never
# sleeping blindly). Pins: every pane and its title; drill-down from a card
# and back to the same place; search; a checklist tick with Space stored in
# the database; an item marked not applicable shown with its reason; figures equal to the snapshot's; resize to 80x24, 200x60 and
# too small; --read-only, --ascii, TERM=vt100, a key bound in config; a
# hostile title that cannot retitle the terminal; q, SIGTERM and SIGHUP
# leaving cleanly; a repository deleted under the running dashboard.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
command -v git >/dev/null 2>&1 || { echo "git not installed: skipped"; exit 77; }

bin=${SD_BIN:-$PWD/shipdeck}
work=$(mktemp -d "${TMPDIR:-/tmp}/shipdeck-tui-XXXXXX")
trap 'tui_stop; rm -rf "$work"' EXIT
export HOME="$work" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" GIT_CONFIG_NOSYSTEM=1
export TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 USER=tester
unset NO_COLOR

"$bin" demo --no-open --dir "$work/demo" >/dev/null 2>&1 || { echo "not ok - demo could not be built"; exit 1; }
repo="$work/demo/storefront"
# The demo's database is the one shipdeck finds inside the demo's repository.
db=$(cd "$repo" && "$bin" info | sed -n 's/^database  *//p')
[ -f "$db" ] || { echo "not ok - no demo database where shipdeck looks: '$db'"; exit 1; }
sd() { "$bin" --repo "$repo" --db "$db" "$@"; }
sd feature add "$(printf 'Evil \033]0;owned\007 title')" --key EVIL >/dev/null
sd check FEAT-21 migrations-reversible --na "no database in this service" >/dev/null
snap=$(sd --snapshot)
json=$(sd --snapshot --format json)

start() { # start COLS LINES [extra options...]
	cols=$1 lines=$2
	shift 2
	tui_start "$cols" "$lines" "'$bin' --repo '$repo' --db '$db' $*"
}

# A figure as the snapshot prints it: the text after a label, up to two spaces.
snap_field() { printf '%s\n' "$snap" | sed -n "s/^$1 *\([^ ].*\)/\1/p" | head -n 1 | sed 's/  .*//'; }

start 120 40
require "board: tab bar and attention line" tui_wait "Needs attention"
check "board: every phase column" tui_wait "Testing & Stag"
check "board: a card" tui_wait "Loyalty points"
tui_keys l Enter
check "drill-down: Enter opens the feature" tui_wait "Order tracking page"
check "feature: journey and checklists" tui_wait "Pre-deployment"
check "feature: an N/A item shows its reason" tui_wait "N/A: no database in this service"
tui_keys / s t a g i n g Enter
tui_keys Space
check "feature: Space ticks the item" tui_wait "ticked staging-tests"
check "the tick is stored with who and when" \
	sh -c "'$bin' --repo '$repo' --db '$db' checklist FEAT-21 --json | grep -q '\"id\": \"staging-tests\", \"text\": \"[^\"]*\", \"done\": true, \"by\": \"tester\"'"
tui_keys Escape
check "Esc goes back to the board" tui_wait "Needs attention"
tui_keys Enter
check "back to the same card" tui_wait "Order tracking page"
tui_keys 3
build_line=$(snap_field "Build time:")
check "builds pane" tui_wait "Build time: median"
check "builds: the median equals the snapshot's ($build_line)" tui_wait "$(printf '%s' "$build_line" | cut -d';' -f1 | sed 's/,.*//')"
tui_keys 4
cfr=$(snap_field "Change failure rate")
cfr_value=$(printf '%s' "$cfr" | cut -d' ' -f1-2)
check "DORA pane: scorecard" tui_wait "Deployment frequency"
check "DORA: change failure rate equals the snapshot's ($cfr_value)" tui_wait "Change failure rate   $cfr_value"
tui_keys 5
check "deployments and incidents pane" tui_wait "Incidents, open first"
check "deploys: the open incident" tui_wait "Search latency above its objective"
tui_keys 6
verdict=$(printf '%s' "$json" | sed -n 's/.*"window": {"verdict": "\([a-z]*\)".*/\1/p')
check "advisor: the window now ($verdict), as in the snapshot" tui_wait "Deploy now? $verdict"
if [ "$verdict" != good ]; then
	check "advisor: a window that is not good names the next good one" tui_wait "next good window: "
fi
tui_keys l
check "advisor: answering in place changes the advice" tui_wait "Users affected                     < some >"
tui_keys '?'
check "help is generated from the key table" tui_wait "next-pane"
tui_keys Tab
check "Tab cycles back to the board" tui_wait "Needs attention"
tui_keys / D a r k Enter Enter
check "search on the board finds a card" tui_wait "Dark mode"
tui_keys 1 G
check "G: the hostile title is shown inert" tui_wait "Evil ]0;owned title"
check "the data did not retitle the terminal" tui_title_not owned
tui_keys r
check "r re-syncs" tui_wait "refreshed"
tui_resize 80 24
check "80x24 still works" tui_wait "Needs attention"
tui_resize 200 60
check "200x60 works" tui_wait "Needs attention"
tui_resize 70 20
check "too small is said clearly" tui_wait "terminal too small"
tui_resize 120 40
check "and back" tui_wait "Needs attention"
tui_keys q
check "q quits with status 0, terminal restored" tui_wait "EXITED:0"
tui_stop

start 100 30 --read-only
tui_wait "Needs attention" >/dev/null
tui_keys 2 Space
check "--read-only refuses a tick" tui_wait "read-only"
tui_keys q
tui_stop

start 100 30 --ascii
tui_wait "Needs attention" >/dev/null
tui_keys 5
check "--ascii draws bars in ASCII" tui_wait "[##"
tui_stop

tui_start 100 30 "TERM=vt100 '$bin' --repo '$repo' --db '$db'"
check "TERM=vt100 works" tui_wait "Needs attention"
tui_stop

mkdir -p "$XDG_CONFIG_HOME/shipdeck"
echo '{"keys": {"quit": "x"}}' > "$XDG_CONFIG_HOME/shipdeck/config.json"
start 100 30
tui_wait "Needs attention" >/dev/null
tui_keys x
check "a key bound in config works" tui_wait "EXITED:0"
tui_stop
rm "$XDG_CONFIG_HOME/shipdeck/config.json"

for sig in TERM HUP; do
	start 100 30
	tui_wait "Needs attention" >/dev/null
	pid=$(pgrep -n -f -- "--db $db") || pid=""
	[ -n "$pid" ] && kill -"$sig" "$pid"
	check "SIG$sig ends it cleanly" tui_wait "EXITED:0"
	tui_stop
done
start 100 30
tui_wait "Needs attention" >/dev/null
mv "$repo" "$repo.gone"
tui_keys r
check "a repository deleted under the dashboard: a clear line, the data stays" tui_wait "not a git repository"
check "... and the last data is still shown" tui_wait "Loyalty points"
tui_keys q
check "... and it still quits cleanly" tui_wait "EXITED:0"
tui_stop
mv "$repo.gone" "$repo"
check "the database is intact" sh -c "'$bin' --repo '$repo' --db '$db' doctor >/dev/null"

tui_finish
