#!/bin/sh
# busy.sh — the dashboard while someone else holds the database's write
# lock (issue 13: it froze 8 s on a key press, then failed): a refresh that
# has something to write (a new commit makes the git cache change) shows
# "database busy" in the status bar within a moment instead of waiting for
# the 10 s busy timeout, the keys keep working, and once the lock is gone
# the next refresh saves and says "refreshed". The lock is held by the
# sqlite3 shell in an open BEGIN IMMEDIATE, fed through a named pipe.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
command -v git >/dev/null 2>&1 || { echo "git not installed: skipped"; exit 77; }
command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 shell not installed: skipped"; exit 77; }

bin=${SD_BIN:-$PWD/shipdeck}
work=$(mktemp -d "${TMPDIR:-/tmp}/shipdeck-tui-XXXXXX")
holder=
trap 'tui_stop; [ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$work"' EXIT
export HOME="$work" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" GIT_CONFIG_NOSYSTEM=1
export TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 USER=tester
unset NO_COLOR

repo="$work/r"
db="$work/team.db"
g() { git -C "$repo" -c user.name=T -c user.email=t@example.com "$@" >/dev/null 2>&1; }
git init -q -b main "$repo" && g commit -q --allow-empty -m one && g tag v1
"$bin" --repo "$repo" --db "$db" feature add "Busy card" >/dev/null

tui_start 100 30 "'$bin' --repo '$repo' --db '$db'"
require "dashboard: up" tui_wait "Busy card"

# Hold the write lock until told otherwise.
mkfifo "$work/hold"
sqlite3 "$db" <"$work/hold" >/dev/null 2>&1 &
holder=$!
exec 3>"$work/hold"
# the shell waits for the dashboard's own short writes instead of failing
echo ".timeout 20000" >&3
echo "BEGIN IMMEDIATE; INSERT INTO settings (key, value) VALUES ('held', 'yes');" >&3
locked() { ! sqlite3 "$db" "PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1; }
n=0
until locked; do
	n=$((n + 1))
	[ "$n" -gt 200 ] && break
	sleep 0.05
done
require "the write lock is held by another process" locked

g commit -q --allow-empty -m two
tui_keys r
# 5 s: well under the 10 s a writer waits for the lock by default.
check "a busy database shows in the status bar" tui_wait "database busy" 5
tui_keys 3
check "keys still work while the database is busy" tui_wait "Recent builds" 5

echo "ROLLBACK;" >&3
exec 3>&-
wait "$holder" 2>/dev/null
holder=
tui_keys r
check "once the lock is gone, the refresh saves" tui_wait "refreshed" 5
check "the other writer's change was rolled back" \
	sh -c "[ -z \"\$(sqlite3 '$db' \"SELECT value FROM settings WHERE key = 'held'\")\" ]"
tui_keys q
check "q quits" tui_wait "EXITED:0" 5

tui_finish
