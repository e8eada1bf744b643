/* test_phase — pins spec §8's phase inference on hand-made evidence: Planning
 * without commits, Development before the merge, Build & Package until a
 * successful build (skipped when there is no CI data at all), Testing &
 * Staging, Deployment while the rollout is below 100 %, and Shipped after
 * the post-deployment review or 24 hours at 100 % (whichever comes first);
 * evidence after `now` ignored; a deployment from a maintenance branch; a
 * manual phase and when it is stale; and the expected-duration table of
 * data/phases.json with its labels ("Development: day 12 of 7–10 days") and the
 * overdue edge. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "datafiles.h"
#include "phase.h"
#include "timeutil.h"

static int64_t T(const char *iso)
{
	int64_t t;
	cr_assert(time_parse_iso(iso, &t), "bad fixture time %s", iso);
	return t;
}

/* The feature of every test: created 2026-11-01 09:00, first commit
 * 2026-11-02 10:00, merged 2026-11-10 15:00, built 15:25, deployed
 * 2026-11-12 09:00. Each test switches on the evidence it needs. */
static struct phase_evidence base(void)
{
	struct phase_evidence ev;
	memset(&ev, 0, sizeof(ev));
	ev.created_time = T("2026-11-01T09:00:00Z");
	ev.first_commit_time = T("2026-11-02T10:00:00Z");
	ev.first_commit = "c0ffee1";
	ev.merge_time = T("2026-11-10T15:00:00Z");
	ev.merge_commit = "feed123";
	ev.build_success_time = SD_NO_TIME;
	ev.build = "412";
	ev.has_any_ci_data = true;
	ev.staging_time = SD_NO_TIME;
	ev.deploy_time = SD_NO_TIME;
	ev.deploy = "v1.4.0";
	ev.rollout_complete_time = SD_NO_TIME;
	ev.review_done_time = SD_NO_TIME;
	ev.manual_time = SD_NO_TIME;
	return ev;
}

static struct phase_durations durations(void)
{
	struct phase_durations d;
	char why[240];
	cr_assert(phase_durations_parse(data_file("phases.json", NULL), &d, why, sizeof(why)), "%s", why);
	return d;
}

static void is_phase(const struct phase_state *s, enum phase p, const char *since)
{
	cr_assert_eq(s->phase, p, "phase %s, want %s", phase_id(s->phase), phase_id(p));
	cr_assert_eq(s->since, T(since), "since");
}

Test(phase, planning_without_commits)
{
	struct phase_evidence ev = base();
	struct phase_state s;
	phase_infer(&ev, T("2026-11-03T09:00:00Z"), &s);
	is_phase(&s, PHASE_PLANNING, "2026-11-01T09:00:00Z");
	cr_assert_eq(s.nevents, 1);
	cr_assert_str_eq(s.events[0].kind, "created");
}

Test(phase, development_until_merged)
{
	struct phase_evidence ev = base();
	ev.has_commits = true;
	struct phase_state s;
	phase_infer(&ev, T("2026-11-13T22:00:00Z"), &s);
	is_phase(&s, PHASE_DEVELOPMENT, "2026-11-02T10:00:00Z");
	cr_assert_str_eq(s.events[1].kind, "commit");
	cr_assert_str_eq(s.events[1].evidence, "c0ffee1");
	/* A commit dated after now does not exist yet. */
	phase_infer(&ev, T("2026-11-02T09:59:59Z"), &s);
	cr_assert_eq(s.phase, PHASE_PLANNING);
}

Test(phase, build_until_a_successful_build)
{
	struct phase_evidence ev = base();
	ev.has_commits = ev.in_default_branch = true;
	struct phase_state s;
	phase_infer(&ev, T("2026-11-10T15:40:00Z"), &s);
	is_phase(&s, PHASE_BUILD, "2026-11-10T15:00:00Z");
	cr_assert_str_eq(s.events[2].kind, "merge");
	ev.build_success_time = T("2026-11-10T15:25:00Z");
	phase_infer(&ev, T("2026-11-10T15:40:00Z"), &s);
	is_phase(&s, PHASE_TESTING, "2026-11-10T15:25:00Z");
	cr_assert_eq(s.nevents, 4); /* created, commit, merge, build */
	cr_assert_eq(s.events[3].phase, PHASE_TESTING);
	cr_assert_str_eq(s.events[3].kind, "build");
	cr_assert_str_eq(s.events[3].evidence, "412");
	/* Merged on a side branch only: still Development. */
	ev.in_default_branch = false;
	phase_infer(&ev, T("2026-11-10T15:40:00Z"), &s);
	cr_assert_eq(s.phase, PHASE_DEVELOPMENT);
}

