#!/bin/sh
# screens.sh — what the dashboard keeps on a small screen, and that its
# screens are whole (issue 11). The demo is built with its clock pinned
# (SHIPDECK_DEMO_NOW) and the dashboard runs at the same --now, so a screen
# is the same every run: a few are compared whole with saved screens in
# golden/ (SD_UPDATE_GOLDEN=1 rewrites them; read the diff before you
# commit it). Pins: at 80x24 every pane keeps its status words and figures
# (states such as failed and the failure kind, card figures, tiers) and names give way
# first; board cards have a legend, also in ? (with the DORA and deploys
# panes' abbreviations, wrapped in their columns); the attention line names
# its pane in words, with the key in force, and keeps the window verdict; a
# long repository name is cut before "? Help" falls off the tab bar; ? lists
# the keys in force after "keys" in the config rebinds them (and a rebound
# key leaves the action it came from); a filter is per list and shown in the
# status bar while it is on; a resize, Ctrl-L and r leave exactly the screen
# a fresh start at that size shows, even after something scribbled on the
# terminal behind the dashboard.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
command -v git >/dev/null 2>&1 || { echo "git not installed: skipped"; exit 77; }

bin=${SD_BIN:-$PWD/shipdeck}
golden="$here/golden"
work=$(mktemp -d "${TMPDIR:-/tmp}/shipdeck-screens-XXXXXX")
trap 'tui_stop; rm -rf "$work"' EXIT
export HOME="$work" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" GIT_CONFIG_NOSYSTEM=1
export TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 USER=tester
unset NO_COLOR

# Wednesday 2026-03-04 10:00 UTC: a good deployment window, a weekday
NOW=1772618400
SHIPDECK_DEMO_NOW=$NOW "$bin" demo --no-open --dir "$work/demo" >/dev/null 2>&1 ||
	{ echo "not ok - demo could not be built"; exit 1; }
repo="$work/demo/storefront"
# The demo's database is the one shipdeck finds inside the demo's repository.
db=$(cd "$repo" && "$bin" info | sed -n 's/^database  *//p')
[ -f "$db" ] || { echo "not ok - no demo database where shipdeck looks: '$db'"; exit 1; }
config="$XDG_CONFIG_HOME/shipdeck/config.json"
mkdir -p "$XDG_CONFIG_HOME/shipdeck"

start() { # start COLS LINES [extra options...]
	cols=$1 lines=$2
	shift 2
	tui_start "$cols" "$lines" "'$bin' --repo '$repo' --db '$db' --now @$NOW $*"
	require "the dashboard starts at ${cols}x$lines" tui_wait "synced"
}
# the screen's line holding TEXT
line_of() { tui_screen | grep -F -- "$1" | head -n 1; }
# until_true SECONDS COMMAND...: COMMAND succeeds within SECONDS (a key's
# redraw may not have reached the pane yet on a loaded machine)
until_true() {
	deadline=$(( $(date +%s) + $1 ))
	shift
	while ! "$@"; do
		[ "$(date +%s)" -le "$deadline" ] || return 1
		sleep 0.05
	done
}
# line_has TEXT WORD: the line holding TEXT also holds WORD (waits up to 10 s)
line_has_now() { line_of "$1" | grep -qF -- "$2"; }
line_has() { until_true 10 line_has_now "$1" "$2"; }
line_re_now() { line_of "$1" | grep -qE -- "$2"; }
line_re() { until_true 10 line_re_now "$1" "$2"; }
top_bar() { tui_screen | head -n 1; }
status_bar() { tui_screen | tail -n 1; }
status_has() { status_bar | grep -qF -- "$1"; }
status_lacks() { ! status_bar | grep -qF -- "$1"; }
screen_lacks() { ! tui_screen | grep -qF -- "$1"; }
screen_matches() { tui_screen | grep -qE -- "$1"; }
screen_lacks_re() { ! tui_screen | grep -qE -- "$1"; }
# every tab, in order, "? Help" last
tabs_whole() { top_bar | grep -q '1 Board  2 Feature  3 Builds  4 DORA  5 Deploys  6 Advisor  ? Help$'; }
top_has() { top_bar | grep -qE -- "$1"; }

# golden NAME: the screen equals golden/NAME.txt (or becomes it, updating)
golden() {
	if [ -n "${SD_UPDATE_GOLDEN:-}" ]; then
		tui_save "$golden/$1.txt"
		return 0
	fi
	tui_wait_same "$golden/$1.txt"
}

