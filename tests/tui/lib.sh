# lib.sh — drives shipdeck's dashboard in a real terminal (tmux), as a user
# would: send keys, read the screen. Waits poll the screen until it shows
# what is expected (never a blind sleep), with a deadline.
set -u

TUI_SOCKET="sdtui$$"
TUI_RUN=0
TUI_FAILS=0
TUI_PASSES=0

tui_tmux() { tmux -L "$TUI_SOCKET" -f /dev/null "$@"; }

# tui_start COLS LINES COMMAND...: runs COMMAND in a detached session.
tui_start() {
	cols=$1 lines=$2
	shift 2
	# a fresh server each time: reusing a socket a dying server still holds
	# makes the new one exit at once
	TUI_RUN=$((TUI_RUN + 1))
	TUI_SOCKET="sdtui$$-$TUI_RUN"
	tui_tmux new-session -d -s t -x "$cols" -y "$lines" "$*; echo EXITED:\$?; sleep 30"
	tui_tmux set-option -t t status off >/dev/null
}

tui_stop() { tui_tmux kill-server 2>/dev/null || true; }

tui_screen() { tui_tmux capture-pane -p -t t 2>/dev/null; }

# tui_wait TEXT [SECONDS]: waits until the screen shows TEXT.
tui_wait() {
	deadline=$(( $(date +%s) + ${2:-10} ))
	while [ "$(date +%s)" -le "$deadline" ]; do
		if tui_screen | grep -qF -- "$1"; then return 0; fi
		sleep 0.05
	done
	return 1
}

# tui_wait_gone TEXT [SECONDS]: waits until the screen no longer shows TEXT.
tui_wait_gone() {
	deadline=$(( $(date +%s) + ${2:-10} ))
	while [ "$(date +%s)" -le "$deadline" ]; do
		if ! tui_screen | grep -qF -- "$1"; then return 0; fi
		sleep 0.05
	done
	return 1
}

# tui_wait_same FILE [SECONDS]: waits until the whole screen equals FILE
# (a saved screen); on a timeout the difference is printed.
tui_wait_same() {
	deadline=$(( $(date +%s) + ${2:-10} ))
	while [ "$(date +%s)" -le "$deadline" ]; do
		if tui_screen | cmp -s - "$1"; then return 0; fi
		sleep 0.1
	done
	tui_screen | diff "$1" - | sed 's/^/diff: /'
	return 1
}

# tui_save FILE: saves the screen once it has stopped changing.
tui_save() {
	prev=""
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		cur=$(tui_screen)
		[ -n "$cur" ] && [ "$cur" = "$prev" ] && break
		prev=$cur
		sleep 0.2
	done
	tui_screen > "$1"
}

tui_keys() { tui_tmux send-keys -t t "$@"; }

tui_resize() { tui_tmux resize-window -t t -x "$1" -y "$2"; }

# check NAME COMMAND...: one assertion, reported like a test.
check() {
	name=$1
	shift
	if "$@"; then
		TUI_PASSES=$((TUI_PASSES + 1))
		echo "ok - $name"
		return 0
	else
		TUI_FAILS=$((TUI_FAILS + 1))
		echo "not ok - $name"
		echo "--- screen ---"
		tui_screen | sed 's/^/| /'
		echo "--------------"
		return 1
	fi
}

# An OSC 0 sequence in the data would retitle the terminal: the pane's
# title must still be what tmux set, not the text the data carried.
tui_title_not() {
	[ "$(tui_tmux display-message -p -t t '#{pane_title}')" != "$1" ]
}

# require NAME COMMAND...: like check, but the rest cannot run without it
# (the dashboard did not start): stop at once instead of timing out on each.
require() {
	check "$@" || { tui_finish; exit 1; }
}

tui_finish() {
	tui_stop
	echo "tui: $TUI_PASSES passed, $TUI_FAILS failed"
	[ "$TUI_FAILS" -eq 0 ]
}
