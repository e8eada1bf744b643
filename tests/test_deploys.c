/* test_deploys — pins recorded deployments, incidents and reviews (spec §1,
 * §3, §10; issue 6): the pure rules of deploylog.c (incident durations with
 * the guide's 08:54 → 09:12 = 18 minute outage, timeline checks that reject
 * a restore before detection, linking an incident to the latest production
 * deployment at or before its start while staging ones are ignored, canary
 * stages that never go down, reviews due 24 h after a production deployment
 * and overdue after it, incident reviews due at restore and overdue 5 days
 * later), the store's tables on a real SQLite file, and the `deploy`,
 * `incident` and `review` commands end to end through the real binary on a
 * git repository made at test time: REF by tag, branch and commit prefix,
 * a second record of one commit updating the first, --at in the future
 * refused, times in other zones, answers given with --answer or on stdin. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deploylog.h"
#include "helpers.h"
#include "store.h"
#include "store_deploys.h"
#include "timeutil.h"
#include "util.h"

/* 2026-11-27 (a Friday) at hh:mm UTC. */
static int64_t at(int hh, int mm)
{
	return time_from_utc(2026, 11, 27, hh, mm, 0);
}

static struct incident_rec incident_at(int64_t started)
{
	struct incident_rec i = {
		.id = 1, .started = started, .detected = SD_NO_TIME, .paged = SD_NO_TIME,
		.root_cause = SD_NO_TIME, .decided = SD_NO_TIME, .restored = SD_NO_TIME,
	};
	return i;
}

/* ---- pure rules ------------------------------------------------------------------ */

Test(deploylog, guide_example_outage_18_minutes)
{
	/* The guide: the incident started 08:54 and service was back 09:12.
	 * Detected 08:56, rollback decided 09:01. By hand:
	 *   detect  = 08:56 - 08:54 =  2 min = 120 s
	 *   decide  = 09:01 - 08:56 =  5 min = 300 s
	 *   outage  = 09:12 - 08:54 = 18 min = 1080 s */
	struct incident_rec i = incident_at(at(8, 54));
	i.detected = at(8, 56);
	i.decided = at(9, 1);
	i.restored = at(9, 12);
	struct incident_durations d;
	deploylog_durations(&i, &d);
	cr_assert_eq(d.detect, 120);
	cr_assert_eq(d.decide, 300);
	cr_assert_eq(d.outage, 1080);
	char buf[32];
	cr_assert_str_eq(deploylog_format_duration(d.outage, buf, sizeof buf), "18 min");
	char why[200];
	cr_assert_null(deploylog_timeline_check(&i, why, sizeof why));
}

Test(deploylog, durations_missing_steps_are_none)
{
	/* Open and undetected: nothing can be computed, and none is zero. */
	struct incident_rec i = incident_at(at(8, 54));
	struct incident_durations d;
	deploylog_durations(&i, &d);
	cr_assert_eq(d.detect, SD_NO_TIME);
	cr_assert_eq(d.decide, SD_NO_TIME);
	cr_assert_eq(d.outage, SD_NO_TIME);
	/* Restored without a detection time: only the outage (09:30 - 08:54 = 36 min). */
	i.restored = at(9, 30);
	deploylog_durations(&i, &d);
	cr_assert_eq(d.outage, 36 * 60);
	cr_assert_eq(d.decide, SD_NO_TIME);
}

Test(deploylog, timeline_rejects_impossible_orders)
{
	char why[200];
	struct incident_rec i = incident_at(at(8, 54));
	i.detected = at(9, 10);
	i.restored = at(9, 0);
	const char *r = deploylog_timeline_check(&i, why, sizeof why);
	cr_assert_not_null(r);
	cr_assert(strstr(r, "restored 2026-11-27T09:00:00Z is before detected 2026-11-27T09:10:00Z"), "%s", r);

	i = incident_at(at(8, 54));
	i.restored = at(8, 50);
	r = deploylog_timeline_check(&i, why, sizeof why);
	cr_assert_not_null(r);
	cr_assert(strstr(r, "restored 2026-11-27T08:50:00Z is before the incident started"), "%s", r);

	i = incident_at(at(8, 54));
	i.detected = at(8, 47);
	r = deploylog_timeline_check(&i, why, sizeof why);
	cr_assert_not_null(r);
	cr_assert(strstr(r, "detected"), "%s", r);

	/* Restored at the very minute it was detected is possible (a quick flip). */
	i = incident_at(at(8, 54));
	i.detected = at(9, 0);
	i.restored = at(9, 0);
	cr_assert_null(deploylog_timeline_check(&i, why, sizeof why));
}

