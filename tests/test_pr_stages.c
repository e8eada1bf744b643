/* test_pr_stages — pins where lead time goes with imported pull requests
 * (docs/metrics.md §2b), through the real binary on a repository built at
 * test time: before any import the stages come from git; after `pr
 * import`, each change linked to its pull request (by a listed commit, or
 * as the squash commit it merged as) splits into coding, pickup, review and
 * waiting to deploy, a pull request without a review counts opened →
 * merged as review (pickup unknown), the author's own review is not one,
 * a pull request whose commits were rebased away links to nothing, a
 * change with no pull request counts in lead time only; the feature's own
 * stages come from its pull request too; and a new import changes the
 * figures on the next run although the history cache starts warm (the
 * links are made every run from the database). Every figure was worked out
 * by hand from the dates written here (all 2026-01, UTC). */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
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
	repo = th_make_repo(home, "shop"); /* "Initial commit", 01-01 10:00 */
}

static void teardown(void)
{
	th_rmtree(home);
	free(home);
	free(repo);
}

TestSuite(pr_stages, .init = setup, .fini = teardown, .timeout = 60);

#define NOW "2026-01-20T00:00:00Z"
#define RUN(...) th_shipdeck(home, NULL, (const char *const[]){"--repo", repo, "--now", NOW, __VA_ARGS__, NULL})

static void git(const char *date, const char *cmd)
{
	cr_assert_eq(th_git(repo, date, "%s", cmd), 0, "git %s", cmd);
}

static cJSON *snapshot_json(void)
{
	struct th_run r = RUN("snapshot", "--format", "json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert_not_null(j, "%s", r.out);
	th_run_free(&r);
	return j;
}

static const cJSON *at(const cJSON *o, const char *a, const char *b, const char *c)
{
	o = cJSON_GetObjectItemCaseSensitive(o, a);
	if (b)
		o = cJSON_GetObjectItemCaseSensitive(o, b);
	if (c)
		o = cJSON_GetObjectItemCaseSensitive(o, c);
	return o;
}

static const cJSON *stages_of(const cJSON *snap)
{
	return at(snap, "dora", "lead_time", "stages");
}

static double num(const cJSON *stages, const char *field)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(stages, field);
	cr_assert(cJSON_IsNumber(v), "%s is not a number", field);
	return v->valuedouble;
}

static const char *text(const cJSON *stages, const char *field)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(stages, field);
	cr_assert(cJSON_IsString(v), "%s is not a string", field);
	return v->valuestring;
}

/* The history (dates 2026-01-DD HH:MM UTC):
 *   Initial commit 01-01 10:00, tagged v1 at 01-01 12:00 (the first
 *   deployment: its commits are not changes).
 *   a1 "Add search" 01-02 09:00 on branch search; d1 "Tweak README"
 *   01-03 08:00 on main (no pull request); "Merge pull request #101 from
 *   acme/search" 01-03 16:00 (--no-ff); v2 at 01-04 16:00.
 *   s1 "Fix typo (#102)", squashed as GitHub does: authored and committed
 *   at the merge, 01-05 09:20; v3 at 01-05 12:00.
 * Changes: a1 (v2, lead 55 h), d1 (v2, 32 h), s1 (v3, 2 h 40 min). */
static void build_history(char a1[41], char m[41], char s1[41])
{
	git("2026-01-01T12:00:00+0000", "tag -a v1 -m v1");
	git("2026-01-02T09:00:00+0000", "checkout -q -b search");
	git("2026-01-02T09:00:00+0000", "commit -q --allow-empty -m 'Add search'");
	char *h = th_rev(repo, "HEAD");
	memcpy(a1, h, 41);
	free(h);
	git("2026-01-03T08:00:00+0000", "checkout -q main");
	git("2026-01-03T08:00:00+0000", "commit -q --allow-empty -m 'Tweak README'");
	git("2026-01-03T16:00:00+0000", "merge -q --no-ff -m 'Merge pull request #101 from acme/search' search");
	h = th_rev(repo, "HEAD");
	memcpy(m, h, 41);
	free(h);
	git("2026-01-04T16:00:00+0000", "tag -a v2 -m v2");
	git("2026-01-05T09:20:00+0000", "commit -q --allow-empty -m 'Fix typo (#102)'");
	h = th_rev(repo, "HEAD");
	memcpy(s1, h, 41);
	free(h);
	git("2026-01-05T12:00:00+0000", "tag -a v3 -m v3");
}

