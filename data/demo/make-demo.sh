#!/bin/sh
# Builds shipdeck's demo: a git repository whose history looks like a small
# product team's last three months (feature branches merged with --no-ff,
# direct fixes, release tags in several time zones, a release candidate, a
# revert that restored a bad release) and a release database with features
# in every phase. Dates are relative to now so the dashboard looks current.
#
# The database goes where shipdeck looks for the repository's own (DB, given
# by `shipdeck demo`), so `shipdeck` run inside the demo's repository opens
# the demo's data.
#
# usage: make-demo.sh SHIPDECK_BINARY DIR reset|keep [DB]
set -eu
sd=$1
dir=$2
mode=${3:-keep}
repo=$dir/storefront
db=${4:-$dir/demo.db}

if [ "$mode" = keep ] && [ -f "$dir/.complete" ] && [ -f "$db" ]; then
	exit 0
fi
rm -rf "$repo" "$db" "$db-wal" "$db-shm" "$dir/.complete" "$dir/demo.db" "$dir/demo.db-wal" "$dir/demo.db-shm"
mkdir -p "$repo"
command -v git >/dev/null 2>&1 || { echo "make-demo: git is not installed" >&2; exit 1; }

# SHIPDECK_DEMO_NOW (Unix seconds) pins the demo's clock, so tests can
# compare whole screens with a dashboard run at the same --now.
now=${SHIPDECK_DEMO_NOW:-$(date +%s)}
# t DAYS_AGO HOUR: an instant DAYS_AGO days before today at HOUR:00 UTC
t() { echo $(( (now / 86400 - $1) * 86400 + $2 * 3600 )); }

export GIT_CONFIG_NOSYSTEM=1 HOME="$dir"
g() { git -C "$repo" -c user.name="${who:-Dana Lee}" -c user.email=dana@example.com \
	-c init.defaultBranch=main -c commit.gpgsign=false -c tag.gpgsign=false "$@"; }

commit() { # commit DAYS_AGO HOUR ZONE MESSAGE
	stamp="@$(t "$1" "$2") $3"
	printf '%s\n' "$4" >> "$repo/CHANGES"
	g add CHANGES
	GIT_AUTHOR_DATE="$stamp" GIT_COMMITTER_DATE="$stamp" g commit -q -m "$4"
}
merge() { # merge DAYS_AGO HOUR BRANCH
	stamp="@$(t "$1" "$2") +0000"
	GIT_AUTHOR_DATE="$stamp" GIT_COMMITTER_DATE="$stamp" g merge -q --no-ff "$3" -m "Merge branch '$3'"
}
tag() { # tag DAYS_AGO HOUR ZONE NAME [lightweight]
	stamp="@$(t "$1" "$2") $3"
	if [ "${5:-}" = lightweight ]; then g tag "$4"; else
		GIT_COMMITTER_DATE="$stamp" g tag -a -m "Release $4" "$4"; fi
}
branch_work() { # branch_work BRANCH START_DAYS_AGO COUNT KEY TOPIC
	g checkout -q -b "$1" main
	i=0
	while [ "$i" -lt "$3" ]; do
		who="Sam Okafor" commit $(( $2 - i )) 10 +0530 "$4: $5, part $((i + 1))"
		i=$((i + 1))
	done
	g checkout -q main
}

g init -q
commit 95 9 +0000 "Initial import of the storefront"
commit 94 14 -0700 "Add product catalogue"
tag 93 16 -0700 v1.0.0

# Weekly rhythm: a feature or two, some fixes, a release.
week=0
for ago in 88 81 74 67 60 53; do
	week=$((week + 1))
	key="FEAT-$week"
	branch_work "feature/$key" "$ago" 3 "$key" "checkout step $week"
	merge $((ago - 3)) 11 "feature/$key"
	commit $((ago - 3)) 15 +0100 "Fix typo in release notes ($week)"
	tag $((ago - 4)) 9 +0100 "v1.$week.0"
done

# A bad release: v1.7.0 ships a change that is reverted and restored in v1.7.1.
branch_work feature/FEAT-7 45 2 FEAT-7 "faster payment retries"
merge 43 10 feature/FEAT-7
bad=$(g rev-parse HEAD^2)
tag 42 10 +0000 v1.7.0
stamp="@$(t 42 13) +0000"
GIT_AUTHOR_DATE="$stamp" GIT_COMMITTER_DATE="$stamp" g revert --no-edit "$bad" >/dev/null
tag 42 14 +0000 v1.7.1 lightweight

# A release candidate (not a deployment) and the release after it.
branch_work feature/FEAT-8 38 4 FEAT-8 "saved carts"
merge 33 10 feature/FEAT-8
tag 32 9 -0700 v1.8.0-rc1
commit 31 11 -0700 "FEAT-8: fix cart expiry found in rc1"
tag 30 9 -0700 v1.8.0

for ago in 24 17; do
	week=$((week + 3))
	key="FEAT-$week"
	branch_work "feature/$key" "$ago" 2 "$key" "search improvements $week"
	merge $((ago - 2)) 11 "feature/$key"
	tag $((ago - 3)) 10 +0530 "v1.$week.0"
done