Test(deploylog, link_latest_production_before_start)
{
	/* production 08:00 (id 1), staging 08:50 (id 2), production 09:30 (id 3).
	 * An incident at 08:54 belongs to 1: 2 is staging, 3 is after it. */
	struct deploy_rec d[] = {
		{.id = 1, .ref = "v1.0", .env = "production", .at = at(8, 0)},
		{.id = 2, .ref = "v1.1", .env = "staging", .at = at(8, 50)},
		{.id = 3, .ref = "v1.1", .env = "production", .at = at(9, 30)},
	};
	cr_assert_eq(deploylog_link_incident(d, 3, at(8, 54)), 0);
	cr_assert_eq(deploylog_link_incident(d, 3, at(9, 45)), 2);
	/* At the deployment's own instant: it counts ("at or before"). */
	cr_assert_eq(deploylog_link_incident(d, 3, at(9, 30)), 2);
	/* Before any production deployment: none. */
	cr_assert_eq(deploylog_link_incident(d, 3, at(7, 59)), -1);
	/* A tie in time goes to the later ref (spec §1 order). */
	struct deploy_rec tie[] = {
		{.id = 7, .ref = "v2.1", .env = "production", .at = at(8, 0)},
		{.id = 8, .ref = "v2.0", .env = "production", .at = at(8, 0)},
	};
	cr_assert_eq(deploylog_link_incident(tie, 2, at(8, 30)), 0);
}

Test(deploylog, canary_stages_never_go_down)
{
	char why[200];
	struct deploy_rec d = {.id = 4, .rollout = 25, .status = "in-progress", .at = at(9, 0)};
	cr_assert_null(deploylog_advance_check(&d, at(9, 15), 50, at(9, 45), why, sizeof why));
	const char *r = deploylog_advance_check(&d, at(9, 15), 5, at(9, 45), why, sizeof why);
	cr_assert(r && strstr(r, "is at 25%: a rollout does not go down to 5%"), "%s", r);
	r = deploylog_advance_check(&d, at(9, 15), 50, at(9, 10), why, sizeof why);
	cr_assert(r && strstr(r, "before the previous stage"), "%s", r);
	r = deploylog_advance_check(&d, SD_NO_TIME, 50, at(8, 59), why, sizeof why);
	cr_assert(r && strstr(r, "before the deployment"), "%s", r);
	d.status = "rolled-back";
	cr_assert_not_null(deploylog_advance_check(&d, at(9, 15), 50, at(9, 45), why, sizeof why));

	cr_assert_str_eq(deploylog_status_after("in-progress", 50), "in-progress");
	cr_assert_str_eq(deploylog_status_after("in-progress", 100), "succeeded");
	cr_assert_str_eq(deploylog_status_after("failed", 100), "failed");
	cr_assert_str_eq(deploylog_default_status(5), "in-progress");
	cr_assert_str_eq(deploylog_default_status(100), "succeeded");
}

Test(deploylog, rollout_bar_and_durations)
{
	char b[32];
	deploylog_rollout_bar(50, 10, b, sizeof b);
	cr_assert_str_eq(b, "[#####.....] 50%");
	/* 99 % rounds down: the bar is only full at 100 %. */
	deploylog_rollout_bar(99, 10, b, sizeof b);
	cr_assert_str_eq(b, "[#########.] 99%");
	deploylog_rollout_bar(5, 10, b, sizeof b);
	cr_assert_str_eq(b, "[..........] 5%");
	deploylog_rollout_bar(100, 10, b, sizeof b);
	cr_assert_str_eq(b, "[##########] 100%");
	/* 125 min = 2 h 05 min; 3 d 4 h = 3*86400 + 4*3600 + 59 s. */
	cr_assert_str_eq(deploylog_format_duration(125 * 60, b, sizeof b), "2 h 05 min");
	cr_assert_str_eq(deploylog_format_duration(3 * 86400 + 4 * 3600 + 59, b, sizeof b), "3 d 4 h");
	cr_assert_str_eq(deploylog_format_duration(SD_NO_TIME, b, sizeof b), "-");
}

static struct review_due find_review(const struct review_due *r, size_t n, bool incident, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].incident == incident && r[i].subject_id == id)
			return r[i];
	cr_assert_fail("no review for %s %lld", incident ? "incident" : "deploy", (long long)id);
	return r[0];
}

