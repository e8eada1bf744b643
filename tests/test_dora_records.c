/* test_dora_records — pins DORA with recorded data (spec §1, §3; issue 6) on
 * one git repository built at test time, through the real binary and the
 * snapshot's JSON: first the tags alone (lead times, two deployments failed
 * by reverts and restored by the deployments that shipped them, rework), then
 * the same history with `deploy record`, `incident open` and `incident
 * update`: a recorded production deployment of a tagged commit replaces the
 * tag's time (and the lead times move with it), a record of a commit no tag
 * names is a deployment of its own, a staging record never counts, a record
 * with status rolled-back or failed fails its deployment (and succeeded does
 * not), an incident naming a deployment fails it with restored − started as
 * its restore time, winning over the revert that also restored it, an
 * incident naming nothing is linked to the latest production deployment
 * before its start (a tag's, here, later than every record), and --kind
 * hotfix counts as rework. Every expected figure is worked out by hand in
 * the comments. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "util.h"

static char *home, *repo;

static void setup(void)
{
	home = th_tmpdir();
	repo = th_make_repo(home, "shop"); /* c0 "Initial commit", 2026-01-01 10:00 UTC */
}

static void teardown(void)
{
	th_rmtree(home);
	free(home);
	free(repo);
}

TestSuite(dora, .init = setup, .fini = teardown, .timeout = 60);

/* As of 2026-11-30 00:00 UTC with the default 90-day window (09-01, 11-30]. */
#define NOW "2026-11-30T00:00:00Z"
#define RUN(now, ...) th_shipdeck(home, NULL, (const char *const[]){"--repo", repo, "--now", now, __VA_ARGS__, NULL})

static void ok(struct th_run *r)
{
	cr_assert_eq(r->status, 0, "status %d, stderr: %s", r->status, r->err);
}

#define DO(now, ...)                                      \
	do {                                              \
		struct th_run r_ = RUN(now, __VA_ARGS__); \
		ok(&r_);                                  \
		th_run_free(&r_);                         \
	} while (0)

/* A commit at date; returns its sha. */
static char *commit(const char *date, const char *msg)
{
	cr_assert_eq(th_git(repo, date, "commit -q --allow-empty -m '%s'", msg), 0);
	return th_rev(repo, "HEAD");
}

static char *revert(const char *date, const char *subject, const char *sha)
{
	cr_assert_eq(th_git(repo, date, "commit -q --allow-empty -m 'Revert \"%s\"' -m 'This reverts commit %s.'",
			    subject, sha), 0);
	return th_rev(repo, "HEAD");
}

/* An annotated tag: its time is the tagger date. */
static void tag(const char *name, const char *date)
{
	cr_assert_eq(th_git(repo, date, "tag -a %s -m 'Release %s'", name, name), 0);
}

static cJSON *snapshot(void)
{
	struct th_run r = RUN(NOW, "snapshot", "--format", "json");
	ok(&r);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert_not_null(j, "not JSON: %s", r.out);
	th_run_free(&r);
	return j;
}

static const cJSON *obj(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "dora"), a);
	return b ? cJSON_GetObjectItemCaseSensitive(v, b) : v;
}

