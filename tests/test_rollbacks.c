/* test_rollbacks — pins docs/metrics.md §3b's rollbacks and hotfix tags on
 * real repositories built at test time with the git CLI: a tag on an
 * ancestor of the previous deployment's commit is a rollback (the previous
 * deployment failed, restored by it, which is rework and ships nothing); a
 * recorded redeployment of an earlier deployment's commit is a deployment
 * of its own at its recorded time and leaves the earlier one's time alone;
 * a rollback to the deployment before the previous one fails the previous
 * one only; two tags on one commit, and a record of a tagged commit with no
 * other deployment between them, are one deployment (no rollback); tags
 * matching rework_tags (default *hotfix*, configurable, "" for none) are
 * rework; and the deployment's line says "rolled back by v1.4.2". Every
 * answer was worked out by hand from the dates written here:
 * T(d, h) = 2026-01-d h:00 UTC = 1767225600 + (d − 1)·86400 + h·3600. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gitscan.h"
#include "helpers.h"
#include "metrics.h"
#include "present.h"
#include "timeutil.h"
#include "util.h"

#define T0 INT64_C(1767225600)
#define T(day, hour) (T0 + ((day) - 1) * INT64_C(86400) + (hour) * INT64_C(3600))

static char *tmp, *repo;
static char *pool[64];
static size_t npool;
static char err[512];

static char *keep(char *s)
{
	cr_assert_lt(npool, ARRAY_SIZE(pool));
	return pool[npool++] = s;
}

static void setup(void)
{
	tmp = th_tmpdir();
	repo = xasprintf("%s/r", tmp);
	th_sh(tmp, "mkdir r");
	cr_assert_eq(th_git(repo, "2026-01-01T00:00:00+0000", "init -q"), 0);
}

static void teardown(void)
{
	th_rmtree(tmp);
	for (size_t i = 0; i < npool; i++)
		free(pool[i]);
	free(tmp);
	free(repo);
}

TestSuite(rollbacks, .init = setup, .fini = teardown);

static const char *iso(int day, int hour)
{
	return keep(xasprintf("2026-01-%02dT%02d:00:00+0000", day, hour));
}

static const char *commit_on(int day, const char *msg)
{
	cr_assert_eq(th_git(repo, iso(day, 0), "commit -q --allow-empty -m '%s'", msg), 0);
	return keep(th_rev(repo, "HEAD"));
}

static void atag(const char *name, const char *rev, int day, int hour)
{
	cr_assert_eq(th_git(repo, iso(day, hour), "tag -f -a %s -m 'Release %s' %s", name, name, rev), 0);
}

static void scan(const struct gitscan_opts *o, struct gitscan_result *r)
{
	cr_assert_eq(gitscan_sync(NULL, repo, o, r, err, sizeof err), 0, "gitscan_sync: %s", err);
}

static int deploy_named(const struct gitscan_result *r, const char *ref)
{
	for (size_t i = 0; i < r->ndeploys; i++)
		if (streq(r->deploys[i].ref, ref))
			return (int)i;
	cr_assert_fail("no deployment %s", ref);
	return -1;
}

static void report(const struct gitscan_result *r, struct dora_input *in, struct dora_report *rep)
{
	*in = (struct dora_input){
		.deploys = r->deploys, .ndeploys = r->ndeploys, .changes = r->changes, .nchanges = r->nchanges,
		.reverts = r->reverts, .nreverts = r->nreverts,
		.now = T(28, 0), .window_days = 90, .revert_window_days = 14,
	};
	metrics_dora(in, rep);
}

/* c1 v1.4 (T(2,12)), c2, c3 v1.5 (T(4,12)), then v1.4.2 tagged on c2 at
 * T(5,0): c2 is an ancestor of v1.5's c3, so v1.4.2 deploys older code:
 * v1.5 failed, restored by v1.4.2 after 12 h; v1.4.2 is rework and ships
 * nothing. 3 deployments, 1 failed: 33.3 %. */