Test(deploylog, deploy_review_due_at_24h_then_overdue)
{
	/* Production deployment at 2026-11-27 09:00: due 2026-11-28 09:00. */
	struct deploy_rec d[] = {
		{.id = 1, .env = "production", .at = at(9, 0)},
		{.id = 2, .env = "staging", .at = at(9, 0)},
		{.id = 3, .env = "production", .at = at(9, 0) + 7 * 86400}, /* after now */
	};
	struct review_due *r;
	size_t n;
	int64_t due = at(9, 0) + 24 * 3600;
	deploylog_reviews(d, 3, NULL, 0, NULL, 0, 5, 5, due - 3600, &r, &n);
	cr_assert_eq(n, 1, "staging and future deployments get no review");
	cr_assert_eq(r[0].due, due);
	cr_assert_eq(r[0].state, REVIEW_UPCOMING);
	free(r);
	deploylog_reviews(d, 3, NULL, 0, NULL, 0, 5, 5, due, &r, &n);
	cr_assert_eq(r[0].state, REVIEW_DUE);
	free(r);
	/* One second past due with 4 of 5 answered: overdue. */
	struct review_answer a[] = {
		{"deploy", 1, 1, "fine", NULL, 0}, {"deploy", 1, 2, "flat", NULL, 0},
		{"deploy", 1, 3, "quiet", NULL, 0}, {"deploy", 1, 4, "none", NULL, 0},
		{"incident", 1, 5, "other subject", NULL, 0},
	};
	deploylog_reviews(d, 3, NULL, 0, a, 5, 5, 5, due + 1, &r, &n);
	cr_assert_eq(r[0].state, REVIEW_OVERDUE);
	cr_assert_eq(r[0].answered, 4);
	free(r);
	struct review_answer all[] = {
		{"deploy", 1, 1, "fine", NULL, 0}, {"deploy", 1, 2, "flat", NULL, 0},
		{"deploy", 1, 3, "quiet", NULL, 0}, {"deploy", 1, 4, "none", NULL, 0},
		{"deploy", 1, 5, "canary longer", NULL, 0},
	};
	deploylog_reviews(d, 3, NULL, 0, all, 5, 5, 5, due + 86400, &r, &n);
	cr_assert_eq(r[0].state, REVIEW_DONE);
	free(r);
}

Test(deploylog, incident_review_due_at_restore_overdue_5_days_later)
{
	struct incident_rec inc[2] = {incident_at(at(8, 54)), incident_at(at(10, 0))};
	inc[0].restored = at(9, 12);
	inc[1].id = 2; /* still open: no review yet */
	struct deploy_rec prod = {.id = 9, .env = "production", .at = at(8, 0)};
	struct review_due *r;
	size_t n;
	deploylog_reviews(&prod, 1, inc, 2, NULL, 0, 5, 5, at(12, 0), &r, &n);
	cr_assert_eq(n, 2);
	struct review_due ir = find_review(r, n, true, 1);
	cr_assert_eq(ir.due, at(9, 12));
	cr_assert_eq(ir.overdue, at(9, 12) + 5 * 86400);
	cr_assert_eq(ir.state, REVIEW_DUE);
	/* Most urgent first: the incident (due) before the deployment (upcoming
	 * until 2026-11-28 08:00). */
	cr_assert(r[0].incident);
	free(r);
	deploylog_reviews(&prod, 1, inc, 2, NULL, 0, 5, 5, at(9, 12) + 5 * 86400 + 1, &r, &n);
	cr_assert_eq(find_review(r, n, true, 1).state, REVIEW_OVERDUE);
	cr_assert_eq(find_review(r, n, false, 9).state, REVIEW_OVERDUE);
	free(r);
}

/* ---- the store ------------------------------------------------------------------ */

