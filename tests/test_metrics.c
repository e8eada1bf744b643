/* test_metrics pins the DORA figures of spec §1–§6 (src/metrics.c), the
 * tier cut-offs of data/thresholds.json (src/thresholds.c) and the DORA
 * section of the snapshot (src/snapshot_dora.c). Each fixture is a small
 * hand-built array of deployments, changes, reverts and incidents, and the
 * expected figure was worked out by hand in the comment above the check:
 * median and nearest-rank p90, the half-open window (now - N days, now],
 * "as of now" (a deployment after now does not exist), the first
 * deployment's commits not being changes, clamped lead times, every way a
 * revert does or does not make a failure, record and incident failures (the
 * incident winning over git), rework, deployment days per full week at the
 * window's edges, each tier boundary of both threshold sets, "no data" as
 * n/a rather than 0, the weekly trend across the 53-week ISO year 2026, and
 * the JSON, text and markdown output (JSON parsed back with cJSON). */
#include <criterion/criterion.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "model.h"
#include "snapshot.h"
#include "text.h"
#include "timeutil.h"
#include "util.h"

#define H 3600
#define DAY 86400

static const char sha40[] = "0123456789abcdef0123456789abcdef01234567";

/* A fixture: arrays with room to spare, and refs stored alongside. */
struct fx {
	struct dora_deploy d[64];
	char refs[64][32];
	size_t nd;
	struct dora_change c[128];
	size_t nc;
	struct dora_revert r[16];
	size_t nr;
	struct dora_incident i[8];
	size_t ni;
	struct dora_thresholds th;
};

static int64_t at(int y, int mo, int d, int h, int mi)
{
	return time_from_utc(y, mo, d, h, mi, 0);
}

/* Sunday 2026-11-29 12:00 UTC: "now" of most fixtures (ISO week 2026-W48). */
static int64_t N;

static void fx_init(struct fx *f)
{
	memset(f, 0, sizeof *f);
	N = at(2026, 11, 29, 12, 0);
	char err[128];
	cr_assert_eq(thresholds_load_default("dora-2023", &f->th, err, sizeof err), 0, "%s", err);
}

static int dep(struct fx *f, int64_t t)
{
	int k = (int)f->nd++;
	snprintf(f->refs[k], sizeof f->refs[k], "v1.%d", k);
	f->d[k] = (struct dora_deploy){.time = t, .ref = f->refs[k], .commit = sha40, .from_tag = true};
	return k;
}

static void chg(struct fx *f, int deploy, int64_t author)
{
	f->c[f->nc++] = (struct dora_change){.deploy = deploy, .author_time = author, .commit_time = author,
					     .landed = SD_NO_TIME};
}

static void rev(struct fx *f, int reverted, int revert, int64_t authored)
{
	f->r[f->nr++] = (struct dora_revert){.reverted_deploy = reverted, .revert_deploy = revert, .revert_author_time = authored};
}

static void inc(struct fx *f, int deploy, int64_t started, int64_t restored)
{
	f->i[f->ni++] = (struct dora_incident){deploy, started, restored, false};
}

static struct dora_input input(struct fx *f, int64_t now, int window_days)
{
	return (struct dora_input){
		.deploys = f->d, .ndeploys = f->nd,
		.changes = f->c, .nchanges = f->nc,
		.reverts = f->r, .nreverts = f->nr,
		.incidents = f->i, .nincidents = f->ni,
		.now = now, .window_days = window_days, .revert_window_days = 14,
		.th = &f->th, .targets = DORA_TARGETS_DEFAULT,
		.deploy_tags = "v*,!*rc*",
	};
}

static void run(struct fx *f, int64_t now, int window_days, struct dora_report *r)
{
	struct dora_input in = input(f, now, window_days);
	metrics_dora(&in, r);
}

/* The analysis result of input deployment k (in the window's list). */
static const struct dora_deploy_result *res_of(const struct dora_report *r, int k)
{
	for (size_t i = 0; i < r->ndeploys; i++)
		if (r->deploys[i].index == k)
			return &r->deploys[i];
	cr_assert_fail("deployment %d is not in the window's list", k);
	return NULL;
}

#define assert_near(a, b) cr_assert(fabs((a) - (b)) < 1e-9, "%s = %.9g, expected %.9g", #a, (double)(a), (double)(b))

/* ---- statistics (spec §5) ------------------------------------------------ */

Test(stats, median_and_p90_nearest_rank)
{
	struct fx f;
	fx_init(&f);
	int d0 = dep(&f, N - 30 * DAY), d1 = dep(&f, N - DAY);
	(void)d0;
	/* Lead times 1, 2, 3, 4 h: median (2 + 3) / 2 = 2.5; p90 rank
	 * ceil(0.9 * 4) = ceil(3.6) = 4 -> 4 h. */
	for (int k = 1; k <= 4; k++)
		chg(&f, d1, f.d[d1].time - k * H);
	struct dora_report r;
	run(&f, N, 90, &r);
	cr_assert_eq(r.lead_time.changes, 4);
	assert_near(r.lead_time.median_hours, 2.5);
	assert_near(r.lead_time.p90_hours, 4);
	dora_report_free(&r);

	/* Odd: 5, 1, 4, 2, 3 h -> sorted 1..5, median 3; p90 rank
	 * ceil(4.5) = 5 -> 5 h. */
	f.nc = 0;
	int odd[] = {5, 1, 4, 2, 3};
	for (int k = 0; k < 5; k++)
		chg(&f, d1, f.d[d1].time - odd[k] * H);
	run(&f, N, 90, &r);
	assert_near(r.lead_time.median_hours, 3);
	assert_near(r.lead_time.p90_hours, 5);
	dora_report_free(&r);

	/* Ten values 1..10 h: p90 rank ceil(9.0) = 9 exactly -> 9 h (not 10:
	 * 0.9 * 10 must not round up); median (5 + 6) / 2 = 5.5. */
	f.nc = 0;
	for (int k = 1; k <= 10; k++)
		chg(&f, d1, f.d[d1].time - k * H);
	run(&f, N, 90, &r);
	assert_near(r.lead_time.median_hours, 5.5);
	assert_near(r.lead_time.p90_hours, 9);
	dora_report_free(&r);
}

/* ---- window and "as of now" ----------------------------------------------- */

