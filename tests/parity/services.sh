#!/bin/sh
# services.sh — one truth for a team's services (issue 14): the DORA pane's
# scorecard of each service, and the team's, reads the same as the
# snapshot's, the JSON being the reference. Two repositories made here:
# billing deploys v1 and v2 (Feb 1 and 2), search v1, v2 and v3 (Feb 1, 2
# and 3), and search has an incident from Feb 3 12:00 to 14:00 that names
# no deployment, so it fails v3 (its latest before the start). Worked by
# hand: search fails 1 of 3 (33.3 %) and restores in 2 h; billing fails
# none (0 %); the team fails 1 of 5 (20 %) and restores in 2 h. The pane
# is read at 160x50 (every block on one screen) and at 80x24, where j
# brings the second block into view. Each board card's service tag and
# each listed deployment's service are the JSON's "service".
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tui/lib.sh"
for tool in tmux git python3; do
	command -v "$tool" >/dev/null 2>&1 || { echo "$tool not installed: skipped"; exit 77; }
done

bin=${SD_BIN:-$PWD/shipdeck}
work=$(mktemp -d "${TMPDIR:-/tmp}/shipdeck-parity-svc-XXXXXX")
trap 'tui_stop; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
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
NOW=2026-02-20T00:00:00Z
sd() { "$bin" --db "$db" --now "$NOW" "$@"; }
sd service add billing --repo "$work/billing" >/dev/null
sd service add search --repo "$work/search" >/dev/null
sd --service billing feature add "Invoice PDF export" --key BIL-1 >/dev/null
sd --service search feature add "Fuzzy matching" --key SRC-12 >/dev/null
sd feature add "Belongs nowhere" --key X-1 >/dev/null
id=$(sd --service search incident open "Search returns nothing" --severity sev2 \
	--at 2026-02-03T12:00:00Z --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
sd incident update "$id" --restored-at 2026-02-03T14:00:00Z >/dev/null || { echo "not ok - incident"; exit 1; }

out="$work/out"
mkdir -p "$out"
cd "$work" # outside any repository: the team's database alone
sd --snapshot --format json > "$out/snapshot.json"
sd --snapshot > "$out/snapshot.txt"
tui_start 160 50 "'$bin' --db '$db' --now '$NOW'"
tui_wait "Planning (3)" 20 || { echo "not ok - dashboard did not start"; tui_screen; exit 1; }
tui_screen > "$out/board-160x50.screen"
tui_keys 4
tui_wait " Service search (" && sleep 0.2
tui_screen > "$out/dora-160x50.screen"
tui_keys G
sleep 0.3
tui_screen > "$out/dora-end-160x50.screen"
tui_keys q
tui_stop
tui_start 80 24 "'$bin' --db '$db' --now '$NOW'"
tui_wait "Planning (3)" 20 || { echo "not ok - dashboard did not start at 80x24"; exit 1; }
tui_keys 4
tui_wait " Service billing (" && sleep 0.2
tui_screen > "$out/dora-80x24.screen"
tui_keys j
tui_wait "3 deployments on 3 days" && sleep 0.2
tui_screen > "$out/dora-80x24-j.screen"
tui_keys q
tui_stop

python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
snap = json.load(open(os.path.join(out, "snapshot.json")))
read = lambda f: open(os.path.join(out, f), encoding="utf-8").read().splitlines()
fails = passes = 0

def check(name, cond, detail=""):
    global fails, passes
    if cond:
        passes += 1
        print("ok - " + name)
    else:
        fails += 1
        print("not ok - " + name)
        if detail:
            print("  " + str(detail)[:1500])

def block(lines, title):
    """The lines of a service's block: from its title to the next blank line."""
    at = [i for i, l in enumerate(lines) if l.startswith(title)]
    if not at:
        return []
    end = at[0] + 1
    while end < len(lines) and lines[end].strip():
        end += 1
    return lines[at[0] + 1:end]

def row_in(lines, row):
    hit = [l for l in lines if l.strip().startswith(row["name"])]
    return hit and all(c in hit[0] for c in (row["current"], row["tier"], row["target"], row["elite"])), hit

def cells(row):
    return " | ".join((row["current"], row["tier"], row["target"], row["elite"]))

byname = {s["name"]: s for s in snap["services"]}
check("two services in the JSON", sorted(byname) == ["billing", "search"], sorted(byname))
score = lambda dora, m: [r for r in dora["scorecard"] if r["metric"] == m][0]["current"]
# by hand (see the script's head)
check("by hand: search fails 1 of 3", score(byname["search"]["dora"], "change_failure_rate") == "33.3 %")
check("by hand: search restores in 2 h", score(byname["search"]["dora"], "time_to_restore") == "2 h")
check("by hand: billing fails none", score(byname["billing"]["dora"], "change_failure_rate") == "0 %")
check("by hand: the team fails 1 of 5", score(snap["dora"], "change_failure_rate") == "20 %")

txt = read("snapshot.txt")
wide = read("dora-160x50.screen")
for name, s in sorted(byname.items()):
    title_pane = " Service %s (" % name
    title_txt = "Service %s (" % name
    for r in s["dora"]["scorecard"]:
        what = "%s: %s reads %s" % (name, r["name"], cells(r))
        ok, hit = row_in(block(txt, title_txt), r)
        check(what + " in the text snapshot", ok, hit)
        ok, hit = row_in(block(wide, title_pane), r)
        check(what + " in the DORA pane at 160x50", ok, hit)
        # the fullest view of the block: before j (billing) or after it (search)
        ok, hit = row_in(max(block(read("dora-80x24.screen"), title_pane),
                             block(read("dora-80x24-j.screen"), title_pane), key=len), r)
        check(what + " in the DORA pane at 80x24", ok, hit)
for r in snap["dora"]["scorecard"]:
    head = [l for l in wide[:wide.index(next(l for l in wide if l.startswith(" Service ")))]]
    ok, hit = row_in(head, r)
    check("team: %s reads %s in the pane's scorecard" % (r["name"], cells(r)), ok, hit)
check("the pane's team scorecard says so", any("team of 2 services" in l for l in wide))

# each card's tag is the JSON feature's service ("[-]" for none)
board = read("board-160x50.screen")
for f in snap["features"]:
    tag = "[%s]" % (f["service"] or "-")
    hit = [l for l in board if l.startswith(f["key"] + " ")]
    check("board: %s's card says %s, as the JSON" % (f["key"], tag), hit and hit[0].rstrip().endswith(tag), hit)
check("by hand: X-1 belongs to no service", [f["service"] for f in snap["features"] if f["key"] == "X-1"] == [None])
# each deployment's line names the JSON's service before its ref
end = read("dora-end-160x50.screen")
at = [i for i, l in enumerate(end) if l.startswith("Deployments in the window")]
lines = end[at[0] + 1:at[0] + 1 + len(snap["deployments"])] if at else []
got = [(l.split()[5], l.split()[6]) for l in lines if len(l.split()) > 6]
want = [(dep["service"], dep["ref"]) for dep in snap["deployments"]]
check("DORA pane: the deployments' services and refs are the JSON's, in order", got == want, (got, want))
print("parity (services): %d passed, %d failed" % (passes, fails))
sys.exit(1 if fails else 0)
PY