static double num(const cJSON *s, const char *a, const char *b)
{
	const cJSON *v = obj(s, a, b);
	cr_assert(cJSON_IsNumber(v), "dora.%s.%s is not a number", a, b);
	return v->valuedouble;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* JSON numbers carry at most two decimals (src/jsonw.c): within half a cent. */
static void near(double got, double want, const char *what)
{
	cr_assert(fabs(got - want) <= 0.005 + 1e-9, "%s: %g, want %g", what, got, want);
}

/* The deployment of deployments[] at time t (ISO), or NULL. */
static const cJSON *deploy_at(const cJSON *s, const char *t)
{
	const cJSON *d;
	cJSON_ArrayForEach(d, cJSON_GetObjectItem(s, "deployments"))
		if (streq(str(d, "time"), t))
			return d;
	return NULL;
}

static void expect_deploy(const cJSON *s, const char *t, const char *ref, const char *source, int changes,
			  bool failed, const char *restored_by)
{
	const cJSON *d = deploy_at(s, t);
	cr_assert_not_null(d, "no deployment at %s", t);
	if (ref)
		cr_assert_str_eq(str(d, "ref"), ref, "at %s", t);
	cr_assert_str_eq(str(d, "source"), source, "at %s", t);
	cr_assert_eq((int)cJSON_GetObjectItem(d, "changes")->valuedouble, changes, "changes at %s", t);
	cr_assert_eq(cJSON_IsTrue(cJSON_GetObjectItem(d, "failed")), failed, "failed at %s", t);
	if (restored_by)
		cr_assert_str_eq(str(d, "restored_by"), restored_by, "restored_by at %s", t);
	else
		cr_assert(cJSON_IsNull(cJSON_GetObjectItem(d, "restored_by")), "restored at %s", t);
}

/* The history, oldest first (author = committer date; tags annotated):
 *   c0  Initial       01-01 10:00   v1.0  01-01 10:00  (outside the window)
 *   c1  A             11-02 10:00
 *   c2  B             11-02 14:00   v1.1  11-02 14:00
 *   c3  C             11-04 10:00
 *   c4  D             11-05 10:00
 *   c5  E             11-06 10:00
 *   c6  F             11-07 10:00   v1.2  11-07 10:00
 *   c7  Revert F      11-07 12:00   v1.3  11-07 12:00
 *   c8  G             11-09 10:00   v1.4  11-09 10:00
 *   c9  Revert G      11-10 09:00   v1.5  11-10 10:00
 *   c10 H             11-12 10:00   v1.6  11-12 10:00
 *   c11 I             11-14 10:00   (no tag)                                  */
struct history {
	char *c[12];
};

static void build_history(struct history *h)
{
	h->c[0] = th_rev(repo, "HEAD");
	tag("v1.0", "2026-01-01T10:00:00+0000");
	h->c[1] = commit("2026-11-02T10:00:00+0000", "A");
	h->c[2] = commit("2026-11-02T14:00:00+0000", "B");
	tag("v1.1", "2026-11-02T14:00:00+0000");
	h->c[3] = commit("2026-11-04T10:00:00+0000", "C");
	h->c[4] = commit("2026-11-05T10:00:00+0000", "D");
	h->c[5] = commit("2026-11-06T10:00:00+0000", "E");
	h->c[6] = commit("2026-11-07T10:00:00+0000", "F");
	tag("v1.2", "2026-11-07T10:00:00+0000");
	h->c[7] = revert("2026-11-07T12:00:00+0000", "F", h->c[6]);
	tag("v1.3", "2026-11-07T12:00:00+0000");
	h->c[8] = commit("2026-11-09T10:00:00+0000", "G");
	tag("v1.4", "2026-11-09T10:00:00+0000");
	h->c[9] = revert("2026-11-10T09:00:00+0000", "G", h->c[8]);
	tag("v1.5", "2026-11-10T10:00:00+0000");
	h->c[10] = commit("2026-11-12T10:00:00+0000", "H");
	tag("v1.6", "2026-11-12T10:00:00+0000");
	h->c[11] = commit("2026-11-14T10:00:00+0000", "I");
}

static void free_history(struct history *h)
{
	for (int i = 0; i < 12; i++)
		free(h->c[i]);
}

/* Tags only. In the window: v1.1 .. v1.6 = 6 deployments (v1.0 is older, and
 * is the earlier deployment that makes c1 and c2 changes).
 * Lead times (deployment − author time, hours):
 *   v1.1 11-02 14:00: c1 4, c2 0
 *   v1.2 11-07 10:00: c3 72, c4 48, c5 24, c6 0
 *   v1.3 11-07 12:00: c7 0;  v1.4: c8 0;  v1.5 11-10 10:00: c9 1;  v1.6: c10 0
 *   sorted 0 0 0 0 0 1 4 24 48 72 (n = 10): median (0 + 1) / 2 = 0.5,
 *   p90 = value ceil(9.0) = 9th = 48.
 * Failures: v1.3 ships the revert of c6 (first shipped by v1.2), authored
 * 2 h after v1.2: v1.2 failed, restored by v1.3 in 2 h; v1.5 ships the revert
 * of c8 (v1.4), 23 h after: v1.4 failed, restored in 24 h.
 * CFR 2/6 = 33.3 %; restore median (2 + 24) / 2 = 13 h; rework v1.3, v1.5: 2/6. */
static void expect_tags_only(const cJSON *s)
{
	near(num(s, "deployment_frequency", "deploys"), 6, "deploys");
	near(num(s, "lead_time", "changes"), 10, "changes");
	near(num(s, "lead_time", "median_hours"), 0.5, "lead median");
	near(num(s, "lead_time", "p90_hours"), 48, "lead p90");
	near(num(s, "change_failure_rate", "failed"), 2, "failed");
	near(num(s, "change_failure_rate", "deploys"), 6, "cfr deploys");
	near(num(s, "change_failure_rate", "rate"), 100.0 * 2 / 6, "cfr %");
	cr_assert_str_eq(str(obj(s, "change_failure_rate", NULL), "tier"), "low"); /* 33 % > 15 % */
	near(num(s, "time_to_restore", "restores"), 2, "restores");
	near(num(s, "time_to_restore", "median_hours"), 13, "restore median");
	cr_assert_str_eq(str(obj(s, "time_to_restore", NULL), "tier"), "high"); /* 1 h <= 13 h < 24 h */
	near(num(s, "rework_rate", "rework"), 2, "rework");
	near(num(s, "rework_rate", "rate"), 100.0 * 2 / 6, "rework %");
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(s, "deployments")), 6);
	expect_deploy(s, "2026-11-02T14:00:00Z", "v1.1", "tag", 2, false, NULL);
	expect_deploy(s, "2026-11-07T10:00:00Z", "v1.2", "tag", 4, true, "v1.3");
	expect_deploy(s, "2026-11-09T10:00:00Z", "v1.4", "tag", 1, true, "v1.5");
	expect_deploy(s, "2026-11-12T10:00:00Z", "v1.6", "tag", 1, false, NULL);
}

