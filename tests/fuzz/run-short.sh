#!/bin/sh
# Builds the libFuzzer targets (`make fuzz`) and runs each for a short,
# fixed time from its seed corpus; exits non-zero when any target finds a
# crash, a leak, undefined behaviour or a broken oracle (the reproducer is
# left in BUILDDIR/tests/fuzz/artifacts/).
#
# usage: tests/fuzz/run-short.sh [BUILDDIR [SECONDS]]   (defaults: . and 20)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
builddir=$(cd "${1:-.}" && pwd)
seconds=${2:-20}

make -C "$builddir" fuzz
out="$builddir/tests/fuzz/out"
artifacts="$builddir/tests/fuzz/artifacts"
mkdir -p "$artifacts"
work=$(mktemp -d "${TMPDIR:-/tmp}/shipdeck-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

status=0
for name in import import_ops import_prs config dump text; do
	target="$out/fuzz_$name"
	mkdir -p "$work/$name"
	echo "fuzz_$name: ${seconds}s from $here/corpus_$name"
	# New inputs go to a scratch corpus (the first directory), so the seeds
	# in the source tree stay as written.
	if ! "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$artifacts/fuzz_$name-" \
		"$work/$name" "$here/corpus_$name" >"$work/$name.log" 2>&1; then
		echo "fuzz_$name: FAILED; the end of its log:" >&2
		tail -n 40 "$work/$name.log" >&2
		status=1
	else
		grep -E '^stat::number_of_executed_units|^stat::new_units_added' "$work/$name.log" |
			sed "s/^/fuzz_$name: /"
	fi
done
[ "$status" -eq 0 ] && echo "fuzz: every target ran ${seconds}s without a finding"
exit "$status"
