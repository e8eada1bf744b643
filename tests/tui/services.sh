#!/bin/sh
# services.sh — a team's services in the dashboard (issue 14,
# docs/metrics.md §13), in tmux: with two services the status bar says the
# service filter is on all; S narrows everything to the first service, then
# the second, then all again (the status bar and the DORA pane follow: the
# first service's 2 deployments, the second's 3, the team's 5); ? lists the
# key with its help line. The lists of deployments (DORA, Deploys) name
# each one's service before its ref. Each board card names its service on the right
# ("[billing]", "[-]" for a feature of no service: the database belongs to
# no repository, so a feature added without --service has no home), cut by
# display width at 80 columns ("[bill…]": the key stays whole), and not at
# all once S shows one service.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
command -v git >/dev/null 2>&1 || { echo "git not installed: skipped"; exit 77; }

bin=${SD_BIN:-$PWD/shipdeck}
work=$(mktemp -d "${TMPDIR:-/tmp}/shipdeck-tui-svc-XXXXXX")
trap 'tui_stop; rm -rf "$work"' EXIT
export HOME="$work" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" GIT_CONFIG_NOSYSTEM=1
export TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 USER=tester
unset NO_COLOR

# repo NAME TAGS...: one commit and one tag per name, a day apart
repo() {
	r="$work/$1"
	shift
	git init -q -b main "$r"
	day=1
	for t in "$@"; do
		d="2026-02-0${day}T10:00:00+0000"
		echo "$t" > "$r/f"
		git -C "$r" add f
		GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d git -C "$r" -c user.name=T -c user.email=t@e \
			commit -q -m "$t"
		git -C "$r" tag "$t"
		day=$((day + 1))
	done
}
repo billing v1 v2
repo search v1 v2 v3
db="$work/team.db"
"$bin" --db "$db" service add billing --repo "$work/billing" >/dev/null
"$bin" --db "$db" service add search --repo "$work/search" >/dev/null
"$bin" --db "$db" --service billing feature add "Invoice PDF export" --key BIL-1 >/dev/null
"$bin" --db "$db" --service search feature add "Fuzzy matching" --key SRC-12 >/dev/null
"$bin" --db "$db" feature add "Belongs nowhere" --key X-1 >/dev/null

screen_lacks() { ! tui_screen | grep -qF -- "$1"; }
# screen_re RE: waits (up to 10 s) until a line of the screen matches RE.
screen_re() {
	deadline=$(( $(date +%s) + 10 ))
	while [ "$(date +%s)" -le "$deadline" ]; do
		tui_screen | grep -qE -- "$1" && return 0
		sleep 0.05
	done
	return 1
}
status_has() { tui_screen | tail -n 1 | grep -qF -- "$1"; }
# block_rows: under each service's title, the five rows of the scorecard.
block_rows() {
	tui_screen | python3 -c 'import sys
lines = sys.stdin.read().splitlines()
names = ("Deployment frequency", "Lead time (median)", "Change failure rate", "Time to restore", "Rework rate")
titles = [i for i, l in enumerate(lines) if l.startswith(" Service ")]
sys.exit(not (len(titles) == 2 and all([l.strip().split("  ")[0] for l in lines[t + 1:t + 6]] == list(names) for t in titles)))'
}
# block_tier_coloured: in billing's block, the frequency row's tier starts
# with a colour (an SGR sequence right before it), as the team's row does.
block_tier_coloured() {
	tui_tmux capture-pane -e -p -t t | python3 -c 'import re, sys
lines = sys.stdin.read().splitlines()
at = [i for i, l in enumerate(lines) if "Service billing (" in l]
row = [l for l in lines[at[0]:] if "Deployment frequency" in l][:1] if at else []
sys.exit(not (row and re.search(r"\x1b\[[0-9;]*m(low|medium|high|elite) \(", row[0])))'
}
# line_has A B: one line of the screen holds both texts.
line_has() { tui_screen | grep -F -- "$1" | grep -qF -- "$2"; }