Test(window, edges_exclusive_start_inclusive_now)
{
	struct fx f;
	fx_init(&f);
	/* Window 10 days: (N - 10 d, N]. */
	int d0 = dep(&f, N - 20 * DAY);          /* first, outside */
	int d1 = dep(&f, N - 10 * DAY);          /* exactly the start: outside */
	int d2 = dep(&f, N - 10 * DAY + 1);      /* one second in: inside */
	int d3 = dep(&f, N);                     /* exactly now: inside */
	int d4 = dep(&f, N + 1);                 /* after now: does not exist */
	(void)d0;
	chg(&f, d1, f.d[d1].time - 1 * H);
	chg(&f, d2, f.d[d2].time - 2 * H);
	chg(&f, d3, f.d[d3].time - 4 * H);
	chg(&f, d4, f.d[d4].time - 8 * H);
	struct dora_report r;
	run(&f, N, 10, &r);
	/* d2 and d3: 2 deployments; per week 2 * 7 / 10 = 1.4. */
	cr_assert_eq(r.frequency.deploys, 2);
	assert_near(r.frequency.per_week, 1.4);
	/* Changes of d2 (2 h) and d3 (4 h): median 3 h. */
	cr_assert_eq(r.lead_time.changes, 2);
	assert_near(r.lead_time.median_hours, 3);
	/* d0..d3 exist; d4 is after now. Newest first: d3, d2. */
	cr_assert_eq(r.existing_deploys, 4);
	cr_assert_eq(r.latest_deploy, d3);
	cr_assert_eq(r.ndeploys, 2);
	cr_assert_eq(r.deploys[0].index, d3);
	cr_assert_eq(r.deploys[1].index, d2);
	dora_report_free(&r);
}

Test(window, deploy_after_now_neither_ships_restores_nor_fails)
{
	struct fx f;
	fx_init(&f);
	dep(&f, N - 20 * DAY);
	int d1 = dep(&f, N - 2 * DAY);          /* Friday of this week */
	int d2 = dep(&f, N + H);                /* later on Sunday: not yet */
	f.d[d2].failed_record = true;
	f.d[d2].hotfix = true;
	chg(&f, d2, N - H);
	/* The revert of d1's change ships in d2: it has not happened. */
	rev(&f, d1, d2, N - DAY);
	/* An incident naming d2, and one naming d1 that starts after now. */
	inc(&f, d2, N + 2 * H, N + 3 * H);
	inc(&f, d1, N + 2 * H, N + 3 * H);
	struct dora_report r;
	run(&f, N, 90, &r);
	/* Only d0 and d1 count: 0 of 2 failed (a real 0 %, elite), no rework,
	 * no changes (d0 is the first deployment, d1 shipped none). */
	cr_assert_eq(r.frequency.deploys, 2);
	cr_assert_eq(r.cfr.failed, 0);
	assert_near(r.cfr.rate, 0);
	cr_assert_eq(r.cfr.tier, TIER_ELITE);
	cr_assert_eq(r.rework.rework, 0);
	cr_assert_eq(r.lead_time.changes, 0);
	cr_assert(!res_of(&r, d1)->failed);
	/* This week (2026-W48) holds d1 only. */
	cr_assert_str_eq(r.weekly[DORA_WEEKS - 1].label, "2026-W48");
	cr_assert_eq(r.weekly[DORA_WEEKS - 1].deploys, 1);
	dora_report_free(&r);
}

/* ---- changes and lead time (spec §2) -------------------------------------- */

Test(lead_time, first_deployment_commits_are_not_changes)
{
	struct fx f;
	fx_init(&f);
	int d0 = dep(&f, N - 5 * DAY), d1 = dep(&f, N - DAY);
	/* d0 would ship years of history at once. */
	for (int k = 0; k < 3; k++)
		chg(&f, d0, N - 400 * DAY - k * H);
	chg(&f, d1, f.d[d1].time - 2 * H);
	struct dora_report r;
	run(&f, N, 90, &r);
	/* Only d1's change: 1 change, median 2 h (not ~400 days). */
	cr_assert_eq(r.lead_time.changes, 1);
	assert_near(r.lead_time.median_hours, 2);
	cr_assert_eq(res_of(&r, d0)->changes, 0);
	cr_assert_eq(res_of(&r, d1)->changes, 1);
	dora_report_free(&r);

	/* With only the first deployment there is no lead time at all: n/a. */
	f.nd = 1;
	f.nc = 3;
	run(&f, N, 90, &r);
	cr_assert_eq(r.lead_time.changes, 0);
	cr_assert(isnan(r.lead_time.median_hours));
	cr_assert(isnan(r.lead_time.p90_hours));
	cr_assert_eq(r.lead_time.tier, TIER_NA);
	dora_report_free(&r);
}

Test(lead_time, negative_is_clamped_and_counted)
{
	struct fx f;
	fx_init(&f);
	dep(&f, N - 30 * DAY);
	int d1 = dep(&f, N - DAY);
	chg(&f, d1, f.d[d1].time + H);          /* authored after shipping: skew */
	chg(&f, d1, f.d[d1].time - 3 * H);
	struct dora_report r;
	run(&f, N, 90, &r);
	/* Values 0 (clamped) and 3 h: median 1.5 h, one clamped. */
	assert_near(r.lead_time.median_hours, 1.5);
	cr_assert_eq(r.lead_time.clamped, 1);
	dora_report_free(&r);
}

Test(lead_time, from_committer_time)
{
	struct fx f;
	fx_init(&f);
	dep(&f, N - 30 * DAY);
	int d1 = dep(&f, N - DAY);
	f.c[f.nc++] = (struct dora_change){.deploy = d1, .author_time = f.d[d1].time - 10 * H,
					   .commit_time = f.d[d1].time - 1 * H, .landed = SD_NO_TIME};
	struct dora_report r;
	struct dora_input in = input(&f, N, 90);
	metrics_dora(&in, &r);
	assert_near(r.lead_time.median_hours, 10);   /* author: 10 h */
	dora_report_free(&r);
	in.lead_from_committer = true;
	metrics_dora(&in, &r);
	assert_near(r.lead_time.median_hours, 1);    /* committer: 1 h */
	dora_report_free(&r);
}

/* ---- failures, restore, rework (spec §3) ---------------------------------- */