# Merged, built, waiting for a release (Testing & Staging); merged with a
# failing build (Build & Package); work in progress on branches.
branch_work feature/FEAT-15 12 3 FEAT-15 "product reviews"
merge 8 15 feature/FEAT-15
branch_work feature/FEAT-20 9 3 FEAT-20 "gift cards"
merge 5 15 feature/FEAT-20
branch_work feature/FEAT-21 6 4 FEAT-21 "order tracking page"
branch_work feature/FEAT-22 5 2 FEAT-22 "dark mode"

# ---- the release database -----------------------------------------------------
run() { "$sd" --repo "$repo" --db "$db" --now "@$now" "$@" >/dev/null; }
run feature add "Faster payment retries" --key FEAT-7 --branch feature/FEAT-7 --size small --owner dana
run feature add "Saved carts" --key FEAT-8 --branch feature/FEAT-8 --size medium --owner priya
run feature add "Search suggestions" --key FEAT-12 --branch feature/FEAT-12 --size medium --owner sam
run feature add "Product reviews" --key FEAT-15 --branch feature/FEAT-15 --size medium --owner priya
run feature add "Gift cards" --key FEAT-20 --branch feature/FEAT-20 --size medium --owner dana
run feature add "Order tracking page" --key FEAT-21 --branch feature/FEAT-21 --size large --owner sam
run feature add "Dark mode" --key FEAT-22 --branch feature/FEAT-22 --size small --owner priya
run feature add "Loyalty points" --key FEAT-23 --size large --owner dana

planning="problem-data success-measurable edge-cases failure-behaviour technical-constraints out-of-scope reviewed-together"
predeploy="staging-tests migrations-reversible monitoring-dashboards rollback-plan team-available incident-standby communication-plan feature-flags"
for f in FEAT-7 FEAT-8 FEAT-12 FEAT-15 FEAT-20 FEAT-22; do run check "$f" $planning; done
run check FEAT-21 problem-data success-measurable edge-cases out-of-scope reviewed-together
for f in FEAT-7 FEAT-8 FEAT-12; do run check "$f" $predeploy; done
run check FEAT-15 staging-tests migrations-reversible monitoring-dashboards rollback-plan \
	team-available feature-flags --note "checked in the release meeting"

# A CI run for every commit of main, as `gh run list --json` prints them:
# mostly green, some slow, a few red (the gift-cards merge fails its tests).
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
runs=$dir/ci-runs.json
i=0
{
	echo "["
	git -C "$repo" log --first-parent --format='%H %ct %s' main | while read -r sha ct subject; do
		i=$((i + 1))
		minutes=$(( 6 + (i * 7) % 19 ))
		conclusion=success
		name=ci
		case $subject in *FEAT-20*) conclusion=failure; name="ci / unit tests" ;; esac
		[ $((i % 9)) -eq 0 ] && { conclusion=failure; name="ci / lint"; }
		[ "$i" -gt 1 ] && echo ","
		printf '{"attempt":1,"conclusion":"%s","createdAt":"%s","databaseId":%d,"displayTitle":"%s","event":"push","headBranch":"main","headSha":"%s","name":"%s","number":%d,"startedAt":"%s","status":"completed","updatedAt":"%s","url":"https://ci.example.com/runs/%d","workflowName":"ci"}' \
			"$conclusion" "$(iso $((ct + 60)))" $((7000000000 + i)) "$(printf '%s' "$subject" | tr -d '"\\')" \
			"$sha" "$name" "$i" "$(iso $((ct + 120)))" "$(iso $((ct + 120 + minutes * 60)))" "$i"
	done
	echo "]"
} > "$runs"
run build import "$runs"

# How releases went out, and what went wrong.
at() { echo "@$(( $(t "$1" "$2") + ${3:-0} * 60 ))"; }  # DAYS_AGO HOUR [MINUTES]
ago() { echo "@$((now - $1 * 60))"; }                       # MINUTES_AGO
run deploy record v1.9.0 --env production --strategy rolling --at "$(at 21 10)"
run review deploy 1 --answer 1="Error rate flat, p95 latency unchanged" --answer 2="Search usage up 4 %" \
	--answer 3="None" --answer 4="Rollback was not needed" --answer 5="Ship smaller search changes"
run deploy record v1.12.0 --env production --strategy canary --rollout 5 --at "$(at 14 10)"
run deploy advance 2 --rollout 25 --at "$(at 14 12)"
run deploy record main~1 --env staging --feature FEAT-15 --at "$(at 7 9)"
run incident open "Payments charged twice on retry" --severity sev1 --deploy v1.7.0 --at "$(at 42 10)"
run incident update 1 --detected-at "$(at 42 10 12)" --paged-at "$(at 42 10 15)" --root-cause-at "$(at 42 12 20)" \
	--decision rollback --decided-at "$(at 42 12 30)" --restored-at "$(at 42 13 5)" \
	--root-cause "the retry handler charged again before checking the idempotency key" \
	--note "revert of the retry change shipped as v1.7.1"
run incident open "Search latency above its objective" --severity sev3 --at "$(ago 95)"
run incident update 2 --detected-at "$(ago 80)"

touch "$dir/.complete"
echo "demo built in $dir" >&2