cd "$work" # outside any repository: the team's database alone
tui_start 120 40 "'$bin' --db '$db' --now 2026-02-20T00:00:00Z"
require "the dashboard starts" tui_wait "Planning (3)"
check "status bar: every service, and the keys" tui_wait "service: all (S, p)"
check "board: a card names its service" line_has "BIL-1" "[billing]"
check "board: ... each its own" line_has "SRC-12" "[search]"
check "board: a feature of no service says so" line_has "X-1" "[-]"
tui_keys f search Enter
check "board: the filter matches a card's service" tui_wait "Planning (1)"
check "... that service's card" line_has "SRC-12" "[search]"
tui_keys f Enter
check "... an empty filter: every card again" tui_wait "Planning (3)"
tui_keys Enter
check "Feature pane: the card's service" tui_wait "size medium   service billing"
tui_keys 4
# by hand: billing deploys on Feb 1 and 2, search on Feb 1, 2 and 3; a
# day counts once for the team; each first deployment ships nothing
check "DORA pane: the team's scorecard on top" tui_wait "team of 2 services"
check "... the team's 5 deployments on 3 days" tui_wait "Frequency: 5 deployments on 3 days"
check "... a block per service: billing" tui_wait " Service billing (whole repository; tags v*,!*rc*)"
check "... its counts" tui_wait "2 deployments on 2 days, 1 change, 0 of 2 failed"
check "... and search" tui_wait " Service search (whole repository; tags v*,!*rc*)"
check "... its counts" tui_wait "3 deployments on 3 days, 2 changes, 0 of 3 failed"
check "... each block has the scorecard's five rows" block_rows
check "... a block's tiers in their colours, as the team's rows" block_tier_coloured
tui_keys G
check "... the window's deployments name their service" screen_re "0 ch  billing    v1 "
check "... each its own (alike refs of two repositories)" screen_re "1 ch  search     v3 "
tui_keys g 5
check "Deploys pane: the service before the ref" screen_re "  search     v3 "
check "... and billing's" screen_re "  billing    v2 "
tui_keys 4
tui_keys S
check "S: the first service only" tui_wait "service: billing (S, p)"
check "... and its figures: 2 deployments" tui_wait "Frequency: 2 deployments on 2 days"
check "... the pane names the service shown" tui_wait " Service billing (whole repository"
check "... and no team" screen_lacks "team of 2 services"
tui_keys 1
check "... the board: its feature alone" tui_wait "Planning (1)"
check "... one service: no tag on the card" screen_lacks "[billing]"
tui_keys 4
tui_keys S
check "S again: the second service" tui_wait "service: search (S, p)"
check "... and its figures: 3 deployments" tui_wait "Frequency: 3 deployments on 3 days"
tui_keys S
check "S again: every service" tui_wait "service: all (S, p)"
check "... the team's figures again" tui_wait "Frequency: 5 deployments on 3 days"
# Enter on a service's block shows that service alone
tui_keys j
tui_keys Enter
check "Enter on the second block: that service alone" tui_wait "service: search (S, p)"
check "... its figures" tui_wait "Frequency: 3 deployments on 3 days"
# the picker: every service and "all services", the one shown marked
tui_keys p
check "p: the picker opens" tui_wait "Show which service?"
check "... offers every service" tui_wait "   billing"
check "... and all of them" tui_wait "   all services"
check "... the one shown is marked" tui_wait "• search"
tui_keys Escape
check "Esc: the picker closes" tui_wait_gone "Show which service?"
check "... nothing changed" status_has "service: search (S, p)"
tui_keys p
tui_wait "Show which service?" >/dev/null
tui_keys Up Up Enter
check "Up, Up, Enter: all services" tui_wait "service: all (S, p)"
check "... the team again" tui_wait "Frequency: 5 deployments on 3 days"
tui_keys p
tui_wait "Show which service?" >/dev/null
tui_keys Down Enter
check "Down, Enter: the first service" tui_wait "service: billing (S, p)"
check "... its figures" tui_wait "Frequency: 2 deployments on 2 days"
tui_keys ?
check "? lists the key" tui_wait "show the next service only"
check "? lists the picker" screen_re "^  p +service-pick +choose the service to show from a list"
tui_keys q
check "quits cleanly" tui_wait "EXITED:0"
tui_stop