Test(failure, revert_shipped_later_fails_and_restores)
{
	struct fx f;
	fx_init(&f);
	dep(&f, N - 30 * DAY);
	int d1 = dep(&f, N - 10 * DAY), d2 = dep(&f, N - 9 * DAY), d3 = dep(&f, N - 8 * DAY);
	/* Two reverts of d1's changes, shipped by d3 and d2: the earliest
	 * restoring deployment is d2, one day after d1 -> 24 h. */
	rev(&f, d1, d3, f.d[d1].time + DAY);
	rev(&f, d1, d2, f.d[d1].time + 12 * H);
	struct dora_report r;
	run(&f, N, 90, &r);
	const struct dora_deploy_result *x = res_of(&r, d1);
	cr_assert(x->failed);
	cr_assert_eq(x->fail_source, FAIL_REVERT);
	cr_assert_eq(x->restored_by, d2);
	assert_near(x->restore_hours, 24);
	/* CFR 1 of 4 = 25 %: low (2023 medium is <= 15 %). */
	cr_assert_eq(r.cfr.failed, 1);
	assert_near(r.cfr.rate, 25);
	cr_assert_eq(r.cfr.tier, TIER_LOW);
	/* Restore median 24 h: not < 24 h, so medium. */
	cr_assert_eq(r.restore.restores, 1);
	assert_near(r.restore.median_hours, 24);
	cr_assert_eq(r.restore.tier, TIER_MEDIUM);
	/* d2 and d3 both ship a revert of an earlier deployment: 2 of 4 = 50 %. */
	cr_assert_eq(r.rework.rework, 2);
	assert_near(r.rework.rate, 50);
	cr_assert(!res_of(&r, d2)->failed);
	dora_report_free(&r);
}

Test(failure, revert_with_or_before_its_change_is_no_failure)
{
	struct fx f;
	fx_init(&f);
	dep(&f, N - 30 * DAY);
	int d1 = dep(&f, N - 5 * DAY), d2 = dep(&f, N - 3 * DAY);
	rev(&f, d1, d1, f.d[d1].time - H);      /* same deployment */
	rev(&f, d2, d1, f.d[d1].time - H);      /* revert shipped earlier (odd, but possible) */
	struct dora_report r;
	run(&f, N, 90, &r);
	/* 0 of 3 failed, no rework. */
	cr_assert_eq(r.cfr.failed, 0);
	assert_near(r.cfr.rate, 0);
	cr_assert_eq(r.rework.rework, 0);
	cr_assert_eq(r.restore.restores, 0);
	cr_assert(isnan(r.restore.median_hours));
	dora_report_free(&r);
}

Test(failure, revert_beyond_revert_window_is_no_failure)
{
	struct fx f;
	fx_init(&f);
	dep(&f, N - 60 * DAY);
	int d1 = dep(&f, N - 50 * DAY), d2 = dep(&f, N - 20 * DAY), d3 = dep(&f, N - 10 * DAY);
	/* Authored exactly 14 days after d1: not *more than* 14 -> failure,
	 * restored by d2 after 30 d = 720 h. */
	rev(&f, d1, d2, f.d[d1].time + 14 * DAY);
	/* Authored 14 days and 1 second after d2: a change of mind. */
	rev(&f, d2, d3, f.d[d2].time + 14 * DAY + 1);
	struct dora_report r;
	run(&f, N, 90, &r);
	cr_assert(res_of(&r, d1)->failed);
	assert_near(res_of(&r, d1)->restore_hours, 720);
	cr_assert(!res_of(&r, d2)->failed);
	/* d2 restores d1 (rework); d3 restores nothing. 1 of 4 failed. */
	cr_assert(res_of(&r, d2)->rework);
	cr_assert(!res_of(&r, d3)->rework);
	cr_assert_eq(r.cfr.failed, 1);
	cr_assert_eq(r.rework.rework, 1);
	dora_report_free(&r);
}

Test(failure, revert_of_never_shipped_commit_or_unshipped_revert)
{
	struct fx f;
	fx_init(&f);
	dep(&f, N - 30 * DAY);
	int d1 = dep(&f, N - 5 * DAY);
	rev(&f, -1, d1, N - 6 * DAY);            /* reverted commit never shipped */
	rev(&f, d1, -1, N - 4 * DAY);            /* revert not shipped yet */
	struct dora_report r;
	run(&f, N, 90, &r);
	cr_assert_eq(r.cfr.failed, 0);
	cr_assert_eq(r.rework.rework, 0);
	dora_report_free(&r);
}

Test(failure, recorded_failure_has_no_restore_of_its_own)
{
	struct fx f;
	fx_init(&f);
	dep(&f, N - 30 * DAY);
	int d1 = dep(&f, N - 2 * DAY);
	f.d[d1].failed_record = true;
	struct dora_report r;
	run(&f, N, 90, &r);
	/* 1 of 2 failed = 50 %; nothing restored it: restore n/a (not 0). */
	cr_assert(res_of(&r, d1)->failed);
	cr_assert_eq(res_of(&r, d1)->fail_source, FAIL_RECORD);
	cr_assert(isnan(res_of(&r, d1)->restore_hours));
	assert_near(r.cfr.rate, 50);
	cr_assert_eq(r.restore.restores, 0);
	cr_assert(isnan(r.restore.median_hours));
	cr_assert_eq(r.restore.tier, TIER_NA);
	cr_assert_eq(r.ttr_met, TARGET_NA);
	dora_report_free(&r);

	/* Recorded failed and reverted in d2 two hours later: restore 2 h. */
	int d2 = dep(&f, f.d[d1].time + 2 * H);
	rev(&f, d1, d2, f.d[d1].time + H);
	run(&f, N, 90, &r);
	cr_assert_eq(res_of(&r, d1)->fail_source, FAIL_REVERT);
	assert_near(res_of(&r, d1)->restore_hours, 2);
	dora_report_free(&r);
}

Test(failure, incident_wins_over_revert_and_links_by_time)
{
	struct fx f;
	fx_init(&f);
	dep(&f, N - 30 * DAY);
	int d1 = dep(&f, N - 10 * DAY), d2 = dep(&f, N - 8 * DAY);
	int d3 = dep(&f, N - 5 * DAY), d4 = dep(&f, N - 2 * DAY);
	/* d1: git says restored by d2 after 48 h, the incident says 1 h to 3 h
	 * after d1 -> 2 h; the incident wins. */
	rev(&f, d1, d2, f.d[d1].time + H);
	inc(&f, d1, f.d[d1].time + H, f.d[d1].time + 3 * H);
	/* d3: incident still open -> failed, not restored. */
	inc(&f, d3, f.d[d3].time + H, SD_NO_TIME);
	/* An incident naming no deployment, started a day after d4: linked to
	 * d4 (the latest before its start), restored after 30 min = 0.5 h. */
	inc(&f, -1, N - DAY, N - DAY + 30 * 60);
	struct dora_report r;
	run(&f, N, 90, &r);
	const struct dora_deploy_result *x = res_of(&r, d1);
	cr_assert(x->failed);
	cr_assert_eq(x->fail_source, FAIL_INCIDENT);
	cr_assert_eq(x->restored_by, d2);
	assert_near(x->restore_hours, 2);
	cr_assert(res_of(&r, d3)->failed);
	cr_assert(isnan(res_of(&r, d3)->restore_hours));
	cr_assert(res_of(&r, d4)->failed);
	cr_assert(res_of(&r, d4)->incident_linked_by_time);
	cr_assert_eq(r.incidents_linked_by_time, 1);
	/* Failed: d1, d3, d4 of 5 = 60 %. Restores 2 h and 0.5 h: median
	 * 1.25 h -> high (not < 1 h). */
	cr_assert_eq(r.cfr.failed, 3);
	assert_near(r.cfr.rate, 60);
	cr_assert_eq(r.restore.restores, 2);
	assert_near(r.restore.median_hours, 1.25);
	cr_assert_eq(r.restore.tier, TIER_HIGH);
	dora_report_free(&r);

	/* The same d3 incident restored only after now is still open as of now. */
	f.i[1].restored = N + H;
	run(&f, N, 90, &r);
	cr_assert(isnan(res_of(&r, d3)->restore_hours));
	dora_report_free(&r);
}