Test(dora, tags_then_recorded_deployments_and_incidents)
{
	struct history h;
	build_history(&h);
	cJSON *s = snapshot();
	expect_tags_only(s);
	cJSON_Delete(s);

	/* 1: v1.1 went out the next morning: its time becomes 11-03 10:00. */
	DO(NOW, "deploy", "record", "v1.1", "--env", "production", "--at", "2026-11-03T10:00Z");
	/* 2: c4, which no tag names, rolled back: a deployment of its own, failed. */
	DO(NOW, "deploy", "record", h.c[4], "--env", "production", "--status", "rolled-back",
	   "--at", "2026-11-05T12:00Z");
	/* 3: c5 on staging: never a deployment. */
	DO(NOW, "deploy", "record", h.c[5], "--env", "staging", "--at", "2026-11-06T11:00Z");
	/* 4: v1.2 went out at 11:00, an hour after its tag. */
	DO(NOW, "deploy", "record", "v1.2", "--env", "production", "--at", "2026-11-07T11:00Z");
	/* Incident 1 names v1.4 (a tag no record names): 11:00 to 11:45. */
	DO("2026-11-09T11:00:00Z", "incident", "open", "Checkout errors", "--deploy", "v1.4",
	   "--at", "2026-11-09T11:00Z");
	DO(NOW, "incident", "update", "1", "--detected", "2026-11-09T11:05Z", "--restored", "2026-11-09T11:45Z");
	/* Incident 2 names nothing: 11-12 15:00 to 17:00. The latest production
	 * deployment before 15:00 is v1.6 (tag, 10:00), later than every record. */
	DO("2026-11-12T15:00:00Z", "incident", "open", "Slow pages", "--at", "2026-11-12T15:00Z");
	DO(NOW, "incident", "update", "2", "--restored", "2026-11-12T17:00Z");
	/* 5: c11 as a hotfix at 11-14 11:00, no tag: rework. */
	DO(NOW, "deploy", "record", h.c[11], "--env", "production", "--kind", "hotfix",
	   "--at", "2026-11-14T11:00Z");

	/* Deployments in the window, in order (8):
	 *   v1.1 11-03 10:00 (record):            c1 24, c2 20
	 *   c4   11-05 12:00 (record, rolled-back): c3 26, c4 2
	 *   v1.2 11-07 11:00 (record):            c5 25, c6 1
	 *   v1.3 11-07 12:00: c7 0;  v1.4 11-09 10:00: c8 0;  v1.5 11-10 10:00: c9 1
	 *   v1.6 11-12 10:00: c10 0;  c11 11-14 11:00 (hotfix): c11 1
	 * Lead: 0 0 0 1 1 1 2 20 24 25 26 (n = 11): median 6th = 1, p90 ceil(9.9) = 10th = 25.
	 * Failed: c4 (record; nothing restores it), v1.2 (revert shipped by v1.3:
	 * restored 12:00 − 11:00 = 1 h), v1.4 (incident 1: 11:45 − 11:00 = 0.75 h,
	 * winning over the revert's 24 h), v1.6 (incident 2 by time: 2 h).
	 * CFR 4/8 = 50 %; restores 0.75 1 2: median 1 h (tier high: not < 1 h).
	 * Rework: v1.3, v1.5 (reverts), c11 (hotfix): 3/8 = 37.5 %. */
	s = snapshot();
	near(num(s, "deployment_frequency", "deploys"), 8, "deploys");
	near(num(s, "deployment_frequency", "deploy_days"), 7, "deploy days"); /* 11-07 twice */
	near(num(s, "lead_time", "changes"), 11, "changes");
	near(num(s, "lead_time", "median_hours"), 1, "lead median");
	near(num(s, "lead_time", "p90_hours"), 25, "lead p90");
	near(num(s, "change_failure_rate", "failed"), 4, "failed");
	near(num(s, "change_failure_rate", "deploys"), 8, "cfr deploys");
	near(num(s, "change_failure_rate", "rate"), 50, "cfr %");
	near(num(s, "time_to_restore", "restores"), 3, "restores");
	near(num(s, "time_to_restore", "median_hours"), 1, "restore median");
	cr_assert_str_eq(str(obj(s, "time_to_restore", NULL), "tier"), "high");
	near(num(s, "rework_rate", "rework"), 3, "rework");
	near(num(s, "rework_rate", "deploys"), 8, "rework deploys");
	near(num(s, "rework_rate", "rate"), 37.5, "rework %");
	const cJSON *deps = cJSON_GetObjectItem(s, "deployments");
	cr_assert_eq(cJSON_GetArraySize(deps), 8);
	expect_deploy(s, "2026-11-03T10:00:00Z", "v1.1", "record", 2, false, NULL);
	cr_assert_null(deploy_at(s, "2026-11-02T14:00:00Z"), "the tag's time is replaced");
	expect_deploy(s, "2026-11-05T12:00:00Z", NULL, "record", 2, true, NULL);
	cr_assert_str_eq(str(deploy_at(s, "2026-11-05T12:00:00Z"), "commit"), h.c[4]);
	cr_assert_null(deploy_at(s, "2026-11-06T11:00:00Z"), "staging is not a deployment");
	expect_deploy(s, "2026-11-07T11:00:00Z", "v1.2", "record", 2, true, "v1.3");
	expect_deploy(s, "2026-11-07T12:00:00Z", "v1.3", "tag", 1, false, NULL);
	expect_deploy(s, "2026-11-09T10:00:00Z", "v1.4", "tag", 1, true, "v1.5");
	expect_deploy(s, "2026-11-10T10:00:00Z", "v1.5", "tag", 1, false, NULL);
	expect_deploy(s, "2026-11-12T10:00:00Z", "v1.6", "tag", 1, true, NULL);
	expect_deploy(s, "2026-11-14T11:00:00Z", NULL, "record", 1, false, NULL);
	cJSON_Delete(s);
	/* The text says the second incident was linked by time. */
	struct th_run r = RUN(NOW, "snapshot", "--width", "100");
	ok(&r);
	cr_assert(strstr(r.out, "1 incident named no deployment"), "%s", r.out);
	th_run_free(&r);

	/* The record's status decides for a deployment nothing else fails:
	 * succeeded, c4 no longer fails (3/8); failed, it does again (4/8). */
	DO(NOW, "deploy", "set", "2", "--status", "succeeded");
	s = snapshot();
	near(num(s, "change_failure_rate", "failed"), 3, "failed");
	expect_deploy(s, "2026-11-05T12:00:00Z", NULL, "record", 2, false, NULL);
	cJSON_Delete(s);
	DO(NOW, "deploy", "set", "2", "--status", "failed");
	s = snapshot();
	near(num(s, "change_failure_rate", "failed"), 4, "failed");
	expect_deploy(s, "2026-11-05T12:00:00Z", NULL, "record", 2, true, NULL);
	cJSON_Delete(s);
	/* A hotfix set back to normal is no longer rework: 2/8. */
	DO(NOW, "deploy", "set", "5", "--kind", "normal");
	s = snapshot();
	near(num(s, "rework_rate", "rework"), 2, "rework");
	cJSON_Delete(s);
	free_history(&h);
}