Test(rollbacks, a_tag_on_an_ancestor_of_the_previous_deployment_rolls_it_back)
{
	const char *c1 = commit_on(2, "c1");
	atag("v1.4", c1, 2, 12);
	const char *c2 = commit_on(3, "c2");
	const char *c3 = commit_on(4, "c3");
	atag("v1.5", c3, 4, 12);
	atag("v1.4.2", c2, 5, 0);
	struct gitscan_result r;
	scan(NULL, &r);
	cr_assert_eq(r.ndeploys, 3);
	int v15 = deploy_named(&r, "v1.5"), v142 = deploy_named(&r, "v1.4.2");
	cr_assert(r.deploys[v142].rollback);
	cr_assert_not(r.deploys[v15].rollback);
	struct dora_input in;
	struct dora_report rep;
	report(&r, &in, &rep);
	cr_assert(rep.all[v15].failed);
	cr_assert_eq(rep.all[v15].fail_source, FAIL_ROLLBACK);
	cr_assert_eq(rep.all[v15].restored_by, v142);
	cr_assert_float_eq(rep.all[v15].restore_hours, 12.0, 1e-9);
	cr_assert(rep.all[v142].rework);
	cr_assert_eq(rep.all[v142].changes, 0);
	cr_assert_not(rep.all[v142].failed);
	cr_assert_float_eq(rep.cfr.rate, 100.0 / 3, 1e-9);
	dora_report_free(&rep);
	gitscan_result_free(&r);
}

/* Records: c1 at T(2,0) (tagged v1.4 at T(2,0): the record merges with
 * it), c2 at T(3,0), then c1 again at T(4,0): v1.5's deployment lies
 * between, so the second record is a redeployment of its own at T(4,0),
 * and v1.4 keeps T(2,0). The redeployment rolls back c2's deployment:
 * restore 24 h. */
Test(rollbacks, a_recorded_redeployment_is_a_deployment_of_its_own)
{
	const char *c1 = commit_on(2, "c1");
	atag("v1.4", c1, 2, 0);
	const char *c2 = commit_on(3, "c2");
	struct gitscan_record recs[] = {
		{.commit = c1, .time = T(4, 0), .ref = "redeploy v1.4", .record_id = 3},
		{.commit = c2, .time = T(3, 0), .ref = "v1.5", .record_id = 2},
		{.commit = c1, .time = T(2, 0), .ref = "v1.4", .record_id = 1},
	};
	struct gitscan_opts o = {.records = recs, .nrecords = 3};
	struct gitscan_result r;
	scan(&o, &r);
	cr_assert_eq(r.ndeploys, 3, "%zu deployments", r.ndeploys);
	cr_assert_str_eq(r.deploys[0].ref, "v1.4");
	cr_assert_eq(r.deploys[0].time, T(2, 0));
	cr_assert_eq(r.record_ids[0], 1);
	cr_assert_str_eq(r.deploys[1].commit, c2);
	cr_assert_str_eq(r.deploys[2].commit, c1);
	cr_assert_eq(r.deploys[2].time, T(4, 0));
	cr_assert_eq(r.record_ids[2], 3);
	cr_assert(r.deploys[2].rollback);
	struct dora_input in;
	struct dora_report rep;
	report(&r, &in, &rep);
	cr_assert_eq(rep.all[1].fail_source, FAIL_ROLLBACK);
	cr_assert_eq(rep.all[1].restored_by, 2);
	cr_assert_float_eq(rep.all[1].restore_hours, 24.0, 1e-9);
	cr_assert(rep.all[2].rework);
	dora_report_free(&rep);
	gitscan_result_free(&r);
}

/* v1.4 (c1, T(2,0)), v1.5 (c2, T(3,0)), v1.6 (c3, T(4,0)), then c1
 * recorded again at T(4,6): back to the deployment before the previous
 * one. v1.6 failed (restored by the record after 6 h); v1.5 did not. */
Test(rollbacks, a_rollback_to_the_deployment_before_the_previous_one)
{
	const char *c1 = commit_on(2, "c1");
	atag("v1.4", c1, 2, 0);
	atag("v1.5", commit_on(3, "c2"), 3, 0);
	atag("v1.6", commit_on(4, "c3"), 4, 0);
	struct gitscan_record recs[] = {{.commit = c1, .time = T(4, 6), .ref = "back to v1.4", .record_id = 1}};
	struct gitscan_opts o = {.records = recs, .nrecords = 1};
	struct gitscan_result r;
	scan(&o, &r);
	cr_assert_eq(r.ndeploys, 4);
	cr_assert_eq(r.deploys[0].time, T(2, 0), "v1.4 keeps its time");
	cr_assert_eq(r.record_ids[0], 0, "the record did not merge into v1.4");
	cr_assert(r.deploys[3].rollback);
	struct dora_input in;
	struct dora_report rep;
	report(&r, &in, &rep);
	cr_assert(rep.all[2].failed, "v1.6");
	cr_assert_float_eq(rep.all[2].restore_hours, 6.0, 1e-9);
	cr_assert_not(rep.all[1].failed, "v1.5");
	cr_assert_not(rep.all[0].failed, "v1.4");
	cr_assert_eq(rep.cfr.failed, 1);
	dora_report_free(&rep);
	gitscan_result_free(&r);
}