# ---- whole screens at 80x24 -------------------------------------------------
start 80 24
tui_wait "pre-deploy ticks" >/dev/null
check "golden: the board at 80x24" golden board-80x24
tui_save "$work/fresh-board"
tui_keys 5
tui_wait "Production deployments" >/dev/null
check "golden: the deploys pane at 80x24" golden deploys-80x24
tui_keys '?'
tui_wait "Keys in force" >/dev/null
check "golden: the help pane at 80x24" golden help-80x24
tui_keys 4
tui_wait "Rework rate" >/dev/null
tui_save "$work/fresh-dora"
tui_stop

# ---- 80x24 keeps what matters ------------------------------------------------
start 80 24
tui_wait "pre-deploy ticks" >/dev/null
# FEAT-23 is in Planning, created at NOW: day 1 of at most 14 (a large
# feature's planning norm), 0 of 7 planning and 0 of 8 pre-deploy items
check "board 80x24: a card's figures are whole" tui_wait "d1/14"
check "board 80x24: ... and its checklists" tui_wait "P0/7 D0/8"
check "board 80x24: a column's count stays when its name is cut" line_has "Planning (1)" "Shipped (2)"
check "board 80x24: the no-go mark stays on a card (FEAT-15, testing)" screen_matches "FEAT-15 ✗"
check "board 80x24: the card legend" tui_wait "d6/28 day 6 of 28 in phase  P/D planning/pre-deploy ticks"
check "board 80x24: the attention line names the Deploys pane in words" \
	line_has "1 open incident" "(in Deploys, key 5)"
check "board 80x24: ... and keeps the window verdict whole" line_has "1 open incident" "Window: good"
check "board 80x24: the features needing attention on the next line" tui_wait "  Needs attention: FEAT-12 overdue"
check "tab bar 80x24: every tab, ? Help last" tabs_whole
tui_keys 5
tui_wait "Production deployments" >/dev/null
# v1.12.0 is the canary an incident names; v1.7.0 was restored by v1.7.1
check "deploys 80x24: the failed canary keeps its state" line_has "v1.12.0" "failed"
check "deploys 80x24: ... and its rollout share" line_has "v1.12.0" "25%"
check "deploys 80x24: the restored release keeps its state" line_has "v1.7.0 " "restored"
check "deploys 80x24: how it was restored, below it" tui_wait "by v1.7.1, after 3.1 h"
tui_keys G
check "deploys 80x24: a review keeps its answered count" line_has "deployment 2" "0/5 answered"
tui_keys 3
tui_wait "Recent builds" >/dev/null
fails=$(tui_screen | grep -c ' failure ')
whole=$(tui_screen | grep ' failure ' | grep -cE ' failure +(tests|build|infra|timeout|flaky|cancelled|other|[a-z]+)$')
check "builds 80x24: failed builds are listed ($fails)" [ "$fails" -ge 1 ]
check "builds 80x24: every failed build keeps its failure kind ($whole of $fails)" [ "$whole" -eq "$fails" ]
check "builds 80x24: the summary's figures are not cut" screen_matches "[0-9]+ running"
tui_keys 4
tui_wait "Rework rate" >/dev/null
for metric in "Deployment frequency" "Lead time (median)" "Change failure rate" "Time to restore"; do
	check "DORA 80x24: $metric keeps its tier" line_re "$metric" " (elite|high|medium|low|n/a)"
done
tui_stop

# ---- the tab bar with a long repository name ---------------------------------
long="$work/demo/storefront-payments-and-checkout-service-eu"
mv "$repo" "$long"
tui_start 80 24 "'$bin' --repo '$long' --db '$db' --now @$NOW"
require "starts with a long repository name" tui_wait "synced"
check "long repository name: ? Help stays on the tab bar" tabs_whole
check "long repository name: the name is cut instead" top_has '^ storefron…  1 Board'
tui_stop
mv "$long" "$repo"

# ---- ? shows the keys in force ----------------------------------------------
echo '{"keys": {"help": "h", "pane-deploys": "D", "quit": "x"}}' > "$config"
start 80 24
tui_keys h
check "rebound: h opens help" tui_wait "Keys in force"
check "rebound: help shows h for help" screen_matches "^  h +help +this help"
check "rebound: left keeps only Left (h went to help)" screen_matches "^  Left +left "
check "rebound: the tab bar shows the keys in force" top_has "D Deploys  6 Advisor  h Help"
tui_keys / quit Enter
check "rebound: help shows x for quit" tui_wait "  x                quit"
check "rebound: q is not shown for quit" screen_lacks_re "^  q +quit"
tui_keys 1
tui_wait "pre-deploy ticks" >/dev/null
check "rebound: the attention line gives the key in force" line_has "1 open incident" "(in Deploys, key D)"
tui_keys '?'
check "rebound: ? is no longer help, and the hint says which key is" tui_wait "unbound key (h for help)"
tui_keys x
check "rebound: x quits" tui_wait "EXITED:0"
tui_stop
rm "$config"

