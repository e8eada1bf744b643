/* test_buildstats — pins the build-health figures of spec §7 and
 * docs/builds.md on builds written out here with their answers worked by
 * hand: durations are finished - started and only exist for completed,
 * executed builds; the window is (now - window_days, now] and a build after
 * now does not exist yet (one finishing after now is still running); the
 * tiers at their exact boundaries (10 min is decent, 20 slow, 45 broken);
 * the latest attempt decides a run's outcome; the failure rate is failed ÷
 * (succeeded + failed) runs; the waiting cost and the under-10-minute
 * saving formulas; the slowest workflows; the 12-week trend; no data is
 * n/a (JSON null), never 0; and CI names reach the text only cleaned. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buildstats.h"
#include "snapshot.h"
#include "timeutil.h"
#include "util.h"

#define MIN 60
#define HOUR 3600
#define DAY 86400

/* Sunday 2026-11-22 00:00 UTC; its ISO week (W47) began Monday 2026-11-16. */
static int64_t now_t(void)
{
	return time_from_utc(2026, 11, 22, 0, 0, 0);
}

/* A completed build of `secs` that started at `start`. */
static struct build mk(const char *run, int attempt, const char *wf, int64_t start, int64_t secs,
		       const char *conclusion)
{
	struct build b = {0};
	b.provider = xstrdup("github");
	b.run_id = xstrdup(run);
	b.attempt = attempt;
	b.workflow = xstrdup_or_null(wf);
	b.status = xstrdup(conclusion ? "completed" : "running");
	b.conclusion = xstrdup_or_null(conclusion);
	b.created = start;
	b.started = start;
	b.finished = conclusion ? start + secs : SD_NO_TIME;
	build_fill_durations(&b);
	return b;
}

struct set {
	struct build *b;
	size_t n, cap;
};

static void add(struct set *s, struct build b)
{
	VEC_PUSH(s->b, s->n, s->cap, b);
}

static void compute(struct set *s, int window, double cost, struct build_health *h)
{
	buildstats_compute(s->b, s->n, now_t(), window, cost, h);
}

static void done(struct set *s, struct build_health *h)
{
	build_health_free(h);
	builds_free(s->b, s->n);
}

Test(buildstats, tiers_at_their_boundaries)
{
	cr_assert_str_eq(build_tier(9.99), "fast");
	cr_assert_str_eq(build_tier(10), "decent");     /* exactly 10 min is decent */
	cr_assert_str_eq(build_tier(19.99), "decent");
	cr_assert_str_eq(build_tier(20), "slow");
	cr_assert_str_eq(build_tier(44.99), "slow");
	cr_assert_str_eq(build_tier(45), "broken");
}

Test(buildstats, one_build_of_exactly_ten_minutes_is_decent)
{
	struct set s = {0};
	struct build_health h;
	add(&s, mk("1", 1, "CI", now_t() - HOUR, 600, "success"));
	compute(&s, 90, 100, &h);
	cr_assert(h.has_duration);
	cr_assert_float_eq(h.median_minutes, 10.0, 1e-9);
	cr_assert_str_eq(h.tier, "decent");
	done(&s, &h);
}

/* In the window: 300, 600, 900, 1200, 3000 s and one running build.
 * Outside: 91 days ago (10 s), and one that starts an hour after now.
 * count 6, running 1; median of 5 = 900 s = 15 min (decent);
 * p90 = value at ceil(0.9·5) = 5th = 3000 s = 50 min. */