Test(rework, hotfix_and_revert_shipping_deployments)
{
	struct fx f;
	fx_init(&f);
	dep(&f, N - 40 * DAY);
	int d1 = dep(&f, N - 30 * DAY), d2 = dep(&f, N - 20 * DAY), d3 = dep(&f, N - 10 * DAY);
	dep(&f, N - 5 * DAY);
	rev(&f, d1, d2, f.d[d1].time + DAY);
	f.d[d3].hotfix = true;
	struct dora_report r;
	run(&f, N, 90, &r);
	/* Rework: d2 (ships a revert of d1's change) and d3 (hotfix): 2 of 5
	 * = 40 %. A hotfix alone fails nothing: CFR 1 of 5 = 20 %. */
	cr_assert_eq(r.rework.rework, 2);
	cr_assert_eq(r.rework.deploys, 5);
	assert_near(r.rework.rate, 40);
	cr_assert_eq(r.cfr.failed, 1);
	assert_near(r.cfr.rate, 20);
	dora_report_free(&r);
}

/* ---- deployment frequency (spec §4) ---------------------------------------- */

Test(frequency, deploy_days_per_full_week)
{
	struct fx f;
	fx_init(&f);
	/* now Thursday 2026-11-26 12:00, window 21 d: start Thursday 11-05
	 * 12:00. Full weeks: Monday 11-09 (next 11-16 <= now) and 11-16 (next
	 * 11-23 <= now); 11-23's next Monday 11-30 is after now. */
	int64_t now = at(2026, 11, 26, 12, 0);
	dep(&f, at(2026, 11, 6, 9, 0));         /* in the window, no full week */
	dep(&f, at(2026, 11, 9, 0, 0));         /* week 1, Monday */
	dep(&f, at(2026, 11, 9, 23, 0));        /* week 1, same day */
	dep(&f, at(2026, 11, 15, 23, 59) + 59); /* week 1, Sunday 23:59:59 */
	dep(&f, at(2026, 11, 16, 0, 0));        /* week 2 */
	dep(&f, at(2026, 11, 24, 10, 0));       /* partial week */
	struct dora_report r;
	run(&f, now, 21, &r);
	/* Week 1: days 11-09, 11-15 = 2; week 2: 11-16 = 1; median 1.5 -> high.
	 * 6 deployments on 5 distinct days; per week 6 * 7 / 21 = 2. */
	cr_assert_eq(r.frequency.weeks, 2);
	assert_near(r.frequency.median_deploy_days_per_week, 1.5);
	cr_assert_eq(r.frequency.deploys, 6);
	cr_assert_eq(r.frequency.deploy_days, 5);
	assert_near(r.frequency.per_week, 2);
	cr_assert_eq(r.frequency.tier, TIER_HIGH);
	dora_report_free(&r);
}

Test(frequency, week_starting_exactly_at_window_start)
{
	struct fx f;
	fx_init(&f);
	/* now Monday 2026-11-23 00:00, window 14 d: start = Monday 11-09 00:00
	 * (excluded instant). Weeks 11-09 (start <= Monday) and 11-16 (next
	 * Monday == now) both count. */
	int64_t now = at(2026, 11, 23, 0, 0);
	dep(&f, at(2026, 11, 9, 0, 0));         /* exactly the start: outside */
	dep(&f, at(2026, 11, 16, 0, 0));        /* week 2 */
	dep(&f, now);                           /* in the window, next week */
	struct dora_report r;
	run(&f, now, 14, &r);
	/* Weeks [0, 1] -> median 0.5 (< 1, not high); 2 deployments in 14 d
	 * = 4.3 per 30 d >= 1 -> medium. */
	cr_assert_eq(r.frequency.weeks, 2);
	cr_assert_eq(r.frequency.deploys, 2);
	assert_near(r.frequency.median_deploy_days_per_week, 0.5);
	cr_assert_eq(r.frequency.tier, TIER_MEDIUM);
	dora_report_free(&r);
}

/* ---- tiers (spec §6) --------------------------------------------------------- */

/* Frequency tier of deployments at the given days of the two weeks before
 * Monday 2026-11-23 00:00 (window 14 d, weeks 11-09 and 11-16). */
static enum dora_tier df_tier(const int *days, int n, int window_days)
{
	struct fx f;
	fx_init(&f);
	int64_t now = at(2026, 11, 23, 0, 0);
	for (int k = 0; k < n; k++)
		dep(&f, now - window_days * (int64_t)DAY + days[k] * (int64_t)DAY + 12 * H);
	struct dora_report r;
	run(&f, now, window_days, &r);
	enum dora_tier t = r.frequency.tier;
	dora_report_free(&r);
	return t;
}

Test(tiers, deployment_frequency_boundaries)
{
	/* Mon-Fri of both weeks: [5, 5] -> median 5 >= 5 -> elite. */
	int five[] = {0, 1, 2, 3, 4, 7, 8, 9, 10, 11};
	cr_assert_eq(df_tier(five, 10, 14), TIER_ELITE);
	/* Mon-Thu: [4, 4] -> 4 -> high. */
	int four[] = {0, 1, 2, 3, 7, 8, 9, 10};
	cr_assert_eq(df_tier(four, 8, 14), TIER_HIGH);
	/* One day each week: [1, 1] -> exactly 1 -> high. */
	int one[] = {2, 9};
	cr_assert_eq(df_tier(one, 2, 14), TIER_HIGH);
	/* Window 60 d from 2026-09-24 00:00 (a Thursday): two deployments
	 * on one day, median over 8 full weeks is 0; 2 * 30 / 60 = 1 per 30
	 * days exactly -> medium. One deployment: 0.5 per 30 d -> low. */
	int two_same_week[] = {5, 5};
	cr_assert_eq(df_tier(two_same_week, 2, 60), TIER_MEDIUM);
	cr_assert_eq(df_tier(two_same_week, 1, 60), TIER_LOW);
}

