/* test_revert_prs — pins docs/metrics.md §3b's reverts of pull requests on
 * real repositories built at test time with the git CLI: a "Reverts #N"
 * line reverts the commit whose subject ends "(#N)" (a squash merge) or
 * starts "Merge pull request #N " (a merge), "Reverts owner/repo#N" the
 * same; reverting a merge commit reverts the changes it brought (those
 * reachable from its second parent and not its first), so the deployment
 * that first shipped them fails, not the one that shipped the merge;
 * "Reverts #N" with no such pull request, or not at the start of its line,
 * or not followed by a number, is ignored; the deployment's line says
 * "reverted by #131" (the revert's own pull request) on every surface, and
 * the cache gives after a new tag exactly what a full scan gives. Every
 * answer was worked out by hand from the dates written here:
 * T(d, h) = 2026-01-d h:00 UTC = 1767225600 + (d − 1)·86400 + h·3600. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gitscan.h"
#include "helpers.h"
#include "metrics.h"
#include "present.h"
#include "store.h"
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
	cr_assert_eq(th_git(repo, "2026-01-01T00:00:00+0000", "init -q -b main"), 0);
}

static void teardown(void)
{
	th_rmtree(tmp);
	for (size_t i = 0; i < npool; i++)
		free(pool[i]);
	free(tmp);
	free(repo);
}

TestSuite(revert_prs, .init = setup, .fini = teardown, .timeout = 60);

static const char *iso(int day, int hour)
{
	return keep(xasprintf("2026-01-%02dT%02d:00:00+0000", day, hour));
}

/* A commit whose message is msg (subject, blank line, body as written). */
static const char *commit_on(int day, int hour, const char *msg)
{
	char *f = keep(xasprintf("%s/msg", tmp));
	th_write(f, msg);
	cr_assert_eq(th_git(repo, iso(day, hour), "commit -q --allow-empty -F '%s'", f), 0);
	return keep(th_rev(repo, "HEAD"));
}

static void atag(const char *name, const char *rev, int day, int hour)
{
	cr_assert_eq(th_git(repo, iso(day, hour), "tag -f -a %s -m 'Release %s' %s", name, name, rev), 0);
}