Test(buildstats, window_median_p90_and_running)
{
	struct set s = {0};
	struct build_health h;
	int64_t t = now_t() - 2 * DAY;
	add(&s, mk("1", 1, "CI", t, 300, "success"));
	add(&s, mk("2", 1, "CI", t, 600, "success"));
	add(&s, mk("3", 1, "CI", t, 900, "success"));
	add(&s, mk("4", 1, "CI", t, 1200, "success"));
	add(&s, mk("5", 1, "CI", t, 3000, "success"));
	add(&s, mk("6", 1, "CI", t, 0, NULL));
	add(&s, mk("7", 1, "CI", now_t() - 91 * DAY, 10, "success"));
	add(&s, mk("8", 1, "CI", now_t() + HOUR, 10, "success"));
	compute(&s, 90, 100, &h);
	cr_assert_eq(h.count, 6);
	cr_assert_eq(h.running, 1);
	cr_assert_eq(h.timed, 5);
	cr_assert_float_eq(h.median_minutes, 15.0, 1e-9);
	cr_assert_float_eq(h.p90_minutes, 50.0, 1e-9);
	cr_assert_str_eq(h.tier, "decent");
	done(&s, &h);
}

/* The window's lower end is open: a build exactly window_days before now is
 * out, one a second later is in. */
Test(buildstats, window_is_open_at_the_start)
{
	struct set s = {0};
	struct build_health h;
	add(&s, mk("1", 1, "CI", now_t() - 7 * DAY, 60, "success"));
	add(&s, mk("2", 1, "CI", now_t() - 7 * DAY + 1, 120, "success"));
	compute(&s, 7, 100, &h);
	cr_assert_eq(h.count, 1);
	cr_assert_float_eq(h.median_minutes, 2.0, 1e-9);
	done(&s, &h);
}

/* A build that started before now but finishes after it is running as of
 * now: no duration, no outcome. */
Test(buildstats, finishing_after_now_is_running)
{
	struct set s = {0};
	struct build_health h;
	add(&s, mk("1", 1, "CI", now_t() - 10 * MIN, 20 * MIN, "failure"));
	compute(&s, 90, 100, &h);
	cr_assert_eq(h.count, 1);
	cr_assert_eq(h.running, 1);
	cr_assert_not(h.has_duration);
	cr_assert_null(h.tier);
	cr_assert_eq(h.runs, 0);
	cr_assert_not(h.has_failure_rate);
	done(&s, &h);
}

/* Run R: attempt 1 failure, attempt 2 success -> R succeeded.
 * Run S: failure (kind tests). Run T: success. Run U: cancelled.
 * Builds (attempts) 5; runs 4: success 2 (R, T), failure 1 (S), cancelled 1.
 * judged = success + failure = 3; failure rate = 1/3 = 33.33 %. */
Test(buildstats, latest_attempt_decides_and_failure_rate)
{
	struct set s = {0};
	struct build_health h;
	int64_t t = now_t() - DAY;
	add(&s, mk("R", 1, "CI", t, 600, "failure"));
	add(&s, mk("R", 2, "CI", t + HOUR, 600, "success"));
	struct build sb = mk("S", 1, "CI", t, 600, "failure");
	sb.failure_kind = xstrdup("tests");
	add(&s, sb);
	add(&s, mk("T", 1, "CI", t, 600, "success"));
	add(&s, mk("U", 1, "CI", t, 600, "cancelled"));
	compute(&s, 90, 100, &h);
	cr_assert_eq(h.count, 5);
	cr_assert_eq(h.runs, 4);
	cr_assert_eq(h.conclusions[BC_SUCCESS], 2);
	cr_assert_eq(h.conclusions[BC_FAILURE], 1);
	cr_assert_eq(h.conclusions[BC_CANCELLED], 1);
	cr_assert_eq(h.judged, 3);
	cr_assert_eq(h.failed, 1);
	cr_assert_float_eq(h.failure_rate, 100.0 / 3, 1e-9);
	cr_assert_eq(h.kinds[FK_TESTS], 1);
	cr_assert_eq(h.kinds[FK_OTHER], 0);
	done(&s, &h);
}

/* As of now: a re-run that starts after now does not exist yet, so the
 * failed first attempt still decides (failure rate 1/1 = 100 %); a failed
 * build without a kind counts as other. */