/* Lead-time tier of one change with the given lead in seconds. */
static enum dora_tier lt_tier(int64_t lead, const char *set)
{
	struct fx f;
	fx_init(&f);
	char err[128];
	cr_assert_eq(thresholds_load_default(set, &f.th, err, sizeof err), 0, "%s", err);
	dep(&f, N - 60 * DAY);
	int d1 = dep(&f, N - DAY);
	chg(&f, d1, f.d[d1].time - lead);
	struct dora_report r;
	run(&f, N, 90, &r);
	enum dora_tier t = r.lead_time.tier;
	dora_report_free(&r);
	return t;
}

Test(tiers, lead_time_boundaries_both_sets)
{
	const char *sets[] = {"dora-2023", "dora-2024"};
	for (int s = 0; s < 2; s++) {
		cr_assert_eq(lt_tier(24 * H - 1, sets[s]), TIER_ELITE);
		cr_assert_eq(lt_tier(24 * H, sets[s]), TIER_HIGH);     /* 24 h is not < 24 h */
		cr_assert_eq(lt_tier(168 * H - 1, sets[s]), TIER_HIGH);
		cr_assert_eq(lt_tier(168 * H, sets[s]), TIER_MEDIUM);
		cr_assert_eq(lt_tier(720 * H - 1, sets[s]), TIER_MEDIUM);
		cr_assert_eq(lt_tier(720 * H, sets[s]), TIER_LOW);
	}
}

/* CFR tier with `failed` recorded failures among 20 deployments. */
static enum dora_tier cfr_tier(int failed, const char *set, double *rate)
{
	struct fx f;
	fx_init(&f);
	char err[128];
	cr_assert_eq(thresholds_load_default(set, &f.th, err, sizeof err), 0, "%s", err);
	for (int k = 0; k < 20; k++) {
		int d = dep(&f, N - (20 - k) * DAY);
		f.d[d].failed_record = k < failed;
	}
	struct dora_report r;
	run(&f, N, 90, &r);
	enum dora_tier t = r.cfr.tier;
	*rate = r.cfr.rate;
	dora_report_free(&r);
	return t;
}

Test(tiers, change_failure_rate_boundaries_both_sets)
{
	double rate;
	/* k of 20 failed = 5k %. 2023: <= 5 elite, <= 10 high, <= 15 medium. */
	cr_assert_eq(cfr_tier(0, "dora-2023", &rate), TIER_ELITE);
	assert_near(rate, 0);
	cr_assert_eq(cfr_tier(1, "dora-2023", &rate), TIER_ELITE);
	assert_near(rate, 5);
	cr_assert_eq(cfr_tier(2, "dora-2023", &rate), TIER_HIGH);
	cr_assert_eq(cfr_tier(3, "dora-2023", &rate), TIER_MEDIUM);
	cr_assert_eq(cfr_tier(4, "dora-2023", &rate), TIER_LOW);
	/* 2024 (sorted 5 / 10 / 20): 20 % is medium, 25 % low. */
	cr_assert_eq(cfr_tier(1, "dora-2024", &rate), TIER_ELITE);
	cr_assert_eq(cfr_tier(2, "dora-2024", &rate), TIER_HIGH);
	cr_assert_eq(cfr_tier(4, "dora-2024", &rate), TIER_MEDIUM);
	cr_assert_eq(cfr_tier(5, "dora-2024", &rate), TIER_LOW);
}

/* Restore tier of one incident lasting `secs`. */
static enum dora_tier ttr_tier(int64_t secs)
{
	struct fx f;
	fx_init(&f);
	dep(&f, N - 60 * DAY);
	int d1 = dep(&f, N - 20 * DAY);
	inc(&f, d1, f.d[d1].time + H, f.d[d1].time + H + secs);
	struct dora_report r;
	run(&f, N, 90, &r);
	enum dora_tier t = r.restore.tier;
	dora_report_free(&r);
	return t;
}

Test(tiers, time_to_restore_boundaries)
{
	cr_assert_eq(ttr_tier(H - 1), TIER_ELITE);
	cr_assert_eq(ttr_tier(H), TIER_HIGH);           /* 1 h is not < 1 h */
	cr_assert_eq(ttr_tier(24 * H), TIER_MEDIUM);
	cr_assert_eq(ttr_tier(168 * H - 1), TIER_MEDIUM);
	cr_assert_eq(ttr_tier(168 * H), TIER_LOW);
}

Test(tiers, names)
{
	cr_assert_str_eq(dora_tier_name(TIER_ELITE), "elite");
	cr_assert_str_eq(dora_tier_name(TIER_LOW), "low");
	cr_assert_str_eq(dora_tier_name(TIER_NA), "n/a");
}

/* ---- no data --------------------------------------------------------------------- */

Test(no_data, nothing_is_na_never_zero)
{
	struct fx f;
	fx_init(&f);
	struct dora_report r;
	run(&f, N, 90, &r);
	cr_assert_eq(r.existing_deploys, 0);
	cr_assert_eq(r.frequency.deploys, 0);
	cr_assert(isnan(r.frequency.per_week));
	cr_assert(isnan(r.frequency.median_deploy_days_per_week));
	cr_assert(isnan(r.lead_time.median_hours));
	cr_assert(isnan(r.cfr.rate));
	cr_assert(isnan(r.restore.median_hours));
	cr_assert(isnan(r.rework.rate));
	cr_assert_eq(r.frequency.tier, TIER_NA);
	cr_assert_eq(r.lead_time.tier, TIER_NA);
	cr_assert_eq(r.cfr.tier, TIER_NA);
	cr_assert_eq(r.restore.tier, TIER_NA);
	cr_assert_eq(r.df_met, TARGET_NA);
	cr_assert_eq(r.cfr_met, TARGET_NA);
	cr_assert_eq(r.weekly[0].deploys, 0);
	cr_assert(isnan(r.weekly[0].change_failure_rate));
	dora_report_free(&r);
}

Test(no_data, quiet_window_after_earlier_deployments)
{
	struct fx f;
	fx_init(&f);
	dep(&f, N - 200 * DAY);
	dep(&f, N - 100 * DAY);
	struct dora_report r;
	run(&f, N, 90, &r);
	/* Deployments exist, none in the window: 0 per week is a real figure
	 * (median 0 over 12 full weeks, 0 per 30 d -> low); CFR and rework
	 * have no deployment to divide by -> n/a. */
	cr_assert_eq(r.frequency.deploys, 0);
	assert_near(r.frequency.per_week, 0);
	assert_near(r.frequency.median_deploy_days_per_week, 0);
	cr_assert_eq(r.frequency.tier, TIER_LOW);
	cr_assert_eq(r.df_met, TARGET_MISSED);
	cr_assert(isnan(r.cfr.rate));
	cr_assert_eq(r.cfr.tier, TIER_NA);
	cr_assert(isnan(r.rework.rate));
	cr_assert_eq(r.ndeploys, 0);
	dora_report_free(&r);
}