Test(phase, no_ci_data_goes_straight_to_testing)
{
	struct phase_evidence ev = base();
	ev.has_commits = ev.in_default_branch = true;
	ev.has_any_ci_data = false;
	ev.staging_time = T("2026-11-11T10:00:00Z");
	struct phase_state s;
	phase_infer(&ev, T("2026-11-11T12:00:00Z"), &s);
	is_phase(&s, PHASE_TESTING, "2026-11-10T15:00:00Z");
	cr_assert_eq(s.nevents, 3);
	cr_assert_eq(s.events[2].phase, PHASE_TESTING);
	cr_assert_str_eq(s.events[2].kind, "merge");
	cr_assert_eq(s.staging_time, T("2026-11-11T10:00:00Z"));
}

Test(phase, deployment_while_rolling_out)
{
	struct phase_evidence ev = base();
	ev.has_commits = ev.in_default_branch = true;
	ev.build_success_time = T("2026-11-10T15:25:00Z");
	ev.deploy_time = T("2026-11-12T09:00:00Z");
	ev.rollout_pct = 25;
	struct phase_state s;
	/* A canary that never reaches 100 % stays in Deployment, also a week on. */
	phase_infer(&ev, T("2026-11-20T09:00:00Z"), &s);
	is_phase(&s, PHASE_DEPLOYMENT, "2026-11-12T09:00:00Z");
	cr_assert(s.rolling_out);
	cr_assert_str_eq(s.events[s.nevents - 1].kind, "deployment");
	/* The deployment is after now: not deployed yet. */
	phase_infer(&ev, T("2026-11-12T08:59:59Z"), &s);
	cr_assert_eq(s.phase, PHASE_TESTING);
	cr_assert_not(s.rolling_out);
}

Test(phase, shipped_after_review_or_24_hours)
{
	struct phase_evidence ev = base();
	ev.has_commits = ev.in_default_branch = true;
	ev.build_success_time = T("2026-11-10T15:25:00Z");
	ev.deploy_time = T("2026-11-12T09:00:00Z");
	ev.rollout_pct = 100;
	struct phase_state s;
	/* 100 % at the deployment (09:00); 24 h later = 2026-11-13 09:00. */
	phase_infer(&ev, T("2026-11-13T08:59:59Z"), &s);
	is_phase(&s, PHASE_DEPLOYMENT, "2026-11-12T09:00:00Z");
	cr_assert_not(s.rolling_out);
	phase_infer(&ev, T("2026-11-13T09:00:00Z"), &s);
	is_phase(&s, PHASE_SHIPPED, "2026-11-13T09:00:00Z");
	cr_assert_str_eq(s.events[s.nevents - 1].kind, "elapsed");
	/* Reviewed at 20:00 the same day: shipped then. */
	ev.review_done_time = T("2026-11-12T20:00:00Z");
	phase_infer(&ev, T("2026-11-12T21:00:00Z"), &s);
	is_phase(&s, PHASE_SHIPPED, "2026-11-12T20:00:00Z");
	cr_assert_str_eq(s.events[s.nevents - 1].kind, "review");
}

Test(phase, review_before_full_rollout_waits_for_100_percent)
{
	struct phase_evidence ev = base();
	ev.has_commits = ev.in_default_branch = true;
	ev.build_success_time = T("2026-11-10T15:25:00Z");
	ev.deploy_time = T("2026-11-12T09:00:00Z");
	ev.rollout_pct = 100;
	ev.rollout_complete_time = T("2026-11-14T12:00:00Z");
	ev.review_done_time = T("2026-11-13T10:00:00Z");
	struct phase_state s;
	/* Before 100 %: rolling out, the early review does not ship it. */
	phase_infer(&ev, T("2026-11-14T11:00:00Z"), &s);
	cr_assert_eq(s.phase, PHASE_DEPLOYMENT);
	cr_assert(s.rolling_out);
	/* At 100 % (14th 12:00) with the review already done: shipped at 12:00. */
	phase_infer(&ev, T("2026-11-14T12:30:00Z"), &s);
	is_phase(&s, PHASE_SHIPPED, "2026-11-14T12:00:00Z");
}

Test(phase, deployed_from_a_maintenance_branch)
{
	struct phase_evidence ev = base();
	ev.has_commits = true;
	ev.in_default_branch = false;
	ev.deploy_time = T("2026-11-12T09:00:00Z");
	ev.rollout_pct = 50;
	struct phase_state s;
	phase_infer(&ev, T("2026-11-12T10:00:00Z"), &s);
	is_phase(&s, PHASE_DEPLOYMENT, "2026-11-12T09:00:00Z");
	cr_assert_eq(s.nevents, 3); /* created, commit, deployment */
}