Test(buildstats, a_rerun_after_now_does_not_decide_yet)
{
	struct set s = {0};
	struct build_health h;
	add(&s, mk("R", 1, "CI", now_t() - HOUR, 600, "failure"));
	add(&s, mk("R", 2, "CI", now_t() + HOUR, 600, "success"));
	compute(&s, 90, 100, &h);
	cr_assert_eq(h.runs, 1);
	cr_assert_eq(h.conclusions[BC_FAILURE], 1);
	cr_assert_float_eq(h.failure_rate, 100.0, 1e-9);
	cr_assert_eq(h.kinds[FK_OTHER], 1);
	done(&s, &h);
}

/* Timed-out counts as failed; skipped says nothing and has no duration
 * (it never executed): judged 2 (success, timed-out), failed 1 -> 50 %;
 * durations only 600 and 1200 -> median 900 s = 15 min. */
Test(buildstats, timed_out_fails_and_skipped_has_no_duration)
{
	struct set s = {0};
	struct build_health h;
	int64_t t = now_t() - DAY;
	add(&s, mk("1", 1, "CI", t, 600, "success"));
	add(&s, mk("2", 1, "CI", t, 1200, "timed-out"));
	add(&s, mk("3", 1, "CI", t, 0, "skipped"));
	compute(&s, 90, 100, &h);
	cr_assert_eq(h.judged, 2);
	cr_assert_float_eq(h.failure_rate, 50.0, 1e-9);
	cr_assert_eq(h.timed, 2);
	cr_assert_float_eq(h.median_minutes, 15.0, 1e-9);
	cr_assert_eq(s.b[2].duration_s, SD_NO_TIME);
	done(&s, &h);
}

/* Last 7 days: 1800, 600 and 300 s; 8 days ago: 3600 s (not counted).
 * wait = (1800 + 600 + 300) / 3600 = 0.75 h a week;
 * cost = 0.75 × 52 × 80 = 3120 a year;
 * saving = (max(0, 1800-600) + max(0, 600-600) + max(0, 300-600)) / 3600
 *        = 1200 / 3600 h × 52 × 80 = 1386.67 a year. */
Test(buildstats, cost_of_waiting_and_saving_under_ten_minutes)
{
	struct set s = {0};
	struct build_health h;
	add(&s, mk("1", 1, "CI", now_t() - 1 * DAY, 1800, "success"));
	add(&s, mk("2", 1, "CI", now_t() - 2 * DAY, 600, "success"));
	add(&s, mk("3", 1, "CI", now_t() - 6 * DAY, 300, "failure"));
	add(&s, mk("4", 1, "CI", now_t() - 8 * DAY, 3600, "success"));
	compute(&s, 90, 80, &h);
	cr_assert(h.has_wait);
	cr_assert_float_eq(h.wait_hours_per_week, 0.75, 1e-9);
	cr_assert_float_eq(h.cost_per_year, 3120.0, 1e-6);
	cr_assert_float_eq(h.saving_per_year, 1200.0 / 3600 * 52 * 80, 1e-6);
	cr_assert_float_eq(h.saving_per_year, 1386.6667, 1e-3);
	done(&s, &h);
}

/* A: 600, 1200, 1800 -> 20 min; B: 3000 -> 50 min; C: 60, 120 -> 1.5 min;
 * unnamed: 900 -> 15 min. Slowest first: B, A, unnamed (""), C. */