/* gh pr list output for the history: #101 (alice) opened 01-02 12:00,
 * reviewed by alice herself at 13:00 (not a review) and by bob at 01-03
 * 10:00 (first_review), merged 01-03 16:00 as m, listing a1. #102 opened
 * 01-05 09:00, merged 09:20 as the squash s1, no review, listing the
 * commit it squashed (authored 01-05 08:00, in no history). #103 rebased away entirely: its one listed commit is in
 * no history, no mergeCommit: links to nothing (d1 stays without). */
static char *gh_export(const char *a1, const char *m, const char *s1, const char *bob_at)
{
	return xasprintf(
		"[{\"number\": 101, \"title\": \"Search\", \"author\": {\"login\": \"alice\"},"
		" \"headRefName\": \"search\", \"baseRefName\": \"main\","
		" \"createdAt\": \"2026-01-02T12:00:00Z\", \"mergedAt\": \"2026-01-03T16:00:00Z\","
		" \"mergeCommit\": {\"oid\": \"%s\"}, \"commits\": [{\"oid\": \"%s\"}],"
		" \"reviews\": [{\"author\": {\"login\": \"alice\"}, \"state\": \"COMMENTED\", \"submittedAt\": \"2026-01-02T13:00:00Z\"},"
		" {\"author\": {\"login\": \"bob\"}, \"state\": \"APPROVED\", \"submittedAt\": \"%s\"}]},"
		" {\"number\": 102, \"title\": \"Fix typo\", \"author\": {\"login\": \"carol\"},"
		" \"headRefName\": \"typo\", \"baseRefName\": \"main\","
		" \"createdAt\": \"2026-01-05T09:00:00Z\", \"mergedAt\": \"2026-01-05T09:20:00Z\","
		" \"mergeCommit\": {\"oid\": \"%s\"}, \"commits\": [{\"oid\": \"cccccccccccccccccccccccccccccccccccccc01\", \"authoredDate\": \"2026-01-05T08:00:00Z\"}],"
		" \"reviews\": []},"
		" {\"number\": 103, \"title\": \"Rebased\", \"author\": {\"login\": \"dave\"},"
		" \"headRefName\": \"rebased\", \"baseRefName\": \"main\","
		" \"createdAt\": \"2026-01-03T07:00:00Z\", \"mergedAt\": \"2026-01-03T08:00:00Z\","
		" \"mergeCommit\": null, \"commits\": [{\"oid\": \"dddddddddddddddddddddddddddddddddddddd01\"}],"
		" \"reviews\": []}]\n",
		m, a1, bob_at, s1);
}