/* Two tags on one commit are one deployment (§1), and a record of a
 * tagged commit with nothing between them merges with the tag: no
 * rollback, no failure. */
Test(rollbacks, two_tags_on_one_commit_and_a_record_of_a_tag_are_not_rollbacks)
{
	const char *c1 = commit_on(2, "c1");
	atag("v1.0", c1, 2, 0);
	const char *c2 = commit_on(3, "c2");
	atag("v1.1", c2, 3, 0);
	atag("v1.1.0", c2, 3, 5);
	struct gitscan_record recs[] = {{.commit = c2, .time = T(3, 2), .ref = "v1.1", .record_id = 1}};
	struct gitscan_opts o = {.records = recs, .nrecords = 1};
	struct gitscan_result r;
	scan(&o, &r);
	cr_assert_eq(r.ndeploys, 2);
	cr_assert_str_eq(r.deploys[1].ref, "v1.1, v1.1.0");
	cr_assert_eq(r.deploys[1].time, T(3, 2), "the record's time");
	cr_assert_not(r.deploys[1].rollback);
	struct dora_input in;
	struct dora_report rep;
	report(&r, &in, &rep);
	cr_assert_eq(rep.cfr.failed, 0);
	cr_assert_eq(rep.rework.rework, 0);
	dora_report_free(&rep);
	gitscan_result_free(&r);
}

/* rework_tags: the default *hotfix* makes v1.1-hotfix rework (1 of 3
 * deployments in the window: 33.3 %); "*fix*" also v1.2-fix; "" none. */
Test(rollbacks, rework_tags_mark_hotfix_deployments_as_rework)
{
	atag("v1.0", commit_on(2, "c1"), 2, 0);
	atag("v1.1-hotfix", commit_on(3, "c2"), 3, 0);
	atag("v1.2-fix", commit_on(4, "c3"), 4, 0);
	struct gitscan_result r;
	scan(NULL, &r);
	cr_assert(r.deploys[deploy_named(&r, "v1.1-hotfix")].hotfix);
	cr_assert_not(r.deploys[deploy_named(&r, "v1.2-fix")].hotfix);
	struct dora_input in;
	struct dora_report rep;
	report(&r, &in, &rep);
	cr_assert_eq(rep.rework.rework, 1);
	cr_assert_float_eq(rep.rework.rate, 100.0 / 3, 1e-9);
	dora_report_free(&rep);
	gitscan_result_free(&r);
	struct gitscan_opts o = {.rework_tags = "*fix*"};
	scan(&o, &r);
	cr_assert(r.deploys[deploy_named(&r, "v1.2-fix")].hotfix);
	cr_assert(r.deploys[deploy_named(&r, "v1.1-hotfix")].hotfix);
	gitscan_result_free(&r);
	o.rework_tags = "";
	scan(&o, &r);
	for (size_t i = 0; i < r.ndeploys; i++)
		cr_assert_not(r.deploys[i].hotfix, "%s", r.deploys[i].ref);
	gitscan_result_free(&r);
}

/* The deployment's line says why: "(rolled back by v1.4.2, after 12 h)". */
Test(rollbacks, the_line_says_rolled_back_by)
{
	struct deploy_verdict v = {.state = DEPLOY_RESTORED, .why = FAIL_ROLLBACK, .restore_hours = 12,
				   .restored_by = "v1.4.2"};
	struct strbuf sb = STRBUF_INIT;
	present_deploy_detail(&sb, &v);
	cr_assert_str_eq(sb_str(&sb), "(rolled back by v1.4.2, after 12 h)");
	cr_assert_str_eq(present_fail_word(FAIL_ROLLBACK), "rollback");
	sb_free(&sb);
}