Test(buildstats, slowest_workflows_by_median)
{
	struct set s = {0};
	struct build_health h;
	int64_t t = now_t() - DAY;
	add(&s, mk("1", 1, "A", t, 600, "success"));
	add(&s, mk("2", 1, "A", t, 1200, "success"));
	add(&s, mk("3", 1, "A", t, 1800, "success"));
	add(&s, mk("4", 1, "B", t, 3000, "success"));
	add(&s, mk("5", 1, "C", t, 60, "success"));
	add(&s, mk("6", 1, "C", t, 120, "success"));
	add(&s, mk("7", 1, NULL, t, 900, "success"));
	compute(&s, 90, 100, &h);
	cr_assert_eq(h.nslowest, 4);
	cr_assert_str_eq(h.slowest[0].name, "B");
	cr_assert_float_eq(h.slowest[0].median_minutes, 50.0, 1e-9);
	cr_assert_str_eq(h.slowest[1].name, "A");
	cr_assert_float_eq(h.slowest[1].median_minutes, 20.0, 1e-9);
	cr_assert_eq(h.slowest[1].count, 3);
	cr_assert_str_eq(h.slowest[2].name, "");
	cr_assert_str_eq(h.slowest[3].name, "C");
	cr_assert_float_eq(h.slowest[3].median_minutes, 1.5, 1e-9);
	done(&s, &h);
}

/* now is in W47 (Mon 2026-11-16). Tue 2026-11-10 (W46): 600 s failure;
 * Tue 2026-11-17 (W47): 1200 s success. weekly[11] = W47: 1 build,
 * median 20 min, 0 % failed; weekly[10] = W46: 1 build, 10 min, 100 %;
 * weekly[0] starts 11 weeks before 2026-11-16 = Mon 2026-08-31. Daily: the
 * last entry is today (no build), the 5th from the end 2026-11-17. */
Test(buildstats, weekly_trend_and_daily_series)
{
	struct set s = {0};
	struct build_health h;
	add(&s, mk("1", 1, "CI", time_from_utc(2026, 11, 10, 9, 0, 0), 600, "failure"));
	add(&s, mk("2", 1, "CI", time_from_utc(2026, 11, 17, 9, 0, 0), 1200, "success"));
	compute(&s, 90, 100, &h);
	double rate;
	cr_assert_eq(h.weekly[0].start, time_from_utc(2026, 8, 31, 0, 0, 0));
	cr_assert_eq(h.weekly[11].start, time_from_utc(2026, 11, 16, 0, 0, 0));
	cr_assert_eq(h.weekly[11].count, 1);
	cr_assert_float_eq(h.weekly[11].median_minutes, 20.0, 1e-9);
	cr_assert(bh_week_failure_rate(&h.weekly[11], &rate));
	cr_assert_float_eq(rate, 0.0, 1e-9);
	cr_assert_eq(h.weekly[10].count, 1);
	cr_assert_float_eq(h.weekly[10].median_minutes, 10.0, 1e-9);
	cr_assert(bh_week_failure_rate(&h.weekly[10], &rate));
	cr_assert_float_eq(rate, 100.0, 1e-9);
	cr_assert_eq(h.weekly[9].count, 0);
	cr_assert_not(h.weekly[9].has_median);
	cr_assert_not(bh_week_failure_rate(&h.weekly[9], &rate));
	cr_assert_not(h.daily_has[BH_DAYS - 1]);
	cr_assert(h.daily_has[BH_DAYS - 6]);
	cr_assert_float_eq(h.daily_minutes[BH_DAYS - 6], 20.0, 1e-9);
	struct strbuf out = STRBUF_INIT;
	snapshot_builds_json(&out, &h);
	const char *j = sb_str(&out);
	cr_assert(strstr(j, "{\"week\": \"2026-W46\", \"count\": 1, \"median_minutes\": 10,"
			 " \"failure_rate\": 100}"), "%s", j);
	cr_assert(strstr(j, "{\"week\": \"2026-W47\", \"count\": 1, \"median_minutes\": 20,"
			 " \"failure_rate\": 0}]"), "%s", j);
	cr_assert(strstr(j, "{\"week\": \"2026-W36\", \"count\": 0, \"median_minutes\": null,"
			 " \"failure_rate\": null}"), "%s", j);
	sb_free(&out);
	done(&s, &h);
}

/* A re-run keeps the first attempt's created time: its queue time is
 * unknown rather than the hours between the attempts. */
