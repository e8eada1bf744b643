#!/bin/sh
# run.sh — the dashboard in a real terminal: a repository and database made
# here, shipdeck started in tmux at a fixed size, keys sent, screens read.
# Pins: the first screen shows the repository and its features; scrolling;
# a resize below 80x24 shows "terminal too small" and back; q quits cleanly
# (exit status 0) and SIGTERM / SIGHUP restore the terminal too.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }

bin=${SD_BIN:-$PWD/shipdeck}
work=$(mktemp -d "${TMPDIR:-/tmp}/shipdeck-tui-XXXXXX")
trap 'tui_stop; rm -rf "$work"' EXIT
export HOME="$work" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" GIT_CONFIG_NOSYSTEM=1
export TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR

repo="$work/shop"
mkdir -p "$repo"
git -C "$repo" -c init.defaultBranch=main init -q
echo hi > "$repo/README"
git -C "$repo" add README
GIT_AUTHOR_DATE=2026-11-20T10:00:00Z GIT_COMMITTER_DATE=2026-11-20T10:00:00Z \
	git -C "$repo" -c user.name=T -c user.email=t@e commit -q -m init
db="$work/shop.db"
sd() { "$bin" --repo "$repo" --db "$db" "$@"; }
for i in $(seq 1 30); do sd feature add "Feature number $i" --key "FEAT-$i" >/dev/null; done
sd feature add "$(printf 'Evil \033]0;owned\007 title')" --key EVIL >/dev/null

start() { tui_start "$1" "$2" "'$bin' --repo '$repo' --db '$db' --now 2026-11-27T09:00:00Z"; }

start 100 30
check "first screen shows the repository" tui_wait "shipdeck  shop"
check "first screen shows features" tui_wait "FEAT-1 "
tui_keys G
check "G goes to the end, hostile title shown inert" tui_wait "Evil ]0;owned title"
check "the data did not retitle the terminal" tui_title_not owned
tui_keys g
check "g goes back to the top" tui_wait "window 90 days"
tui_resize 60 20
check "too small is said clearly" tui_wait "terminal too small"
tui_resize 80 24
check "back to 80x24 redraws" tui_wait "shipdeck  shop"
tui_keys q
check "q quits with status 0" tui_wait "EXITED:0"
tui_stop

start 100 30
tui_wait "shipdeck  shop" >/dev/null
pid=$(pgrep -f -n "$bin --repo $repo") || pid=""
[ -n "$pid" ] && kill -TERM "$pid"
check "SIGTERM ends it cleanly" tui_wait "EXITED:0"
tui_stop

tui_finish