static void import(const char *json)
{
	char *path = xasprintf("%s/prs.json", home);
	th_write(path, json);
	struct th_run r = RUN("pr", "import", path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	free(path);
}

/* Before the import: from git, over the 3 changes. After it, over the 2
 * linked changes (d1 has no pull request):
 *   a1 (#101): coding 12:00 − 09:00 = 3 h; pickup 01-02 12:00 → 01-03
 *   10:00 = 22 h; review 10:00 → 16:00 = 6 h; waiting 01-03 16:00 → v2
 *   01-04 16:00 = 24 h (3 + 22 + 6 + 24 = 55, its lead time).
 *   s1 (#102): its squash commit, authored at the merge (09:20): coding
 *   opened 09:00 − authored 09:20 < 0 counts as 0 (§2b: from the change's
 *   own author time; its pull request's first commit, 08:00, does not
 *   enter); no review: pickup unknown, review 09:00 → 09:20 = 1/3 h;
 *   waiting 09:20 → 12:00 = 8/3 h.
 * Medians: coding (3, 0) = 1.5; pickup (22) = 22; review (6, 1/3) = 19/6 =
 * 3.17; waiting (24, 8/3) = 40/3 = 13.33; largest pickup. The text says
 * the split is from pull requests. */
Test(pr_stages, imported_pull_requests_split_lead_time)
{
	char a1[41], m[41], s1[41];
	build_history(a1, m, s1);
	cJSON *j = snapshot_json();
	cr_assert_str_eq(text(stages_of(j), "source"), "git");
	cr_assert_eq(num(stages_of(j), "changes"), 3);
	cJSON_Delete(j);
	char *gh = gh_export(a1, m, s1, "2026-01-03T10:00:00Z");
	import(gh);
	free(gh);
	j = snapshot_json();
	const cJSON *st = stages_of(j);
	cr_assert_str_eq(text(st, "source"), "pull requests");
	cr_assert_eq(num(st, "changes"), 2);
	cr_assert_float_eq(num(st, "coding_hours"), 1.5, 1e-9);
	cr_assert_float_eq(num(st, "pickup_hours"), 22.0, 1e-9);
	cr_assert_float_eq(num(st, "review_hours"), 3.17, 1e-9);
	cr_assert_float_eq(num(st, "waiting_hours"), 13.33, 1e-9);
	cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(st, "coding_and_review_hours")));
	cr_assert_str_eq(text(st, "largest"), "pickup_hours");
	cr_assert_eq(num(at(j, "dora", "lead_time", NULL), "changes"), 3, "lead time still counts d1");
	cJSON_Delete(j);
	struct th_run r = RUN("snapshot", "--width", "120");
	cr_assert(strstr(r.out, "Where lead time goes (medians, from pull requests)"), "%s", r.out);
	cr_assert(strstr(r.out, "largest: pickup"), "%s", r.out);
	th_run_free(&r);
}

/* The feature of branch "search": its first commit is a1, so its own
 * stages are a1's: coding 3, pickup 22, review 6, waiting 24; largest
 * waiting to deploy. */
Test(pr_stages, the_feature_shows_its_own_pull_request_stages)
{
	char a1[41], m[41], s1[41];
	build_history(a1, m, s1);
	struct th_run r = RUN("feature", "add", "Search", "--branch", "search");
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	char *gh = gh_export(a1, m, s1, "2026-01-03T10:00:00Z");
	import(gh);
	free(gh);
	cJSON *j = snapshot_json();
	const cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "features"), 0);
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(f, "stages");
	cr_assert_str_eq(text(st, "source"), "pull requests");
	cr_assert_float_eq(num(st, "coding_hours"), 3.0, 1e-9);
	cr_assert_float_eq(num(st, "pickup_hours"), 22.0, 1e-9);
	cr_assert_float_eq(num(st, "review_hours"), 6.0, 1e-9);
	cr_assert_float_eq(num(st, "waiting_hours"), 24.0, 1e-9);
	cr_assert_str_eq(text(st, "largest"), "waiting_hours");
	cJSON_Delete(j);
}

/* A re-import where bob reviewed #101 at 01-02 14:00 instead: a1's pickup
 * is 2 h and its review 26 h, so pickup's median is 2 and review's
 * (26, 1/3) = 79/6 = 13.17. The history is read from the cache the
 * earlier runs wrote (sync in between): the figures follow the database. */
Test(pr_stages, a_new_import_changes_the_stages_on_a_warm_start)
{
	char a1[41], m[41], s1[41];
	build_history(a1, m, s1);
	char *gh = gh_export(a1, m, s1, "2026-01-03T10:00:00Z");
	import(gh);
	free(gh);
	cJSON *j = snapshot_json();
	cr_assert_float_eq(num(stages_of(j), "pickup_hours"), 22.0, 1e-9);
	cJSON_Delete(j);
	gh = gh_export(a1, m, s1, "2026-01-02T14:00:00Z");
	import(gh);
	free(gh);
	struct th_run r = RUN("sync");
	cr_assert_eq(r.status, 0, "%s", r.err);
	th_run_free(&r);
	j = snapshot_json();
	cr_assert_float_eq(num(stages_of(j), "pickup_hours"), 2.0, 1e-9);
	cr_assert_float_eq(num(stages_of(j), "review_hours"), 13.17, 1e-9);
	cJSON_Delete(j);
}
