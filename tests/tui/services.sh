#!/bin/sh
# services.sh — a team's services in the dashboard (issue 14,
# docs/metrics.md §13), in tmux: with two services the status bar says the
# service filter is on all; S narrows everything to the first service, then
# the second, then all again (the status bar and the DORA pane follow: the
# first service's 2 deployments, the second's 3, the team's 5); ? lists the
# key with its help line. Each board card names its service on the right
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
screen_re() { tui_screen | grep -qE -- "$1"; }
# line_has A B: one line of the screen holds both texts.
line_has() { tui_screen | grep -F -- "$1" | grep -qF -- "$2"; }

cd "$work" # outside any repository: the team's database alone
tui_start 120 40 "'$bin' --db '$db' --now 2026-02-20T00:00:00Z"
require "the dashboard starts" tui_wait "Planning (3)"
check "status bar: every service, and the key" tui_wait "service: all (S)"
check "board: a card names its service" line_has "BIL-1" "[billing]"
check "board: ... each its own" line_has "SRC-12" "[search]"
check "board: a feature of no service says so" line_has "X-1" "[-]"
tui_keys 4
check "DORA pane: the team's 5 deployments" tui_wait "5 deployments"
tui_keys S
check "S: the first service only" tui_wait "service: billing (S)"
check "... and its figures: 2 deployments" tui_wait "2 deployments"
tui_keys 1
check "... the board: its feature alone" tui_wait "Planning (1)"
check "... one service: no tag on the card" screen_lacks "[billing]"
tui_keys 4
tui_keys S
check "S again: the second service" tui_wait "service: search (S)"
check "... and its figures: 3 deployments" tui_wait "3 deployments"
tui_keys S
check "S again: every service" tui_wait "service: all (S)"
check "... the team's figures again" tui_wait "5 deployments"
tui_keys ?
check "? lists the key" tui_wait "show the next service only"
tui_keys q
check "quits cleanly" tui_wait "EXITED:0"
tui_stop

# 80x24: a card is 12 columns; the tag gives way before the key.
tui_start 80 24 "'$bin' --db '$db' --now 2026-02-20T00:00:00Z"
require "80x24: the dashboard starts" tui_wait "Planning (3)"
check "80x24: the tag is cut by display width, the key whole" screen_re '^BIL-1 \[bil…\] *$'
check "80x24: ... a longer key: a shorter tag" screen_re '^SRC-12 \[se…\] *$'
check "80x24: ... flush with the card's right edge (12 columns)" screen_re '^X-1      \[-\] *$'
tui_keys q
check "80x24: quits cleanly" tui_wait "EXITED:0"
tui_finish
