#!/bin/sh
# run.sh — one truth on every surface (issue 11). Builds the demo and adds
# every kind of record the views word differently when they re-derive a
# rule: a canary that an incident names, an incident restored after now, a
# deployment that failed and was restored (the demo's v1.7.0, restored by
# v1.7.1, which is rework), a hand-set phase older than newer evidence, the
# demo's overdue reviews, and a deployment and an incident imported from
# GitHub and PagerDuty (their source reads the same everywhere), and a
# rollback of v1.9.0 recorded by hand. Then it renders everything a user can look at
# as of one fixed instant: the three snapshot formats, every list
# command's --json (and the other commands' --json documents), and the
# dashboard's DORA, deploys, board, builds and feature (FEAT-7) panes in
# tmux at 80x24 and 160x50. check.py asserts that every JSON document is
# valid against its schema in data/, that the markdown renders (cmark-gfm)
# as tables, lists and code spans, and that each deployment's state, each
# incident's state, each feature's flags, each DORA figure, tier, target and
# elite cut-off, and where lead time goes (the window's stages and FEAT-7's)
# read the same everywhere, the JSON being the reference. A second run with
# thresholds edited through SHIPDECK_DATA_DIR pins that the pane's and the
# snapshot's elite column follow the data.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tui/lib.sh"
for tool in tmux git python3 cmark-gfm; do
	command -v "$tool" >/dev/null 2>&1 || { echo "$tool not installed: skipped"; exit 77; }
done
python3 -c 'import jsonschema' 2>/dev/null || { echo "python3-jsonschema not installed: skipped"; exit 77; }

bin=${SD_BIN:-$PWD/shipdeck}
srcdir=${SD_SRCDIR:-$(cd "$here/../.." && pwd)}
work=$(mktemp -d "${TMPDIR:-/tmp}/shipdeck-parity-XXXXXX")
trap 'tui_stop; rm -rf "$work"' EXIT
export HOME="$work" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" GIT_CONFIG_NOSYSTEM=1
export TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 USER=tester
unset NO_COLOR

"$bin" demo --no-open --dir "$work/demo" >/dev/null 2>&1 || { echo "not ok - demo could not be built"; exit 1; }
repo="$work/demo/storefront"
# The demo's database is the one shipdeck finds inside the demo's repository.
db=$(cd "$repo" && "$bin" info | sed -n 's/^database  *//p')
[ -f "$db" ] || { echo "not ok - no demo database where shipdeck looks: '$db'"; exit 1; }
# Everything is rendered as of NOW, ten minutes before the clock: the demo's
# dates follow the clock, and a restore recorded at the clock is then a
# restore after now.
clock=$(date -u +%s)
NOW=$(date -u -d "@$((clock - 600))" +%Y-%m-%dT%H:%M:%SZ)
at() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
sd() { "$bin" --repo "$repo" --db "$db" "$@"; }
day=86400

out="$work/out"
mkdir -p "$out/fixture"
# The canary v1.12.0 (deployment 2, 25 %) is also named by an incident.
sd incident open "Canary returns 502 for a quarter of carts" --severity sev2 --deploy 2 \
	--at "$(at $((clock - 13 * day)))" --json > "$out/fixture/incident-open.json"
sd deploy record v1.8.0 --env staging --at "$(at $((clock - 29 * day)))" --json > "$out/fixture/deploy-record.json"
# Restored at the clock: after NOW, so still open as of NOW.
sd incident open "Checkout slow in one region" --severity sev3 --at "$(at $((clock - 3600)))" >/dev/null
last=$(sd incident list --json | python3 -c 'import json,sys; print(max(i["id"] for i in json.load(sys.stdin)["incidents"]))')
sd incident update "$last" --detected "$(at $((clock - 3000)))" --restored "$(at "$clock")" >/dev/null
# A hand-set phase older than the evidence: Gift cards merged 5 days ago,
# set back to Development by hand 9 days ago.
"$bin" --repo "$repo" --db "$db" --now "$(at $((clock - 9 * day)))" feature phase FEAT-20 development \
	--reason "waiting for the payment provider" >/dev/null