Test(store_deploys, tables_round_trip)
{
	char *tmp = th_tmpdir(), err[256];
	char *path = xasprintf("%s/r.db", tmp);
	struct store *st = store_open(path, STORE_CREATE, err, sizeof err);
	cr_assert_not_null(st, "%s", err);
	struct deploy_rec d = {.ref = "v1", .commit = "0123456789012345678901234567890123456789",
			       .env = "production", .strategy = "canary", .rollout = 5,
			       .status = "in-progress", .kind = "hotfix", .at = at(9, 0)};
	cr_assert_eq(store_deploy_insert(st, &d), 0);
	cr_assert_eq(d.id, 1);
	/* one row per commit, env and service (migration 9): the same commit to
	 * production again for the same (home) service is refused. */
	struct deploy_rec dup = d;
	cr_assert_eq(store_deploy_insert(st, &dup), -1);
	cr_assert_eq(store_stage_add(st, 1, 5, at(9, 0)), 0);
	cr_assert_eq(store_stage_add(st, 1, 5, at(9, 30)), 0); /* a retry keeps 09:00 */
	struct rollout_stage *stg;
	size_t n;
	cr_assert_eq(store_stages_list(st, 1, &stg, &n), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(stg[0].at, at(9, 0));
	free(stg);
	struct deploy_rec got;
	cr_assert_eq(store_deploy_find(st, d.commit, "production", &got), 1);
	cr_assert_str_eq(got.kind, "hotfix");
	cr_assert_eq(got.feature_id, 0);
	deploy_rec_free(&got);
	cr_assert_eq(store_deploy_find(st, d.commit, "staging", &got), 0);

	struct incident_rec i = incident_at(at(8, 54));
	i.title = "Checkout";
	i.severity = "sev1";
	i.deployment_id = 1;
	i.linked_auto = true;
	cr_assert_eq(store_incident_insert(st, &i), 0);
	struct incident_rec j = incident_at(at(7, 0));
	j.title = "Old";
	j.restored = at(7, 30);
	cr_assert_eq(store_incident_insert(st, &j), 0);
	struct incident_rec *all;
	cr_assert_eq(store_incidents_list(st, &all, &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(all[0].title, "Checkout", "open incidents come first");
	cr_assert(all[0].linked_auto);
	cr_assert_eq(all[0].detected, SD_NO_TIME);
	cr_assert_eq(all[1].restored, at(7, 30));
	incident_recs_free(all, n);

	struct review_answer a = {"deploy", 1, 2, "errors flat", "ann", at(10, 0)};
	cr_assert_eq(store_review_set(st, &a), 0);
	a.answer = "errors down";
	cr_assert_eq(store_review_set(st, &a), 0);
	struct review_answer *ra;
	cr_assert_eq(store_reviews_list(st, "deploy", 1, &ra, &n), 0);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(ra[0].answer, "errors down");
	review_answers_free(ra, n);
	store_close(st);
	th_rmtree(tmp);
	free(path);
	free(tmp);
}

/* ---- the commands, through the real binary ------------------------------------ */

static char *home, *repo;

static void cli_setup(void)
{
	home = th_tmpdir();
	repo = th_make_repo(home, "shop");
	/* Second commit, tagged v1.1.0; the first is v1.0.0; branch "next" adds a third. */
	th_git(repo, "2026-11-26T10:00:00+0000", "tag v1.0.0");
	th_git(repo, "2026-11-26T12:00:00+0000", "commit -q --allow-empty -m 'Gift cards'");
	th_git(repo, "2026-11-26T12:00:00+0000", "tag v1.1.0");
	th_git(repo, "2026-11-26T13:00:00+0000", "checkout -q -b next");
	th_git(repo, "2026-11-26T13:00:00+0000", "commit -q --allow-empty -m 'Wishlist'");
	th_git(repo, "2026-11-26T13:00:00+0000", "checkout -q main");
}

static void cli_teardown(void)
{
	th_rmtree(home);
	free(home);
	free(repo);
}

TestSuite(cli, .init = cli_setup, .fini = cli_teardown, .timeout = 60);

#define NOW "2026-11-27T12:00:00Z"
/* Runs shipdeck --repo REPO --now NOW ARGS... */
#define RUN(...) th_shipdeck(home, NULL, (const char *const[]){"--repo", repo, "--now", NOW, __VA_ARGS__, NULL})
#define RUN_AT(now, ...) th_shipdeck(home, NULL, (const char *const[]){"--repo", repo, "--now", now, __VA_ARGS__, NULL})

static void ok(struct th_run *r, const char *out_has)
{
	cr_assert_eq(r->status, 0, "status %d, stderr: %s", r->status, r->err);
	if (out_has)
		cr_assert(strstr(r->out, out_has), "stdout lacks '%s': %s", out_has, r->out);
}

static void fails(struct th_run *r, const char *err_has)
{
	cr_assert_eq(r->status, 2, "status %d, stdout: %s", r->status, r->out);
	cr_assert(strstr(r->err, err_has), "stderr lacks '%s': %s", err_has, r->err);
	cr_assert_eq(strchr(r->err, '\n'), r->err + strlen(r->err) - 1, "one line: %s", r->err);
}

/* Runs a command whose output is JSON and parses it. */
static cJSON *json_of(struct th_run r)
{
	ok(&r, NULL);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert_not_null(j, "not JSON: %s", r.out);
	th_run_free(&r);
	return j;
}

/* A list document ({"schema": ..., "<items>": [...]}): its schema name is
 * there, and its one array is returned (detached; the caller deletes it). */
static cJSON *json_list(struct th_run r)
{
	cJSON *doc = json_of(r);
	cr_assert(cJSON_IsString(cJSON_GetObjectItem(doc, "schema")), "no schema name");
	cJSON *items = NULL;
	for (cJSON *m = doc->child; m && !items; m = m->next)
		if (cJSON_IsArray(m))
			items = cJSON_DetachItemViaPointer(doc, m);
	cr_assert_not_null(items, "no list in the document");
	cJSON_Delete(doc);
	return items;
}

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	cr_assert(cJSON_IsNumber(v), "%s is not a number", key);
	return v->valuedouble;
}

Test(cli, record_by_tag_branch_and_commit_prefix)
{
	char *v10 = th_rev(repo, "v1.0.0"), *v11 = th_rev(repo, "v1.1.0"), *nx = th_rev(repo, "next");
	struct th_run r = RUN("deploy", "record", "v1.0.0", "--env", "production", "--at", "2026-11-27T08:00Z");
	ok(&r, "recorded deployment 1: v1.0.0");
	th_run_free(&r);
	r = RUN("deploy", "record", "next", "--env", "staging", "--at", "2026-11-27T08:30Z");
	ok(&r, "recorded deployment 2: next");
	th_run_free(&r);
	char prefix[8];
	snprintf(prefix, sizeof prefix, "%.7s", v11);
	cJSON *j = json_of(RUN("deploy", "record", prefix, "--env", "production", "--json",
			       "--at", "2026-11-27T09:00Z"));
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "created")));
	cr_assert_str_eq(jstr(cJSON_GetObjectItem(j, "deployment"), "commit"), v11);
	cJSON_Delete(j);

	j = json_list(RUN("deploy", "list", "--json"));
	cr_assert_eq(cJSON_GetArraySize(j), 3);
	/* Newest first: 09:00 (prefix), 08:30 (next), 08:00 (v1.0.0). */
	cr_assert_str_eq(jstr(cJSON_GetArrayItem(j, 0), "commit"), v11);
	cr_assert_str_eq(jstr(cJSON_GetArrayItem(j, 1), "commit"), nx);
	cr_assert_str_eq(jstr(cJSON_GetArrayItem(j, 1), "env"), "staging");
	cr_assert_str_eq(jstr(cJSON_GetArrayItem(j, 2), "commit"), v10);
	cr_assert_str_eq(jstr(cJSON_GetArrayItem(j, 2), "at"), "2026-11-27T08:00:00Z");
	cJSON_Delete(j);
	j = json_list(RUN("deploy", "list", "--json", "--env", "staging"));
	cr_assert_eq(cJSON_GetArraySize(j), 1);
	cJSON_Delete(j);

	r = RUN("deploy", "list");
	ok(&r, "[##########] 100%");
	cr_assert(strstr(r.out, "v1.0.0"));
	th_run_free(&r);
	r = RUN("deploy", "record", "nope", "--env", "production");
	fails(&r, "'nope' names no commit");
	th_run_free(&r);
	r = RUN("deploy", "record", "v1.0.0", "--env", "prod");
	fails(&r, "--env prod: must be production or staging");
	th_run_free(&r);
	free(v10);
	free(v11);
	free(nx);
}