# ---- a filter per list, shown while it is on --------------------------------
start 80 24
tui_wait "pre-deploy ticks" >/dev/null
tui_keys f D a r k Enter
check "filter: the board shows the matching card" tui_wait_gone "Loyalty poi"
check "filter: ... and the status bar says so" status_has "filter: Dark (f, empty clears)"
check "filter: Dark mode stays" tui_wait "Dark mode"
tui_keys 5
tui_wait "Production deployments" >/dev/null
check "filter: another pane has its own list, unfiltered" tui_wait "v1.9.0"
check "filter: ... and no filter in its status bar" status_lacks "filter:"
tui_keys f v 1 . 7 Enter
check "filter: the deploys list is filtered" tui_wait_gone "v1.9.0"
check "filter: ... its own filter in the status bar" status_has "filter: v1.7"
check "filter: matching rows stay" tui_wait "v1.7.0"
tui_keys 1
check "filter: back on the board, its own filter again" tui_wait "filter: Dark"
check "filter: ... still applied" screen_lacks "Loyalty poi"
tui_keys f Enter
check "filter: an empty filter clears it" tui_wait "Loyalty poi"
check "filter: ... and the status bar says so" status_has "filter cleared"
tui_stop

# ---- resize, Ctrl-L and r leave the screen a fresh start shows --------------
start 200 60
tui_wait "pre-deploy ticks" >/dev/null
tui_resize 80 24
check "resize 200x60 -> 80x24: the board equals a fresh start at 80x24" tui_wait_same "$work/fresh-board"
tui_resize 120 40
tui_wait "Testing & Stag" >/dev/null
tui_resize 80 24
check "resize 120x40 -> 80x24: no stray characters" tui_wait_same "$work/fresh-board"
tui_keys 4
tui_resize 160 50
tui_wait "How these were computed" >/dev/null
tui_resize 80 24
check "resize on the DORA pane: equals a fresh start" tui_wait_same "$work/fresh-dora"
tui_stop

# Something else writes on the dashboard's terminal behind its back (another
# program, line noise). The writer is started in the pane next to the
# dashboard and shares its terminal: the pane's /dev/pts path is not used, as
# inside a container it can name another terminal.
cat > "$work/scribbler.sh" <<'SCRIBBLER'
#!/bin/sh
# scribbler.sh REQUEST: writes each REQUEST file that appears to the
# terminal it shares with the dashboard; ends with the test or the pane.
parent=$PPID
while [ -d "$(dirname "$1")" ] && kill -0 "$parent" 2>/dev/null; do
	if [ -f "$1" ]; then cat "$1"; rm -f "$1"; fi
	sleep 0.05
done
SCRIBBLER
scribble() { # scribble ROW COL TEXT
	printf '\033[%d;%dH%s' "$1" "$2" "$3" > "$work/scribble.tmp"
	mv "$work/scribble.tmp" "$work/scribble"
}
tui_start 80 24 "sh '$work/scribbler.sh' '$work/scribble' & '$bin' --repo '$repo' --db '$db' --now @$NOW"
require "the dashboard starts at 80x24 (with a scribbler)" tui_wait "synced"
tui_wait "pre-deploy ticks" >/dev/null
for try in 1 2 3; do
	scribble 5 20 SCRIBBLED-ON-THE-TERMINAL
	tui_wait "SCRIBBLED-ON" 2 && break
done
check "the scribble reached the screen (else the next check proves nothing)" tui_wait "SCRIBBLED-ON" 2
tui_keys C-l
check "Ctrl-L repaints every cell" tui_wait_same "$work/fresh-board"
scribble 12 30 SCRIBBLED-AGAIN
tui_wait "SCRIBBLED-AGAIN" >/dev/null
tui_keys r
check "r repaints every cell" tui_wait_gone "SCRIBBLED-AGAIN"
check "r: ... and says it refreshed" status_has "refreshed"
tui_stop

# ---- the legend in ? ---------------------------------------------------------
start 80 24
tui_keys '?'
tui_wait "Keys in force" >/dev/null
# each legend is a stop for the cursor, brought into view whole; G goes
# to the last one, so the legends after the keys can all be read
tui_keys / "Board cards" Enter
check "help: the board card legend" tui_wait "Board cards"
check "help: ... what d6/28 means" tui_wait "day 6 in the current phase"
check "help: ... what P and D mean" tui_wait "pre-deployment checklist: 0 of 8"
tui_keys G
check "help: G shows the end" tui_wait "Every figure is explained in shipdeck(1)"
check "help: the DORA marks" tui_wait "the team's target met, missed"
check "help: the deploys pane's ch" tui_wait "2 ch          changes (commits) the deployment shipped"
check "help: a wrapped legend line keeps its column" tui_wait "                alone below 100 columns"
tui_stop

tui_finish