# Imported records (docs/metrics.md §1b): a GitHub deployment of main two
# days ago that failed, and a PagerDuty incident after it still open; their
# source must read the same on every surface.
isha=$(git -C "$repo" rev-parse main)
cat > "$work/github.json" <<EOF
[{"id": 4242, "sha": "$isha", "ref": "main", "task": "deploy", "environment": "prod",
  "created_at": "$(at $((clock - 2 * day)))", "production_environment": true,
  "repository_url": "https://api.github.com/repos/acme/storefront", "creator": {"login": "deploy-bot"},
  "statuses": [{"id": 1, "state": "failure", "created_at": "$(at $((clock - 2 * day + 300)))",
                "deployment_url": "https://api.github.com/repos/acme/storefront/deployments/4242"}]}]
EOF
sd deploy import "$work/github.json" > "$out/fixture/deploy-import.txt" || { echo "not ok - deploy import"; exit 1; }
cat > "$work/pagerduty.json" <<EOF
{"incidents": [{"id": "PPAR1TY", "incident_number": 7, "title": "Search returns nothing",
  "created_at": "$(at $((clock - 2 * day + 600)))", "status": "acknowledged", "urgency": "high",
  "priority": {"summary": "P2"}, "service": {"summary": "Storefront"},
  "html_url": "https://acme.pagerduty.com/incidents/PPAR1TY"}], "more": false}
EOF
sd incident import "$work/pagerduty.json" > "$out/fixture/incident-import.txt" || { echo "not ok - incident import"; exit 1; }
# A rollback (docs/metrics.md §3b): a day after v1.9.0, the second part of
# FEAT-9's branch (v1.9.0^2: an ancestor of v1.9.0's commit that no tag
# deployed) deployed by hand as the branch rollback-1.9. v1.9.0 failed and this deployment restored it
# after 24 h; it is rework. Its line must say "rolled back by" everywhere.
t9=$(git -C "$repo" for-each-ref --format='%(creatordate:unix)' refs/tags/v1.9.0)
rsha=$(git -C "$repo" rev-parse 'v1.9.0^2')
git -C "$repo" branch rollback-1.9 "$rsha"
sd deploy record rollback-1.9 --env production --at "$(at $((t9 + day)))" > /dev/null ||
	{ echo "not ok - the rollback could not be recorded"; exit 1; }
echo "$rsha" > "$out/fixture/rollback-commit.txt"