# 80x24: a card is 12 columns; the tag gives way before the key. The DORA
# pane's blocks do not fit: j brings the next one into view, whole, then
# the team's trend and how it was computed (the cursor stops on each), then
# the deployments.
tui_start 80 24 "'$bin' --db '$db' --now 2026-02-20T00:00:00Z"
require "80x24: the dashboard starts" tui_wait "Planning (3)"
check "80x24: the tag is cut by display width, the key whole" screen_re '^BIL-1 \[bil…\] *$'
check "80x24: ... a longer key: a shorter tag" screen_re '^SRC-12 \[se…\] *$'
check "80x24: ... flush with the card's right edge (12 columns)" screen_re '^X-1      \[-\] *$'
tui_keys 4
check "80x24: the first block shows" tui_wait "2 deployments on 2 days, 1 change"
check "80x24: ... the second does not fit" screen_lacks "3 deployments on 3 days"
tui_keys j
check "80x24: j scrolls to the second block, its counts too" tui_wait "3 deployments on 3 days, 2 changes"
check "80x24: ... its title on screen" tui_wait " Service search (whole"
tui_keys j
check "80x24: j again: the team's trend, heading and all" tui_wait "Trend by week, "
check "80x24: ... its last line" tui_wait "  Time to restore    "
tui_keys j
check "80x24: j again: how the figures were computed, whole" tui_wait "How these were computed"
check "80x24: ... to its last line" tui_wait "Restore: median over 0 restored failures"
tui_keys j
check "80x24: j again: the deployments" tui_wait "Deployments in the window"
tui_keys q
check "80x24: quits cleanly" tui_wait "EXITED:0"

# --service at the start: the picker still offers every service
tui_start 80 24 "'$bin' --db '$db' --now 2026-02-20T00:00:00Z --service search"
require "--service: the dashboard starts" tui_wait "Planning (1)"
check "--service: the status bar names it" status_has "service: search (S, p)"
tui_keys p
check "--service: the picker marks it" tui_wait "• search"
tui_resize 60 15
check "--service: the picker through a resize too small" tui_wait "terminal too small"
tui_resize 80 24
check "--service: ... and back, the picker again" tui_wait "Show which service?"
tui_keys Up Up Enter
check "--service: ... and widens to every service" tui_wait "service: all (S, p)"
check "--service: ... every card again" tui_wait "Planning (3)"
tui_keys S
check "--service: S goes on from all to the first" tui_wait "service: billing (S, p)"
# a service added while the dashboard runs is offered after a refresh
repo extra v1
"$bin" --db "$db" service add extra --repo "$work/extra" >/dev/null
tui_keys r
tui_wait "refreshed" >/dev/null
tui_keys p
check "a service added meanwhile: offered after r" tui_wait "   extra"
check "... the one shown still marked" tui_wait "• billing"
tui_keys Escape
# its repository gone: its block says so, the others still show
rm -rf "$work/extra"
tui_keys p g Enter
check "every service again" tui_wait "service: all (S, p)"
tui_keys 4 j
check "a service whose repository is gone: its block says why" tui_wait "  not read: "
check "... under its title" tui_wait " Service extra (whole repository"
check "... the team's other services still count" tui_wait "team of 3 services"
# the model's notes: listed in the DORA pane as the snapshot's bullets, and
# counted on the board with where they are
# past the services' blocks, a j at a time: the notes come next
notes_seen() {
	for _ in 1 2 3 4 5; do
		tui_wait "Notes (" 1 && return 0
		tui_keys j
	done
	return 1
}
check "notes: the DORA pane lists the snapshot's notes" notes_seen
check "... the gone repository's among them" tui_wait "▸ service extra: $work/extra: not a git"
tui_keys 1
check "... and the board counts them, saying where" tui_wait "(in DORA, key 4)"
tui_keys q
check "--service: quits cleanly" tui_wait "EXITED:0"
tui_finish