/* As of a now between the incident's start and its restore, the deployment
 * has failed but is not restored; before its start, it has not failed. */
Test(dora, incident_as_of_now)
{
	struct history h;
	build_history(&h);
	DO("2026-11-09T11:00:00Z", "incident", "open", "Checkout errors", "--deploy", "v1.4",
	   "--at", "2026-11-09T11:00Z");
	DO(NOW, "incident", "update", "1", "--restored", "2026-11-09T11:45Z");
	/* 11-09 11:30: v1.4 failed (incident), not restored; v1.2 restored by v1.3 (2 h).
	 * In the window: v1.1, v1.2, v1.3, v1.4 = 4; failed 2; restores: v1.2 only. */
	struct th_run r = RUN("2026-11-09T11:30:00Z", "snapshot", "--format", "json");
	ok(&r);
	cJSON *s = cJSON_Parse(r.out);
	th_run_free(&r);
	near(num(s, "deployment_frequency", "deploys"), 4, "deploys");
	near(num(s, "change_failure_rate", "failed"), 2, "failed");
	near(num(s, "time_to_restore", "restores"), 1, "restores");
	near(num(s, "time_to_restore", "median_hours"), 2, "restore median");
	cJSON_Delete(s);
	/* 11-09 10:30: the incident has not started: only v1.2 failed. */
	r = RUN("2026-11-09T10:30:00Z", "snapshot", "--format", "json");
	ok(&r);
	s = cJSON_Parse(r.out);
	th_run_free(&r);
	near(num(s, "change_failure_rate", "failed"), 1, "failed");
	cJSON_Delete(s);
	free_history(&h);
}