render() { # render DIR [env...]: every document and screen into DIR
	dir=$1
	mkdir -p "$dir"
	r() { "$bin" --repo "$repo" --db "$db" --now "$NOW" "$@"; }
	r --snapshot > "$dir/snapshot.txt"
	r --snapshot --format markdown > "$dir/snapshot.md"
	r --snapshot --format json > "$dir/snapshot.json"
	r feature list --json > "$dir/feature-list.json"
	r deploy list --json > "$dir/deploy-list.json"
	r incident list --json > "$dir/incident-list.json"
	r review list --all --json > "$dir/review-list.json"
	r build list --since 3650 --json > "$dir/build-list.json"
	for f in FEAT-7 FEAT-12 FEAT-15 FEAT-20 FEAT-21 FEAT-22 FEAT-23; do
		r gate "$f" --json > "$dir/gate-$f.json"
	done
	r checklist FEAT-15 --json > "$dir/checklist.json"
	r feature show FEAT-7 --json > "$dir/feature-show.json"
	r window --json > "$dir/window.json"
	r doctor --json > "$dir/doctor.json" || [ $? -eq 1 ]
	r service list --json > "$dir/service-list.json"
	r service show storefront --json > "$dir/service.json"
	r advise strategy --users all --rollback-minutes 3 --impact revenue --json > "$dir/advise-strategy.json"
	r advise rollback --severity critical --root-cause known --fix-minutes 5 --json > "$dir/advise-rollback.json"
	for size in 80x24 160x50; do
		cols=${size%x*} lines=${size#*x}
		tui_start "$cols" "$lines" "'$bin' --repo '$repo' --db '$db' --now '$NOW'"
		if ! tui_wait "Needs attention" 20; then
			echo "not ok - dashboard did not start at $size"
			tui_screen | sed 's/^/| /'
			return 1
		fi
		tui_screen > "$dir/board-$size.screen"
		tui_keys 4
		tui_wait "Deployment frequency" && sleep 0.2
		tui_screen > "$dir/dora-$size.screen"
		# the window's deployments are below the scorecard: page through them
		tui_keys G
		sleep 0.3
		tui_screen > "$dir/dora-end-$size.screen"
		tui_keys 5
		tui_wait "Incidents, open first" 10 || tui_wait "Production deployments" 10
		sleep 0.2
		tui_screen > "$dir/deploys-$size.screen"
		for page in 1 2 3; do
			tui_keys PgDn
			sleep 0.2
			tui_screen > "$dir/deploys-$size-$page.screen"
		done
		tui_keys 3
		tui_wait "Build time" && sleep 0.2
		tui_screen > "$dir/builds-$size.screen"
		# a shipped feature's own stages: FEAT-7 from the board
		tui_keys 1
		tui_wait "Needs attention" 10
		tui_keys / F a s t e r Enter Enter
		tui_wait "Where its lead time went" 10 && sleep 0.2
		tui_screen > "$dir/feature-$size.screen"
		tui_keys q
		tui_stop
	done
}

render "$out/default" || exit 1
# Edited thresholds: a stricter elite (12 h lead time, 4 %, 30 min restore,
# 4 deploy days a week). The columns must follow the data, not the code.
mkdir -p "$work/datadir"
cp "$srcdir"/data/*.json "$work/datadir/"
python3 - "$work/datadir/thresholds.json" <<'EOF'
import json, sys
p = sys.argv[1]
t = json.load(open(p))
for s in t["sets"].values():
    s["deployment_frequency"]["elite_median_days_per_week"] = 4
    s["lead_time_hours"]["elite_below"] = 12
    s["change_failure_percent"]["elite_at_most"] = 4
    s["time_to_restore_hours"]["elite_below"] = 0.5
json.dump(t, open(p, "w"), indent=1)
EOF
SHIPDECK_DATA_DIR="$work/datadir" render "$out/edited" || exit 1

# Imported pull requests (docs/metrics.md §2b), into a copy of the
# database: one per feature merge of main, listing the commits the merge
# brought, opened an hour after its first commit, reviewed halfway to its
# merge. The stages then come from pull requests on every surface.
cp "$db" "$work/prs.db"
python3 - "$repo" > "$work/prs.json" <<'EOF'
import datetime, json, subprocess, sys
repo = sys.argv[1]
def git(*a):
    return subprocess.run(["git", "-C", repo] + list(a), check=True, capture_output=True, text=True).stdout.split()
def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
prs = []
for n, m in enumerate(git("rev-list", "--merges", "--first-parent", "main"), 1):
    brought = git("rev-list", "--reverse", m + "^1.." + m + "^2")
    if not brought:
        continue
    merged = int(git("show", "-s", "--format=%ct", m)[0])
    first = int(git("show", "-s", "--format=%at", brought[0])[0])
    opened = min(first + 3600, merged)
    prs.append({"number": n, "title": "PR %d" % n, "author": {"login": "dev"}, "headRefName": "b%d" % n,
                "baseRefName": "main", "createdAt": iso(opened), "mergedAt": iso(merged),
                "mergeCommit": {"oid": m}, "commits": [{"oid": c} for c in brought],
                "reviews": [{"author": {"login": "reviewer"}, "state": "APPROVED",
                             "submittedAt": iso(opened + (merged - opened) // 2)}]})
json.dump(prs, sys.stdout)
EOF
"$bin" --repo "$repo" --db "$work/prs.db" pr import "$work/prs.json" > "$out/fixture/pr-import.txt" ||
	{ echo "not ok - pr import"; exit 1; }
main_db=$db
db="$work/prs.db"
render "$out/prs" || exit 1
db=$main_db

python3 "$here/check.py" "$srcdir" "$out"