static void scan_in(struct store *st, const struct gitscan_opts *o, struct gitscan_result *r)
{
	cr_assert_eq(gitscan_sync(st, repo, o, r, err, sizeof err), 0, "gitscan_sync: %s", err);
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

/* c1 v1 (T(2,12)); c2 "Add search (#120)" v2 (T(3,12)); c3, the squash of
 * GitHub's revert pull request: subject 'Revert "Add search (#120)" (#131)'
 * (it names #131, not #120: the subject must end "(#N)"), body
 * "Reverts acme/shop#120"; v3 at T(4,0). #120 is c2, first shipped by v2;
 * the revert ships in v3, later, authored T(4,0) − T(3,12) = 12 h after
 * v2 (inside 14 days): v2 failed, restored by v3 after 12 h, v3 is rework.
 * 3 deployments, 1 failed: 33.3 %. */
Test(revert_prs, reverts_owner_repo_n_reverts_the_squash_of_n)
{
	commit_on(2, 0, "c1\n");
	atag("v1", "HEAD", 2, 12);
	commit_on(3, 0, "Add search (#120)\n");
	atag("v2", "HEAD", 3, 12);
	commit_on(4, 0, "Revert \"Add search (#120)\" (#131)\n\nReverts acme/shop#120\n");
	atag("v3", "HEAD", 4, 0);
	struct gitscan_result r;
	scan_in(NULL, NULL, &r);
	int v2 = deploy_named(&r, "v2"), v3 = deploy_named(&r, "v3");
	cr_assert_eq(r.nreverts, 1);
	cr_assert_eq(r.reverts[0].reverted_deploy, v2);
	cr_assert_eq(r.reverts[0].revert_deploy, v3);
	cr_assert_eq(r.reverts[0].reverted_pr, 120);
	cr_assert_eq(r.reverts[0].revert_pr, 131);
	struct dora_input in;
	struct dora_report rep;
	report(&r, &in, &rep);
	cr_assert(rep.all[v2].failed);
	cr_assert_eq(rep.all[v2].fail_source, FAIL_REVERT);
	cr_assert_eq(rep.all[v2].restored_by, v3);
	cr_assert_eq(rep.all[v2].restored_by_pr, 131);
	cr_assert_eq(rep.all[v2].restored_reverts_pr, 120);
	cr_assert_float_eq(rep.all[v2].restore_hours, 12.0, 1e-9);
	cr_assert(rep.all[v3].rework);
	cr_assert_float_eq(rep.cfr.rate, 100.0 / 3, 1e-9);
	dora_report_free(&rep);
	gitscan_result_free(&r);
}

/* main: c1 v1 (T(2,12)). Branch feature from c1: b1 (T(3,0)), b2 (T(3,1)),
 * deployed from the branch as v2 (T(3,12)): v2 ships b1 and b2. Then
 * "Merge pull request #7 from acme/feature" (--no-ff, T(4,0)) tagged v3
 * (T(4,12)): v3 ships the merge only (no change; not a rollback: the
 * merge is not an ancestor of b2). c4 "Undo the feature" with "Reverts
 * #7" (T(5,0)), v4 (T(5,12)). #7 is the merge; its second parent b2
 * brings b1 and b2 (git rev-list M^1..M^2), both first shipped by v2: so
 * v2 failed, not v3 (a revert of the merge's own deployment would have
 * said v3). Restore = v4 − v2 = T(5,12) − T(3,12) = 48 h. One revert
 * entry (b1 and b2 share v2). */
Test(revert_prs, reverting_a_merge_reverts_the_changes_it_brought)
{
	const char *c1 = commit_on(2, 0, "c1\n");
	atag("v1", c1, 2, 12);
	cr_assert_eq(th_git(repo, iso(3, 0), "checkout -q -b feature"), 0);
	commit_on(3, 0, "b1\n");
	commit_on(3, 1, "b2\n");
	atag("v2", "HEAD", 3, 12);
	cr_assert_eq(th_git(repo, iso(4, 0), "checkout -q main"), 0);
	cr_assert_eq(th_git(repo, iso(4, 0), "merge -q --no-ff -m 'Merge pull request #7 from acme/feature' feature"), 0);
	atag("v3", "HEAD", 4, 12);
	commit_on(5, 0, "Undo the feature\n\nReverts #7\n");
	atag("v4", "HEAD", 5, 12);
	struct gitscan_result r;
	scan_in(NULL, NULL, &r);
	int v2 = deploy_named(&r, "v2"), v3 = deploy_named(&r, "v3"), v4 = deploy_named(&r, "v4");
	cr_assert_eq(r.nreverts, 1);
	cr_assert_eq(r.reverts[0].reverted_deploy, v2);
	cr_assert_eq(r.reverts[0].revert_deploy, v4);
	cr_assert_eq(r.reverts[0].reverted_pr, 7);
	cr_assert_eq(r.reverts[0].revert_pr, 0);
	struct dora_input in;
	struct dora_report rep;
	report(&r, &in, &rep);
	cr_assert(rep.all[v2].failed);
	cr_assert_not(rep.all[v3].failed);
	cr_assert_eq(rep.all[v2].restored_by, v4);
	cr_assert_float_eq(rep.all[v2].restore_hours, 48.0, 1e-9);
	dora_report_free(&rep);
	gitscan_result_free(&r);
}

/* c1 v1; c2 "Tidy (#5)" v2; c3 at T(4,0), v3, whose message says
 * "Reverts #6" (no commit names #6), "Reverts #5x" (not a number),
 * "Reverts acme#5" (not owner/repo) and "See: Reverts #5" (not at the
 * start of its line): all ignored, so nothing reverts and nothing failed. */
Test(revert_prs, reverts_n_with_no_such_pull_request_is_ignored)
{
	commit_on(2, 0, "c1\n");
	atag("v1", "HEAD", 2, 12);
	commit_on(3, 0, "Tidy (#5)\n");
	atag("v2", "HEAD", 3, 12);
	commit_on(4, 0, "Cleanup\n\nReverts #6\nReverts #5x\nReverts acme#5\nSee: Reverts #5\n");
	atag("v3", "HEAD", 4, 12);
	struct gitscan_result r;
	scan_in(NULL, NULL, &r);
	cr_assert_eq(r.nreverts, 0);
	struct dora_input in;
	struct dora_report rep;
	report(&r, &in, &rep);
	cr_assert_float_eq(rep.cfr.rate, 0.0, 1e-9);
	dora_report_free(&rep);
	gitscan_result_free(&r);
}

static void assert_same_reverts(const struct gitscan_result *a, const struct gitscan_result *b)
{
	cr_assert_eq(a->ndeploys, b->ndeploys);
	cr_assert_eq(a->nreverts, b->nreverts);
	for (size_t i = 0; i < a->nreverts; i++) {
		cr_assert_eq(a->reverts[i].reverted_deploy, b->reverts[i].reverted_deploy, "revert %zu", i);
		cr_assert_eq(a->reverts[i].revert_deploy, b->reverts[i].revert_deploy, "revert %zu", i);
		cr_assert_eq(a->reverts[i].revert_author_time, b->reverts[i].revert_author_time);
		cr_assert_eq(a->reverts[i].revert_pr, b->reverts[i].revert_pr, "revert %zu", i);
		cr_assert_eq(a->reverts[i].reverted_pr, b->reverts[i].reverted_pr, "revert %zu", i);
	}
}

/* The cache: the merge of #7 (bringing b1, b2 from v2) and the squash #9
 * are scanned and cached first; the reverts of both come later with a new
 * tag, so they resolve against commits the incremental run did not walk
 * (the pull request commits come from the cache). The incremental run, a
 * warm start after it and a full scan in a fresh database agree: two
 * reverts, #7's failing v2 (its changes) and #9's failing v3. */
Test(revert_prs, the_cache_keeps_pull_requests_for_later_reverts)
{
	char *db = keep(xasprintf("%s/cache.db", tmp));
	struct store *st = store_open(db, STORE_CREATE, err, sizeof err);
	cr_assert_not_null(st, "%s", err);
	commit_on(2, 0, "c1\n");
	atag("v1", "HEAD", 2, 12);
	cr_assert_eq(th_git(repo, iso(3, 0), "checkout -q -b feature"), 0);
	commit_on(3, 0, "b1\n");
	commit_on(3, 1, "b2\n");
	atag("v2", "HEAD", 3, 12);
	cr_assert_eq(th_git(repo, iso(4, 0), "checkout -q main"), 0);
	cr_assert_eq(th_git(repo, iso(4, 0), "merge -q --no-ff -m 'Merge pull request #7 from acme/feature' feature"), 0);
	commit_on(4, 1, "Speed up (#9)\n");
	atag("v3", "HEAD", 4, 12);
	struct gitscan_result first, inc, warm, fresh;
	scan_in(st, NULL, &first);
	cr_assert_eq(first.nreverts, 0);
	commit_on(5, 0, "Undo two\n\nReverts #7\nReverts acme/shop#9\n");
	atag("v4", "HEAD", 5, 12);
	scan_in(st, NULL, &inc);
	cr_assert_lt(inc.commits_walked, first.commits_walked, "the second run walks only the new commit");
	scan_in(st, NULL, &warm);
	cr_assert_eq(warm.commits_walked, 0);
	struct gitscan_opts full = {.full = true};
	scan_in(NULL, &full, &fresh);
	cr_assert_eq(fresh.nreverts, 2);
	int v2 = deploy_named(&fresh, "v2"), v3 = deploy_named(&fresh, "v3"), v4 = deploy_named(&fresh, "v4");
	cr_assert_eq(fresh.reverts[0].reverted_deploy, v2);
	cr_assert_eq(fresh.reverts[0].reverted_pr, 7);
	cr_assert_eq(fresh.reverts[1].reverted_deploy, v3);
	cr_assert_eq(fresh.reverts[1].reverted_pr, 9);
	cr_assert_eq(fresh.reverts[1].revert_deploy, v4);
	assert_same_reverts(&inc, &fresh);
	assert_same_reverts(&warm, &fresh);
	gitscan_result_free(&first);
	gitscan_result_free(&inc);
	gitscan_result_free(&warm);
	gitscan_result_free(&fresh);
	store_close(st);
}

/* The line says why, decided once in present.c. */
Test(revert_prs, the_line_says_reverted_by)
{
	struct deploy_verdict v = {.state = DEPLOY_RESTORED, .why = FAIL_REVERT, .restore_hours = 12,
				   .restored_by = "v3", .reverted_by_pr = 131, .reverts_pr = 120};
	struct strbuf sb = STRBUF_INIT;
	present_deploy_detail(&sb, &v);
	cr_assert_str_eq(sb_str(&sb), "(reverted by #131, in v3, after 12 h)");
	v.reverted_by_pr = 0;
	sb_reset(&sb);
	present_deploy_detail(&sb, &v);
	cr_assert_str_eq(sb_str(&sb), "(revert of #120, by v3, after 12 h)");
	v.reverts_pr = 0;
	sb_reset(&sb);
	present_deploy_detail(&sb, &v);
	cr_assert_str_eq(sb_str(&sb), "(revert, by v3, after 12 h)");
	sb_free(&sb);
}

/* Every surface says it: the same repository as the first test, through
 * the binary (as of 2026-01-28): the text and markdown snapshots and the
 * JSON (reverted_by_pr 131, reverts_pr 120 on v2). */
Test(revert_prs, every_surface_says_reverted_by)
{
	commit_on(2, 0, "c1\n");
	atag("v1", "HEAD", 2, 12);
	commit_on(3, 0, "Add search (#120)\n");
	atag("v2", "HEAD", 3, 12);
	commit_on(4, 0, "Revert \"Add search (#120)\" (#131)\n\nReverts acme/shop#120\n");
	atag("v3", "HEAD", 4, 0);
	const char *formats[] = {"text", "markdown"};
	for (int i = 0; i < 2; i++) {
		struct th_run r = th_shipdeck(tmp, NULL, (const char *const[]){"--repo", repo, "--now",
				"2026-01-28T00:00:00Z", "snapshot", "--format", formats[i], NULL});
		cr_assert_eq(r.status, 0, "%s", r.err);
		cr_assert(strstr(r.out, "restored (reverted by #131, in v3"), "%s: %s", formats[i], r.out);
		th_run_free(&r);
	}
	struct th_run r = th_shipdeck(tmp, NULL, (const char *const[]){"--repo", repo, "--now",
			"2026-01-28T00:00:00Z", "snapshot", "--format", "json", NULL});
	cr_assert_eq(r.status, 0, "%s", r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert_not_null(j);
	const cJSON *deps = cJSON_GetObjectItemCaseSensitive(j, "deployments");
	bool found = false;
	const cJSON *d;
	cJSON_ArrayForEach(d, deps) {
		if (!streq(cJSON_GetObjectItemCaseSensitive(d, "ref")->valuestring, "v2"))
			continue;
		found = true;
		cr_assert_eq(cJSON_GetObjectItemCaseSensitive(d, "reverted_by_pr")->valueint, 131);
		cr_assert_eq(cJSON_GetObjectItemCaseSensitive(d, "reverts_pr")->valueint, 120);
	}
	cr_assert(found, "%s", r.out);
	cJSON_Delete(j);
	th_run_free(&r);
}

/* Found from imported pull requests: #12 was rebase-merged, so no subject
 * names it. c1 "Add cache" (01-02 09:00) tagged v2 at 01-02 12:00 (v1:
 * c0 at 01-02 00:00, tagged 01-02 01:00); c2 "Undo the cache (#13)" with
 * "Reverts acme/shop#12" (01-03 09:00), v3 at 01-03 12:00. Before the
 * import nothing names #12: no failure. After `pr import` of #12 (merge
 * commit c1): v2 failed, restored by v3 after 24 h, "reverted by #13",
 * JSON reverted_by_pr 13, reverts_pr 12; the history cache is warm by
 * then (the first snapshot wrote it). */
Test(revert_prs, reverts_n_found_from_imported_pull_requests)
{
	commit_on(2, 0, "c0\n");
	atag("v1", "HEAD", 2, 1);
	const char *c1 = commit_on(2, 9, "Add cache\n");
	atag("v2", "HEAD", 2, 12);
	commit_on(3, 9, "Undo the cache (#13)\n\nReverts acme/shop#12\n");
	atag("v3", "HEAD", 3, 12);
	const char *const snap[] = {"--repo", repo, "--now", "2026-01-28T00:00:00Z", "snapshot", "--format", "json", NULL};
	struct th_run r = th_shipdeck(tmp, NULL, snap);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cJSON *j = cJSON_Parse(r.out);
	const cJSON *cfr = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "dora"),
							     "change_failure_rate");
	cr_assert_float_eq(cJSON_GetObjectItemCaseSensitive(cfr, "failed")->valuedouble, 0, 1e-9, "%s", r.out);
	cJSON_Delete(j);
	th_run_free(&r);
	char *file = keep(xasprintf("%s/prs.json", tmp));
	char *json = keep(xasprintf("[{\"number\": 12, \"title\": \"Cache\", \"author\": {\"login\": \"a\"},"
				    " \"headRefName\": \"cache\", \"createdAt\": \"2026-01-02T08:00:00Z\","
				    " \"mergedAt\": \"2026-01-02T09:00:00Z\", \"mergeCommit\": {\"oid\": \"%s\"}}]", c1));
	th_write(file, json);
	r = th_shipdeck(tmp, NULL, (const char *const[]){"--repo", repo, "pr", "import", file, NULL});
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	r = th_shipdeck(tmp, NULL, snap);
	j = cJSON_Parse(r.out);
	const cJSON *d;
	bool found = false;
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(j, "deployments")) {
		if (!streq(cJSON_GetObjectItemCaseSensitive(d, "ref")->valuestring, "v2"))
			continue;
		found = true;
		cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(d, "status")->valuestring, "restored");
		cr_assert_float_eq(cJSON_GetObjectItemCaseSensitive(d, "restore_hours")->valuedouble, 24, 1e-9);
		cr_assert_eq(cJSON_GetObjectItemCaseSensitive(d, "reverted_by_pr")->valueint, 13);
		cr_assert_eq(cJSON_GetObjectItemCaseSensitive(d, "reverts_pr")->valueint, 12);
	}
	cr_assert(found, "%s", r.out);
	cJSON_Delete(j);
	th_run_free(&r);
}