/* A deployment typed as its full commit id is named, where no tag names
 * its commit, by the short hash as every commit is shown (12 hex), never
 * by 40 digits cut at the edge of a line ("rolled back by 1764cfcc99…").
 * `next` (one commit past v1.1.0, untagged) recorded at 09:00 after
 * v1.1.0, then v1.1.0's commit again by its id at 10:00: a redeployment of
 * an ancestor, so a rollback of next's deployment after 1 h, itself named
 * by its hash (a redeployment is a deployment of its own, not the tag). */
Test(cli, a_deployment_typed_as_its_commit_id_is_named_by_its_short_hash)
{
	char *nx = th_rev(repo, "next");
	struct th_run r = RUN("deploy", "record", "v1.1.0", "--env", "production", "--at", "2026-11-27T08:00Z");
	ok(&r, NULL);
	th_run_free(&r);
	r = RUN("deploy", "record", nx, "--env", "production", "--at", "2026-11-27T09:00Z");
	ok(&r, NULL);
	th_run_free(&r);
	char *sha = th_rev(repo, "v1.1.0");
	r = RUN("deploy", "record", sha, "--env", "production", "--at", "2026-11-27T10:00Z");
	ok(&r, NULL);
	th_run_free(&r);
	char short12[13], *want = NULL;
	snprintf(short12, sizeof short12, "%.12s", nx);
	r = RUN("--snapshot", "--width", "100");
	ok(&r, NULL);
	want = xasprintf("2026-11-27 09:00 %s %.7s    1 ch restored (rolled back by %.12s, after 1 h)", short12,
			 nx, sha);
	cr_assert(strstr(r.out, want) != NULL, "want <%s> in:\n%s", want, r.out);
	cr_assert(strstr(r.out, nx) == NULL && strstr(r.out, sha) == NULL, "40 hex are shown:\n%s", r.out);
	th_run_free(&r);
	free(want);
	free(sha);
	free(nx);
}

Test(cli, recorded_twice_updates)
{
	struct th_run r = RUN("deploy", "record", "v1.1.0", "--env", "production", "--status", "in-progress",
			      "--at", "2026-11-27T09:00Z");
	ok(&r, "recorded deployment 1");
	th_run_free(&r);
	/* Same commit by another name (its branch), same env: one row, updated. */
	r = RUN("deploy", "record", "main", "--env", "production", "--status", "failed", "--kind", "hotfix");
	ok(&r, "updated deployment 1");
	th_run_free(&r);
	cJSON *j = json_list(RUN("deploy", "list", "--json"));
	cr_assert_eq(cJSON_GetArraySize(j), 1);
	cJSON *d = cJSON_GetArrayItem(j, 0);
	cr_assert_str_eq(jstr(d, "status"), "failed");
	cr_assert_str_eq(jstr(d, "kind"), "hotfix");
	cr_assert_str_eq(jstr(d, "ref"), "main");
	/* No --at the second time: the deployment keeps its time. */
	cr_assert_str_eq(jstr(d, "at"), "2026-11-27T09:00:00Z");
	cJSON_Delete(j);
	/* --feature takes a key or id; an unknown one is refused and nothing changes. */
	r = RUN("feature", "add", "Gift cards", "--key", "FEAT-7");
	ok(&r, NULL);
	th_run_free(&r);
	r = RUN("deploy", "record", "v1.1.0", "--env", "production", "--feature", "FEAT-9", "--status", "succeeded");
	fails(&r, "--feature FEAT-9: no such feature");
	th_run_free(&r);
	j = json_of(RUN("deploy", "record", "v1.1.0", "--env", "production", "--feature", "FEAT-7", "--json"));
	d = cJSON_GetObjectItem(j, "deployment");
	cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "created")));
	cr_assert_eq(jnum(d, "feature_id"), 1);
	cr_assert_str_eq(jstr(d, "status"), "failed");
	cJSON_Delete(j);
}