/* ---- targets ------------------------------------------------------------------------ */

Test(targets, met_and_missed)
{
	struct fx f;
	fx_init(&f);
	dep(&f, N - 80 * DAY);
	int d1 = dep(&f, N - 10 * DAY);
	chg(&f, d1, f.d[d1].time - 200 * H);
	struct dora_report r;
	run(&f, N, 14, &r);
	/* 1 deployment in 14 d: 0.5/week < 1 -> missed; lead 200 h >= 168 ->
	 * missed; CFR 0 % < 15 -> met; restore n/a. */
	assert_near(r.frequency.per_week, 0.5);
	cr_assert_eq(r.df_met, TARGET_MISSED);
	cr_assert_eq(r.lt_met, TARGET_MISSED);
	cr_assert_eq(r.cfr_met, TARGET_MET);
	cr_assert_eq(r.ttr_met, TARGET_NA);
	dora_report_free(&r);
	struct dora_input in = input(&f, N, 14);
	in.targets = (struct dora_targets){0.5, 201, 0, 1};
	metrics_dora(&in, &r);
	/* 0.5 >= 0.5 met; 200 < 201 met; 0 % < 0 % missed. */
	cr_assert_eq(r.df_met, TARGET_MET);
	cr_assert_eq(r.lt_met, TARGET_MET);
	cr_assert_eq(r.cfr_met, TARGET_MISSED);
	assert_near(r.targets.lead_time_hours, 201);
	dora_report_free(&r);
}

/* ---- weekly trend -------------------------------------------------------------------- */

Test(weekly, labels_and_figures_across_53_week_year)
{
	struct fx f;
	fx_init(&f);
	/* now Wednesday 2027-01-06: this week is 2027-W01 (Monday 01-04); 2026
	 * has 53 ISO weeks (1 January 2026 is a Thursday), so the week before
	 * is 2026-W53 (Monday 12-28) and the oldest of 12 is 2026-W43. */
	int64_t now = at(2027, 1, 6, 12, 0);
	dep(&f, at(2026, 10, 1, 10, 0));
	int d1 = dep(&f, at(2026, 12, 29, 10, 0));
	int d2 = dep(&f, at(2026, 12, 30, 10, 0));
	int d3 = dep(&f, at(2027, 1, 5, 10, 0));
	chg(&f, d1, f.d[d1].time - 5 * H);
	f.d[d2].failed_record = true;
	rev(&f, d1, d3, at(2027, 1, 4, 9, 0));
	struct dora_report r;
	run(&f, now, 90, &r);
	cr_assert_str_eq(r.weekly[0].label, "2026-W43");
	cr_assert_str_eq(r.weekly[9].label, "2026-W52");
	cr_assert_str_eq(r.weekly[10].label, "2026-W53");
	cr_assert_str_eq(r.weekly[11].label, "2027-W01");
	cr_assert_eq(r.weekly[11].start, at(2027, 1, 4, 0, 0));
	/* W53: d1 and d2; lead median 5 h (d1's change); both failed ->
	 * 100 %; restore: d1 by d3 after 7 d = 168 h, d2 none -> 168 h. */
	const struct dora_week *w = &r.weekly[10];
	cr_assert_eq(w->deploys, 2);
	assert_near(w->lead_time_median_hours, 5);
	assert_near(w->change_failure_rate, 100);
	assert_near(w->time_to_restore_median_hours, 168);
	/* W01: d3 alone, no changes, not failed -> 0 %; restore n/a. */
	w = &r.weekly[11];
	cr_assert_eq(w->deploys, 1);
	cr_assert(isnan(w->lead_time_median_hours));
	assert_near(w->change_failure_rate, 0);
	cr_assert(isnan(w->time_to_restore_median_hours));
	/* W52: nothing -> 0 deployments, the rest n/a. */
	cr_assert_eq(r.weekly[9].deploys, 0);
	cr_assert(isnan(r.weekly[9].change_failure_rate));
	dora_report_free(&r);
}

/* ---- thresholds file --------------------------------------------------------------------- */