Test(buildstats, queue_time_of_a_rerun_is_unknown)
{
	struct build a = mk("R", 1, "CI", 1000, 60, "success");
	struct build b = mk("R", 2, "CI", 1000, 60, "success");
	a.started = 1030;
	b.started = 5000;
	build_fill_durations(&a);
	build_fill_durations(&b);
	cr_assert_eq(a.queue_s, 30);
	cr_assert_eq(b.queue_s, SD_NO_TIME);
	build_free(&a);
	build_free(&b);
}

Test(buildstats, no_data_is_null_never_zero)
{
	struct build_health h;
	buildstats_compute(NULL, 0, now_t(), 90, 100, &h);
	cr_assert_eq(h.count, 0);
	cr_assert_not(h.has_duration);
	cr_assert_null(h.tier);
	cr_assert_not(h.has_failure_rate);
	cr_assert_not(h.has_wait);
	struct strbuf out = STRBUF_INIT;
	snapshot_builds_json(&out, &h);
	const char *j = sb_str(&out);
	cr_assert(strstr(j, "\"median_minutes\": null"), "%s", j);
	cr_assert(strstr(j, "\"tier\": null"), "%s", j);
	cr_assert(strstr(j, "\"conclusions\": null"), "%s", j);
	cr_assert(strstr(j, "\"failure_rate\": null"), "%s", j);
	cr_assert(strstr(j, "\"failure_kinds\": null"), "%s", j);
	cr_assert(strstr(j, "\"cost_per_year\": null"), "%s", j);
	cr_assert(strstr(j, "\"saving_per_year_under_10_min\": null"), "%s", j);
	sb_free(&out);
	build_health_free(&h);
}

/* The text a PM reads aloud, on the cost fixture above with cost 100:
 * median of 1800, 600, 300, 3600 = (600 + 1800) / 2 = 1200 s = 20 min
 * (slow); wait 0.75 h a week = 0.75 × 52 × 100 = $3,900 a year; saving
 * 1200/3600 × 52 × 100 = 1733.3 -> $1,733. A workflow name carrying an OSC
 * escape reaches the text cleaned and the JSON escaped. */
Test(buildstats, text_reads_aloud_and_names_are_cleaned)
{
	struct set s = {0};
	struct build_health h;
	add(&s, mk("1", 1, "\x1b]0;pwned\x07" "deploy", now_t() - 1 * DAY, 1800, "success"));
	add(&s, mk("2", 1, "CI", now_t() - 2 * DAY, 600, "success"));
	add(&s, mk("3", 1, "CI", now_t() - 6 * DAY, 300, "failure"));
	add(&s, mk("4", 1, "CI", now_t() - 8 * DAY, 3600, "success"));
	compute(&s, 90, 100, &h);
	struct render ro = {SNAP_TEXT, 80, true};
	struct strbuf out = STRBUF_INIT;
	snapshot_builds_text(&out, &h, &ro);
	const char *t = sb_str(&out);
	cr_assert(strstr(t, "median 20 min (slow)"), "%s", t);
	cr_assert(strstr(t, "$3,900 a year"), "%s", t);
	cr_assert(strstr(t, "would save $1,733"), "%s", t);
	cr_assert(strstr(t, "25 % of 4 runs failed"), "%s", t);
	cr_assert_null(strchr(t, '\x1b'), "%s", t);
	cr_assert_null(strchr(t, '\x07'), "%s", t);
	sb_reset(&out);
	snapshot_builds_json(&out, &h);
	cr_assert_null(strchr(sb_str(&out), '\x1b'));
	cr_assert(strstr(sb_str(&out), "\\u001b]0;pwned\\u0007deploy"), "%s", sb_str(&out));
	cr_assert(strstr(sb_str(&out), "\"cost_per_year\": 3900"), "%s", sb_str(&out));
	sb_free(&out);
	done(&s, &h);
}