Test(cli, future_at_refused_unless_allowed)
{
	struct th_run r = RUN("deploy", "record", "v1.0.0", "--env", "production", "--at", "2026-11-27T12:00:01Z");
	fails(&r, "is in the future");
	th_run_free(&r);
	cJSON *j = json_list(RUN("deploy", "list", "--json"));
	cr_assert_eq(cJSON_GetArraySize(j), 0, "nothing recorded");
	cJSON_Delete(j);
	r = RUN("deploy", "record", "v1.0.0", "--env", "production", "--at", "2026-11-28T09:00Z",
		"--allow-future");
	ok(&r, "recorded deployment 1");
	th_run_free(&r);
	r = RUN("incident", "open", "Later", "--at", "2026-11-30T09:00Z");
	fails(&r, "is in the future");
	th_run_free(&r);
}

Test(cli, zone_offsets_in_at)
{
	/* 09:00 at UTC-7 is 16:00 UTC; "now" is put after it. */
	cJSON *j = json_of(RUN_AT("2026-11-28T00:00:00Z", "deploy", "record", "v1.0.0", "--env", "production",
				  "--at", "2026-11-27T09:00-07:00", "--json"));
	cr_assert_str_eq(jstr(cJSON_GetObjectItem(j, "deployment"), "at"), "2026-11-27T16:00:00Z");
	cJSON_Delete(j);
	/* +05:30: 09:00 local is 03:30 UTC. */
	j = json_of(RUN_AT("2026-11-28T00:00:00Z", "deploy", "record", "v1.1.0", "--env", "production",
			   "--at", "2026-11-27T09:00+05:30", "--json"));
	cr_assert_str_eq(jstr(cJSON_GetObjectItem(j, "deployment"), "at"), "2026-11-27T03:30:00Z");
	cJSON_Delete(j);
	struct th_run r = RUN("deploy", "record", "v1.0.0", "--env", "production", "--at", "27/11/2026");
	fails(&r, "not an ISO 8601 time");
	th_run_free(&r);
}

Test(cli, canary_advance_stages)
{
	struct th_run r = RUN("deploy", "record", "v1.1.0", "--env", "production", "--strategy", "canary",
			      "--rollout", "5", "--at", "2026-11-27T09:00Z");
	ok(&r, "in-progress [..........] 5%");
	th_run_free(&r);
	r = RUN("deploy", "advance", "1", "--rollout", "25", "--at", "2026-11-27T09:15Z");
	ok(&r, "[##........] 25% in-progress");
	th_run_free(&r);
	r = RUN("deploy", "advance", "1", "--rollout", "50", "--at", "2026-11-27T09:45Z");
	ok(&r, "[#####.....] 50% in-progress");
	th_run_free(&r);
	r = RUN("deploy", "advance", "1", "--rollout", "25");
	fails(&r, "is at 50%: a rollout does not go down to 25%");
	th_run_free(&r);
	r = RUN("deploy", "advance", "1", "--rollout", "100", "--at", "2026-11-27T09:30Z");
	fails(&r, "before the previous stage");
	th_run_free(&r);
	cJSON *j = json_of(RUN("deploy", "advance", "1", "--rollout", "100", "--at", "2026-11-27T10:45Z", "--json"));
	cJSON *d = cJSON_GetObjectItem(j, "deployment");
	cr_assert_str_eq(jstr(d, "status"), "succeeded");
	cr_assert_eq(jnum(d, "rollout"), 100);
	cJSON *stages = cJSON_GetObjectItem(d, "stages");
	cr_assert_eq(cJSON_GetArraySize(stages), 4);
	static const int pct[] = {5, 25, 50, 100};
	static const char *const times[] = {"2026-11-27T09:00:00Z", "2026-11-27T09:15:00Z",
					    "2026-11-27T09:45:00Z", "2026-11-27T10:45:00Z"};
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(jnum(cJSON_GetArrayItem(stages, i), "pct"), pct[i]);
		cr_assert_str_eq(jstr(cJSON_GetArrayItem(stages, i), "at"), times[i]);
	}
	cJSON_Delete(j);
	/* A rolled-back deployment stays rolled back. */
	r = RUN("deploy", "set", "1", "--status", "rolled-back");
	ok(&r, "deployment 1: rolled-back");
	th_run_free(&r);
	r = RUN("deploy", "advance", "1", "--rollout", "100");
	fails(&r, "is rolled-back");
	th_run_free(&r);
}