Test(thresholds, both_sets_load_from_data)
{
	struct dora_thresholds t;
	char err[128];
	cr_assert_eq(thresholds_load_default(NULL, &t, err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(t.name, "dora-2023");
	cr_assert_eq(t.year, 2023);
	assert_near(t.lt_high_h, 168);
	assert_near(t.cfr_medium, 15);
	cr_assert_eq(thresholds_load_default("dora-2024", &t, err, sizeof err), 0, "%s", err);
	cr_assert_eq(t.year, 2024);
	assert_near(t.cfr_medium, 20);
	cr_assert_eq(thresholds_load_default("dora-1999", &t, err, sizeof err), -1);
	cr_assert(strstr(err, "dora-1999"));
}

Test(thresholds, rejects_bad_json_and_unordered_cut_offs)
{
	struct dora_thresholds t;
	char err[128];
	cr_assert_eq(thresholds_load("{", NULL, &t, err, sizeof err), -1);
	const char *unordered =
		"{\"sets\": {\"x\": {\"year\": 2024,"
		"\"deployment_frequency\": {\"elite_median_days_per_week\": 5,"
		" \"high_median_days_per_week\": 1, \"medium_deploys_per_30_days\": 1},"
		"\"lead_time_hours\": {\"elite_below\": 24, \"high_below\": 168, \"medium_below\": 720},"
		"\"change_failure_percent\": {\"elite_at_most\": 5, \"high_at_most\": 20, \"medium_at_most\": 10},"
		"\"time_to_restore_hours\": {\"elite_below\": 1, \"high_below\": 24, \"medium_below\": 168}}}}";
	cr_assert_eq(thresholds_load(unordered, "x", &t, err, sizeof err), -1);
	cr_assert(strstr(err, "ordered"), "%s", err);
	const char *missing = "{\"sets\": {\"x\": {\"year\": 2023}}}";
	cr_assert_eq(thresholds_load(missing, "x", &t, err, sizeof err), -1);
}

/* ---- rendering ------------------------------------------------------------------------------ */

/* The dash the views render, around one report: no records, no repository
 * data beyond the deployments (what the snapshot's DORA section reads). */
static struct dash dash_of(const struct dora_report *r, const struct dora_input *in)
{
	struct dash d;
	memset(&d, 0, sizeof d);
	d.now = in->now;
	d.has_history = true;
	d.dora = *r;
	d.dora_in = *in;
	d.git.deploys = (struct dora_deploy *)in->deploys;
	d.git.ndeploys = in->ndeploys;
	return d;
}

/* A mixed fixture: reverted d1 restored by d2, an evil ref on d3. */
static void render_fixture(struct fx *f)
{
	fx_init(f);
	dep(f, N - 60 * DAY);
	int d1 = dep(f, N - 10 * DAY), d2 = dep(f, N - 9 * DAY), d3 = dep(f, N - 2 * DAY);
	chg(f, d1, f->d[d1].time - 3 * H);
	chg(f, d2, f->d[d2].time - 5 * H);
	rev(f, d1, d2, f->d[d1].time + H);
	snprintf(f->refs[d3], sizeof f->refs[d3], "v\x1b]0;pwn\x07|\"x");
	f->d[d3].from_record = true;
}

Test(snapshot, json_parses_back)
{
	struct fx f;
	render_fixture(&f);
	struct dora_input in = input(&f, N, 90);
	struct dora_report r;
	metrics_dora(&in, &r);
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, "{");
	struct dash dd = dash_of(&r, &in);
	snapshot_dora_json(&sb, &dd);
	sb_add(&sb, "}");
	cJSON *root = cJSON_Parse(sb_str(&sb));
	cr_assert(root, "not JSON: %s", sb_str(&sb));
	cJSON *dora = cJSON_GetObjectItem(root, "dora");
	cr_assert_str_eq(cJSON_GetObjectItem(dora, "thresholds")->valuestring, "dora-2023");
	cJSON *df = cJSON_GetObjectItem(dora, "deployment_frequency");
	/* 4 deployments in 90 d (d0 at 60 d ago too): per week 4 * 7 / 90. */
	cr_assert_eq(cJSON_GetObjectItem(df, "deploys")->valueint, 4);
	/* JSON numbers carry two decimals: 0.3111 is 0.31. */
	cr_assert(fabs(cJSON_GetObjectItem(df, "per_week")->valuedouble - 0.31) < 1e-9);
	cr_assert(cJSON_IsString(cJSON_GetObjectItem(df, "tier")));
	cJSON *lt = cJSON_GetObjectItem(dora, "lead_time");
	/* Changes 3 h and 5 h: median 4, p90 rank 2 -> 5. */
	cr_assert_eq(cJSON_GetObjectItem(lt, "changes")->valueint, 2);
	cr_assert_float_eq(cJSON_GetObjectItem(lt, "median_hours")->valuedouble, 4, 1e-9);
	cr_assert_float_eq(cJSON_GetObjectItem(lt, "p90_hours")->valuedouble, 5, 1e-9);
	cr_assert_eq(cJSON_GetObjectItem(lt, "clamped")->valueint, 0);
	cJSON *cfr = cJSON_GetObjectItem(dora, "change_failure_rate");
	/* 1 of 4 = 25 %. */
	cr_assert_eq(cJSON_GetObjectItem(cfr, "failed")->valueint, 1);
	cr_assert_float_eq(cJSON_GetObjectItem(cfr, "rate")->valuedouble, 25, 1e-9);
	cJSON *ttr = cJSON_GetObjectItem(dora, "time_to_restore");
	cr_assert_float_eq(cJSON_GetObjectItem(ttr, "median_hours")->valuedouble, 24, 1e-9);
	cr_assert_str_eq(cJSON_GetObjectItem(ttr, "tier")->valuestring, "medium");
	cJSON *rw = cJSON_GetObjectItem(dora, "rework_rate");
	cr_assert_eq(cJSON_GetObjectItem(rw, "rework")->valueint, 1);
	cr_assert(cJSON_IsObject(cJSON_GetObjectItem(dora, "targets")));
	cJSON *weekly = cJSON_GetObjectItem(dora, "weekly");
	cr_assert_eq(cJSON_GetArraySize(weekly), 12);
	cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(weekly, 11), "week")->valuestring,
			 "2026-W48");
	/* A week without deployments: CFR null, never 0. */
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(weekly, 0), "change_failure_rate")));
	cJSON *deps = cJSON_GetObjectItem(root, "deployments");
	cr_assert_eq(cJSON_GetArraySize(deps), 4);
	cJSON *newest = cJSON_GetArrayItem(deps, 0);
	cr_assert_str_eq(cJSON_GetObjectItem(newest, "ref")->valuestring, f.refs[3]);
	cr_assert_str_eq(cJSON_GetObjectItem(newest, "source")->valuestring, "record");
	cr_assert_eq(strlen(cJSON_GetObjectItem(newest, "commit")->valuestring), 40);
	cr_assert_str_eq(cJSON_GetObjectItem(newest, "time")->valuestring, "2026-11-27T12:00:00Z");
	cJSON *failed = cJSON_GetArrayItem(deps, 2);
	cr_assert_str_eq(cJSON_GetObjectItem(failed, "ref")->valuestring, "v1.1");
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(failed, "failed")));
	cr_assert_str_eq(cJSON_GetObjectItem(failed, "restored_by")->valuestring, "v1.2");
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(newest, "restored_by")));
	cr_assert_str_eq(cJSON_GetObjectItem(newest, "source")->valuestring, "record");
	cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(deps, 1), "source")->valuestring, "tag");
	cJSON_Delete(root);
	sb_free(&sb);
	dora_report_free(&r);
}

Test(snapshot, json_no_data_is_null)
{
	struct fx f;
	fx_init(&f);
	struct dora_input in = input(&f, N, 90);
	struct dora_report r;
	metrics_dora(&in, &r);
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, "{");
	struct dash dd = dash_of(&r, &in);
	snapshot_dora_json(&sb, &dd);
	sb_add(&sb, "}");
	cJSON *root = cJSON_Parse(sb_str(&sb));
	cr_assert(root, "not JSON: %s", sb_str(&sb));
	cJSON *dora = cJSON_GetObjectItem(root, "dora");
	cJSON *df = cJSON_GetObjectItem(dora, "deployment_frequency");
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(df, "per_week")));
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(df, "tier")));
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(dora, "lead_time"), "median_hours")));
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(dora, "change_failure_rate"), "rate")));
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(dora, "rework_rate"), "rate")));
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(root, "deployments")), 0);
	cJSON_Delete(root);
	sb_free(&sb);
	dora_report_free(&r);
}

