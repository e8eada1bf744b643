# bench/measure.sh — the timing loop bench/run.sh and bench/scale.sh share
# (sourced: `. "$HERE/measure.sh"`). Needs WORK (a scratch directory), RUNS
# and TIMEOUT; /usr/bin/time gives CPU time and peak RSS.

# measure NAME CMD [PREP]: runs the shell command CMD RUNS times (stdout
# kept in NAME.out; PREP before each run, untimed); prints the median wall
# seconds, the median CPU seconds (user + system: steadier than wall time on
# a busy machine) and the largest peak RSS in KB. A run killed by TIMEOUT
# prints "timeout" instead.
measure() {
	: >"$WORK/$1.t"
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		[ -z "${3:-}" ] || sh -c "$3"
		start=$(date +%s%N)
		if ! /usr/bin/time -f '%M %U %S' -o "$WORK/rss" timeout "$TIMEOUT" sh -c "exec $2" >"$WORK/$1.out"; then
			echo timeout
			return 0
		fi
		end=$(date +%s%N)
		echo "$(( (end - start) / 1000 )) $(cat "$WORK/rss")" >>"$WORK/$1.t"
		i=$((i + 1))
	done
	awk -v n="$RUNS" '
		{ t[NR] = $1; c[NR] = $3 + $4; if ($2 > m) m = $2 }
		function med(a,   i, j, x) {
			for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { x = a[j]; a[j] = a[j - 1]; a[j - 1] = x }
			return a[int((n + 1) / 2)]
		}
		END { printf "%.3f %.3f %d\n", med(t) / 1e6, med(c), m }' "$WORK/$1.t"
}