Test(cli, incident_links_to_latest_production_before_start)
{
	struct th_run r = RUN("deploy", "record", "v1.0.0", "--env", "production", "--at", "2026-11-27T08:00Z");
	th_run_free(&r);
	r = RUN("deploy", "record", "v1.1.0", "--env", "staging", "--at", "2026-11-27T08:50Z");
	th_run_free(&r);
	r = RUN("deploy", "record", "v1.1.0", "--env", "production", "--at", "2026-11-27T09:30Z");
	th_run_free(&r);
	/* Started 08:54: the staging deployment (08:50) and the later production
	 * one (09:30) are not it; deployment 1 (08:00) is. */
	r = RUN("incident", "open", "Checkout returns 500", "--severity", "sev1", "--at", "2026-11-27T08:54Z");
	ok(&r, "opened incident 1");
	cr_assert(strstr(r.out, "linked automatically to deployment 1 (v1.0.0)"), "%s", r.out);
	th_run_free(&r);
	/* Named by REF: v1.1.0 is recorded in production as deployment 3. */
	cJSON *j = json_of(RUN("incident", "open", "Slow search", "--deploy", "v1.1.0", "--json"));
	cr_assert_eq(jnum(j, "deployment_id"), 3);
	cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "linked_auto")));
	cJSON_Delete(j);
	/* A commit no record names is kept as deploy_ref. */
	char *nx = th_rev(repo, "next");
	j = json_of(RUN("incident", "open", "Wishlist empty", "--deploy", "next", "--json"));
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "deployment_id")));
	cr_assert_str_eq(jstr(j, "deploy_ref"), nx);
	cJSON_Delete(j);
	free(nx);
	r = RUN("incident", "open", "Bad link", "--deploy", "2");
	fails(&r, "went to staging");
	th_run_free(&r);
	/* The start corrected to 09:40: the link by time follows, to deployment 3 (09:30). */
	r = RUN("incident", "update", "1", "--started", "2026-11-27T09:40Z");
	ok(&r, "linked automatically to deployment 3 (v1.1.0)");
	th_run_free(&r);
	r = RUN("incident", "update", "1", "--started", "2026-11-27T08:54Z");
	ok(&r, "linked automatically to deployment 1 (v1.0.0)");
	th_run_free(&r);

	j = json_list(RUN("incident", "list", "--json"));
	cr_assert_eq(cJSON_GetArraySize(j), 3);
	cJSON *first = NULL;
	cJSON_ArrayForEach(first, j) if (jnum(first, "id") == 1) break;
	cr_assert_not_null(first);
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(first, "linked_auto")));
	cr_assert_eq(jnum(first, "deployment_id"), 1);
	cJSON_Delete(j);
}

Test(cli, guide_example_and_restored_before_detected)
{
	struct th_run r = RUN("deploy", "record", "v1.0.0", "--env", "production", "--at", "2026-11-27T08:47Z");
	th_run_free(&r);
	r = RUN("incident", "open", "Checkout returns 500", "--severity", "sev1", "--at", "2026-11-27T08:54Z");
	ok(&r, "linked automatically to deployment 1");
	th_run_free(&r);
	/* the spellings before time flags ended in -at keep working */
	r = RUN("incident", "update", "1", "--detected", "2026-11-27T08:56Z", "--paged", "2026-11-27T08:58Z",
		"--decision", "rollback", "--at", "2026-11-27T09:01Z");
	ok(&r, "time to detect 2 min, to decide 5 min, outage -");
	th_run_free(&r);
	/* Restored 08:55, before the 08:56 detection: rejected, nothing changes. */
	r = RUN("incident", "update", "1", "--restored-at", "2026-11-27T08:55Z");
	fails(&r, "restored 2026-11-27T08:55:00Z is before detected 2026-11-27T08:56:00Z");
	th_run_free(&r);
	r = RUN("incident", "list", "--open");
	ok(&r, "open for 3 h 06 min"); /* 12:00 - 08:54 */
	th_run_free(&r);
	r = RUN("incident", "update", "1", "--restored-at", "2026-11-27T09:12Z", "--root-cause-at",
		"2026-11-27T09:05Z", "--root-cause", "parser overflow");
	ok(&r, "time to detect 2 min, to decide 5 min, outage 18 min");
	th_run_free(&r);
	cJSON *j = json_list(RUN("incident", "list", "--json"));
	cJSON *i = cJSON_GetArrayItem(j, 0);
	/* 120 s, 300 s, 1080 s: worked out in deploylog.guide_example_outage_18_minutes. */
	cr_assert_eq(jnum(i, "time_to_detect_seconds"), 120);
	cr_assert_eq(jnum(i, "time_to_decide_seconds"), 300);
	cr_assert_eq(jnum(i, "outage_seconds"), 1080);
	cr_assert_str_eq(jstr(i, "decision"), "rollback");
	cr_assert_str_eq(jstr(i, "root_cause"), "parser overflow");
	cr_assert_str_eq(jstr(i, "decided_at"), "2026-11-27T09:01:00Z");
	cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(i, "open")));
	cJSON_Delete(j);
	r = RUN("incident", "list");
	ok(&r, "timeline: started 2026-11-27 08:54, detected 08:56, paged 08:58, root cause 09:05, "
	       "decided rollback 09:01, restored 09:12");
	th_run_free(&r);
	r = RUN("incident", "list", "--open");
	ok(&r, "no open incidents");
	th_run_free(&r);
}