Test(phase, manual_phase_and_staleness)
{
	struct phase_evidence ev = base();
	ev.has_commits = true;
	ev.manual = true;
	ev.manual_phase = PHASE_TESTING;
	ev.manual_time = T("2026-11-05T09:00:00Z");
	ev.manual_reason = "QA on the branch build";
	struct phase_state s;
	phase_infer(&ev, T("2026-11-06T09:00:00Z"), &s);
	is_phase(&s, PHASE_TESTING, "2026-11-05T09:00:00Z");
	cr_assert(s.manual);
	cr_assert_eq(s.inferred, PHASE_DEVELOPMENT);
	cr_assert_not(s.manual_stale); /* the commit (2nd) is older than the hand-set phase (5th) */
	cr_assert_str_eq(s.events[s.nevents - 1].kind, "manual");
	cr_assert_str_eq(s.events[s.nevents - 1].evidence, "QA on the branch build");
	/* Deployed on the 12th, after the hand-set phase: the hand-set phase is stale. */
	ev.deploy_time = T("2026-11-12T09:00:00Z");
	ev.rollout_pct = 10;
	phase_infer(&ev, T("2026-11-12T10:00:00Z"), &s);
	cr_assert_eq(s.phase, PHASE_TESTING);
	cr_assert_eq(s.inferred, PHASE_DEPLOYMENT);
	cr_assert(s.manual_stale);
	cr_assert_not(s.rolling_out, "the shown phase is not Deployment");
}

Test(phase, names_and_ids)
{
	static const char *const want_ids[] = {"planning", "development", "build", "testing",
					       "deployment", "shipped"};
	static const char *const want_names[] = {"Planning", "Development", "Build & Package",
						 "Testing & Staging", "Deployment", "Shipped"};
	for (int p = 0; p < PHASE_COUNT; p++) {
		cr_assert_str_eq(phase_id((enum phase)p), want_ids[p]);
		cr_assert_str_eq(phase_name((enum phase)p), want_names[p]);
		enum phase back;
		cr_assert(phase_parse(want_ids[p], &back) && back == (enum phase)p);
	}
	enum phase x;
	cr_assert_not(phase_parse("Shipped", &x));
	enum feature_size sz;
	cr_assert(size_parse("large", &sz) && sz == SIZE_LARGE);
	cr_assert_not(size_parse("huge", &sz));
}

/* ---- expected durations ------------------------------------------------- */

Test(durations, table_from_the_guide)
{
	struct phase_durations d = durations();
	const struct phase_range *r = &d.r[SIZE_MEDIUM][PHASE_DEVELOPMENT];
	cr_assert(r->known);
	cr_assert_float_eq(r->lo_days, 7, 1e-9);
	cr_assert_float_eq(r->hi_days, 10, 1e-9);
	cr_assert_str_eq(r->label, "7\xe2\x80\x93" "10 days");
	/* medium build 20–30 min = 20/1440 .. 30/1440 days */
	r = &d.r[SIZE_MEDIUM][PHASE_BUILD];
	cr_assert_float_eq(r->hi_days, 30.0 / 1440, 1e-12);
	cr_assert_str_eq(r->label, "20\xe2\x80\x93" "30 min");
	/* large development 3–4 weeks = 21..28 days; large build "30 min" */
	r = &d.r[SIZE_LARGE][PHASE_DEVELOPMENT];
	cr_assert_float_eq(r->lo_days, 21, 1e-9);
	cr_assert_float_eq(r->hi_days, 28, 1e-9);
	cr_assert_str_eq(r->label, "3\xe2\x80\x93" "4 weeks");
	cr_assert_str_eq(d.r[SIZE_LARGE][PHASE_BUILD].label, "30 min");
	cr_assert_str_eq(d.r[SIZE_SMALL][PHASE_DEPLOYMENT].label, "same day");
	cr_assert_str_eq(d.r[SIZE_SMALL][PHASE_TESTING].label, "1 day");
	cr_assert_float_eq(d.r[SIZE_LARGE][PHASE_DEPLOYMENT].hi_days, 28, 1e-9);
	cr_assert_not(d.r[SIZE_SMALL][PHASE_SHIPPED].known);
}

Test(durations, the_issue_example)
{
	struct phase_durations d = durations();
	struct phase_expect e;
	/* Development since 2026-11-02 10:00; now 2026-11-13 22:00 = 11.5 days:
	 * day 12, over the medium range 7–10. */
	phase_expect(&d, SIZE_MEDIUM, PHASE_DEVELOPMENT, T("2026-11-02T10:00:00Z"),
		     T("2026-11-13T22:00:00Z"), &e);
	cr_assert(e.known);
	cr_assert_float_eq(e.days_in_phase, 11.5, 1e-9);
	cr_assert(e.overdue);
	cr_assert_str_eq(e.label, "Development: day 12 of 7\xe2\x80\x93" "10 days");
}