/* Every line of s fits `width` columns. */
static void assert_fits(const char *s, int width)
{
	char *copy = xstrdup(s);
	for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n"))
		cr_assert(text_width(line) <= width, "%d > %d columns: [%s]", text_width(line), width, line);
	free(copy);
}

Test(snapshot, text_fits_width_and_is_clean)
{
	struct fx f;
	render_fixture(&f);
	struct dora_input in = input(&f, N, 90);
	struct dora_report r;
	metrics_dora(&in, &r);
	int widths[] = {80, 40, 120};
	for (size_t k = 0; k < 3; k++) {
		struct render ro = {SNAP_TEXT, widths[k], false};
		struct strbuf sb = STRBUF_INIT;
		struct dash dd = dash_of(&r, &in);
		snapshot_dora_text(&sb, &dd, &ro);
		assert_fits(sb_str(&sb), widths[k]);
		/* The ref's OSC sequence never reaches the terminal. */
		cr_assert_null(strchr(sb_str(&sb), '\x1b'));
		cr_assert_null(strchr(sb_str(&sb), '\x07'));
		if (widths[k] == 80) {
			cr_assert(strstr(sb_str(&sb), "Lead time (median)"), "%s", sb_str(&sb));
			cr_assert(strstr(sb_str(&sb), "(2023)"), "report year next to the tier");
			cr_assert(strstr(sb_str(&sb), "\xe2\x96\x88"), "a full sparkline bar: %s", sb_str(&sb));
			cr_assert(strstr(sb_str(&sb), "by v1.2"), "%s", sb_str(&sb));
		}
		sb_free(&sb);
	}
	/* ASCII fallback: not one byte above 0x7F. */
	struct render ascii = {SNAP_TEXT, 80, true};
	struct strbuf sb = STRBUF_INIT;
	struct dash dd = dash_of(&r, &in);
	snapshot_dora_text(&sb, &dd, &ascii);
	for (const char *p = sb_str(&sb); *p; p++)
		cr_assert((unsigned char)*p < 0x80, "non-ASCII in: %s", sb_str(&sb));
	cr_assert(strstr(sb_str(&sb), "#"), "ASCII sparkline top level");
	sb_free(&sb);
	dora_report_free(&r);
}

Test(snapshot, no_deployments_says_how_to_set_the_pattern)
{
	struct fx f;
	fx_init(&f);
	struct dora_input in = input(&f, N, 90);
	in.deploy_tags = "release-*";
	struct dora_report r;
	metrics_dora(&in, &r);
	struct render ro = {SNAP_TEXT, 80, false};
	struct strbuf sb = STRBUF_INIT;
	struct dash dd = dash_of(&r, &in);
	snapshot_dora_text(&sb, &dd, &ro);
	cr_assert(strstr(sb_str(&sb), "--deploy-tags"), "%s", sb_str(&sb));
	cr_assert(strstr(sb_str(&sb), "deploy_tags"));
	cr_assert(strstr(sb_str(&sb), "\"release-*\""));
	assert_fits(sb_str(&sb), 80);
	sb_free(&sb);
	dora_report_free(&r);
}

Test(snapshot, markdown_escapes_table_cells)
{
	struct fx f;
	render_fixture(&f);
	struct dora_input in = input(&f, N, 90);
	struct dora_report r;
	metrics_dora(&in, &r);
	struct render ro = {SNAP_MARKDOWN, 80, false};
	struct strbuf sb = STRBUF_INIT;
	struct dash dd = dash_of(&r, &in);
	snapshot_dora_markdown(&sb, &dd, &ro);
	cr_assert(strstr(sb_str(&sb), "| Metric | Current | Tier | Target | Elite | Trend |"));
	/* The ref "v<OSC>|"x" loses its controls and its '|' is escaped. */
	cr_assert(strstr(sb_str(&sb), "\\|\"x"), "%s", sb_str(&sb));
	cr_assert_null(strchr(sb_str(&sb), '\x1b'));
	sb_free(&sb);
	dora_report_free(&r);
}

/* ---- counted changes (issue 17) ---------------------------------------------- */

/* A warm start gives per-deployment change counts and only the changes of
 * the deployments since metrics_changes_since. Now is Sunday 2026-11-29
 * 12:00 (W48); the trend's first week starts Monday 2026-09-07 (11 weeks
 * before Monday 11-23), the 30-day window at 10-30 12:00: so the trend's
 * start is the earlier one; a 90-day window starts 08-31 12:00, earlier.
 * Deployments: d0 08-01 (first), d1 09-01 (3 changes, before both), d2
 * 10-15 (2 changes, trend only), d3 11-20 (1 change, 10 h lead). Given
 * counts {9, 3, 2, 1} and only d2's and d3's changes, every deployment's
 * count is the given one (0 for the first), and the window's lead time is
 * d3's alone (10 h) as with every change given. */
Test(dora, counted_changes_stand_for_the_changes_left_out)
{
	cr_assert_eq(metrics_changes_since(at(2026, 11, 29, 12, 0), 30), at(2026, 9, 7, 0, 0));
	cr_assert_eq(metrics_changes_since(at(2026, 11, 29, 12, 0), 90), at(2026, 8, 31, 12, 0));
	cr_assert_eq(metrics_changes_since(at(2026, 11, 29, 12, 0), 0), at(2026, 9, 7, 0, 0));
	struct fx f;
	fx_init(&f);
	dep(&f, at(2026, 8, 1, 12, 0));
	dep(&f, at(2026, 9, 1, 12, 0));
	dep(&f, at(2026, 10, 15, 12, 0));
	dep(&f, at(2026, 11, 20, 12, 0));
	chg(&f, 2, at(2026, 10, 15, 0, 0));
	chg(&f, 2, at(2026, 10, 14, 12, 0));
	chg(&f, 3, at(2026, 11, 20, 2, 0));
	const int counts[4] = {9, 3, 2, 1};
	struct dora_input in = input(&f, N, 30);
	in.deploy_changes = counts;
	struct dora_report r;
	metrics_dora(&in, &r);
	cr_assert_eq(r.nall, 4);
	cr_assert_eq(r.all[0].changes, 0);  /* the first deployment counts none */
	cr_assert_eq(r.all[1].changes, 3);
	cr_assert_eq(r.all[2].changes, 2);
	cr_assert_eq(r.all[3].changes, 1);
	cr_assert_eq(r.lead_time.changes, 1);
	assert_near(r.lead_time.median_hours, 10.0);
	/* the trend's week of 10-12 holds d2: leads 12 h and 24 h, median 18 h */
	cr_assert_eq(r.weekly[5].start, at(2026, 10, 12, 0, 0));
	assert_near(r.weekly[5].lead_time_median_hours, 18.0);
	dora_report_free(&r);
}