Test(cli, reviews_due_answered_and_overdue)
{
	struct th_run r = RUN("deploy", "record", "v1.0.0", "--env", "production", "--at", "2026-11-27T09:00Z");
	th_run_free(&r);
	r = RUN("deploy", "record", "v1.1.0", "--env", "staging", "--at", "2026-11-27T09:00Z");
	th_run_free(&r);
	/* 12:00, 3 h after: upcoming, due 2026-11-28 09:00 in 21 h. */
	r = RUN("review", "list");
	ok(&r, "upcoming  deployment 1: v1.0.0");
	cr_assert(strstr(r.out, "due 2026-11-28 09:00 (in 21 h 00 min), 0/5 answered"), "%s", r.out);
	cr_assert_null(strstr(r.out, "deployment 2"), "staging gets no review: %s", r.out);
	th_run_free(&r);
	/* 2026-11-28 09:00:01: one second past due, unanswered: overdue. */
	cJSON *j = json_list(RUN_AT("2026-11-28T09:00:01Z", "review", "list", "--json"));
	cr_assert_eq(cJSON_GetArraySize(j), 1);
	cr_assert_str_eq(jstr(cJSON_GetArrayItem(j, 0), "state"), "overdue");
	cr_assert_str_eq(jstr(cJSON_GetArrayItem(j, 0), "due_at"), "2026-11-28T09:00:00Z");
	cJSON_Delete(j);
	r = RUN("review", "deploy", "1", "--answer", "1=Conversion up 3%", "--answer=2=Errors flat",
		"--answer", "5=Hold the canary longer");
	ok(&r, "3 answer(s) recorded, 3/5 answered");
	th_run_free(&r);
	r = RUN("review", "deploy", "1", "--answer", "6=too many");
	fails(&r, "N from 1 to 5");
	th_run_free(&r);
	r = RUN("review", "deploy", "2", "--answer", "1=x");
	fails(&r, "post-deployment reviews are for production");
	th_run_free(&r);
	/* Questions 3 and 4 from stdin, one line per question; empty lines keep. */
	char *in = xasprintf("%s/answers", home);
	th_write(in, "\n\nSupport quiet\nNothing\n\n");
	r = th_shipdeck(home, in, (const char *const[]){"--repo", repo, "--now", NOW, "review", "deploy", "1", NULL});
	ok(&r, "2 answer(s) recorded, 5/5 answered (done)");
	th_run_free(&r);
	free(in);
	j = json_list(RUN_AT("2026-11-28T09:00:01Z", "review", "list", "--json"));
	cr_assert_eq(cJSON_GetArraySize(j), 0, "a finished review is not listed");
	cJSON_Delete(j);
	j = json_list(RUN_AT("2026-11-28T09:00:01Z", "review", "list", "--json", "--all"));
	cr_assert_str_eq(jstr(cJSON_GetArrayItem(j, 0), "state"), "done");
	cJSON_Delete(j);
	r = RUN("review", "deploy", "1");
	fails(&r, "no answers");
	th_run_free(&r);

	/* An incident restored 09:12 has its review due then, overdue after 5 days. */
	r = RUN("incident", "open", "Checkout", "--at", "2026-11-27T08:54Z");
	th_run_free(&r);
	r = RUN("incident", "update", "1", "--restored", "2026-11-27T09:12Z");
	th_run_free(&r);
	r = RUN("review", "list");
	ok(&r, "DUE       incident 1 (sev2): Checkout");
	cr_assert(strstr(r.out, "overdue after 2026-12-02 09:12"), "%s", r.out);
	th_run_free(&r);
	j = json_list(RUN_AT("2026-12-02T09:12:01Z", "review", "list", "--json"));
	cr_assert_str_eq(jstr(cJSON_GetArrayItem(j, 0), "subject"), "incident");
	cr_assert_str_eq(jstr(cJSON_GetArrayItem(j, 0), "state"), "overdue");
	cJSON_Delete(j);
}

Test(cli, outside_text_is_cleaned)
{
	struct th_run r = RUN("deploy", "record", "v1.0.0", "--env", "production", "--at", "2026-11-27T08:00Z");
	th_run_free(&r);
	r = RUN("incident", "open", "Evil \033[2Jtitle\a");
	ok(&r, "opened incident 1: Evil ");
	cr_assert_null(strchr(r.out, '\033'));
	th_run_free(&r);
	r = RUN("incident", "list");
	cr_assert_null(strchr(r.out, '\033'));
	cr_assert_null(strchr(r.out, '\a'));
	th_run_free(&r);
	cJSON *j = json_list(RUN("incident", "list", "--json"));
	cr_assert_str_eq(jstr(cJSON_GetArrayItem(j, 0), "title"), "Evil \033[2Jtitle\a");
	cJSON_Delete(j);
}