Test(durations, overdue_edge)
{
	struct phase_durations d = durations();
	struct phase_expect e;
	/* Exactly 10 days in a 7–10 phase is still in range; one second more is over. */
	phase_expect(&d, SIZE_MEDIUM, PHASE_DEVELOPMENT, T("2026-11-02T10:00:00Z"),
		     T("2026-11-12T10:00:00Z"), &e);
	cr_assert_not(e.overdue);
	cr_assert_str_eq(e.label, "Development: day 11 of 7\xe2\x80\x93" "10 days");
	phase_expect(&d, SIZE_MEDIUM, PHASE_DEVELOPMENT, T("2026-11-02T10:00:00Z"),
		     T("2026-11-12T10:00:01Z"), &e);
	cr_assert(e.overdue);
	/* Planning, small (1–2 days): 1 day 23 h is day 2 and in range. */
	phase_expect(&d, SIZE_SMALL, PHASE_PLANNING, T("2026-11-01T09:00:00Z"),
		     T("2026-11-03T08:00:00Z"), &e);
	cr_assert_not(e.overdue);
	cr_assert_str_eq(e.label, "Planning: day 2 of 1\xe2\x80\x93" "2 days");
}

Test(durations, short_phases_in_minutes_and_hours)
{
	struct phase_durations d = durations();
	struct phase_expect e;
	/* Medium build (20–30 min) merged 15:00: at 15:25 in range, at 15:40 over. */
	phase_expect(&d, SIZE_MEDIUM, PHASE_BUILD, T("2026-11-10T15:00:00Z"),
		     T("2026-11-10T15:25:00Z"), &e);
	cr_assert_not(e.overdue);
	cr_assert_str_eq(e.label, "Build & Package: 25 min of 20\xe2\x80\x93" "30 min");
	phase_expect(&d, SIZE_MEDIUM, PHASE_BUILD, T("2026-11-10T15:00:00Z"),
		     T("2026-11-10T15:40:00Z"), &e);
	cr_assert(e.overdue);
	/* 5 h: counted in hours; 3 days: counted in days, and days are not
	 * "of" a norm in minutes: the day, then the norm with its unit
	 * (docs/metrics.md §8). */
	phase_expect(&d, SIZE_MEDIUM, PHASE_BUILD, T("2026-11-10T15:00:00Z"),
		     T("2026-11-10T20:00:00Z"), &e);
	cr_assert_str_eq(e.label, "Build & Package: 5 h of 20\xe2\x80\x93" "30 min");
	phase_expect(&d, SIZE_MEDIUM, PHASE_BUILD, T("2026-11-10T15:00:00Z"),
		     T("2026-11-13T16:00:00Z"), &e);
	cr_assert_str_eq(e.label, "Build & Package: day 4 (expected 20\xe2\x80\x93" "30 min)");
	cr_assert(e.overdue);
	/* Small build ("minutes" in data/phases.json): 49 h is day 3. */
	phase_expect(&d, SIZE_SMALL, PHASE_BUILD, T("2026-11-10T15:00:00Z"),
		     T("2026-11-12T16:00:00Z"), &e);
	cr_assert_str_eq(e.label, "Build & Package: day 3 (expected minutes)");
	/* Large testing 1–2 weeks: 8 days is week 2 (counted in the norm's unit), in range. */
	phase_expect(&d, SIZE_LARGE, PHASE_TESTING, T("2026-11-01T00:00:00Z"),
		     T("2026-11-09T00:00:00Z"), &e);
	cr_assert_not(e.overdue);
	cr_assert_str_eq(e.label, "Testing & Staging: week 2 of 1\xe2\x80\x93" "2 weeks");
}

Test(durations, shipped_and_unknown_have_no_range)
{
	struct phase_durations d = durations();
	struct phase_expect e;
	phase_expect(&d, SIZE_SMALL, PHASE_SHIPPED, T("2026-11-01T00:00:00Z"),
		     T("2026-11-09T00:00:00Z"), &e);
	cr_assert_not(e.known);
	cr_assert_not(e.overdue);
	cr_assert_str_eq(e.label, "Shipped");
	cr_assert_float_eq(e.days_in_phase, 8, 1e-9);
	phase_expect(&d, SIZE_SMALL, PHASE_PLANNING, SD_NO_TIME, T("2026-11-09T00:00:00Z"), &e);
	cr_assert_not(e.known);
	cr_assert_str_eq(e.label, "Planning");
}

Test(durations, bad_tables_are_refused)
{
	struct phase_durations d;
	char why[240];
	cr_assert_not(phase_durations_parse("[]", &d, why, sizeof(why)));
	cr_assert_not(phase_durations_parse("{\"small\": {}}", &d, why, sizeof(why)));
	cr_assert(strstr(why, "small.planning"), "%s", why);
}
