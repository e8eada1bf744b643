/* test_import_prs — pins `pr import` on the hand-written exports in
 * tests/fixtures/prs (README there lists each trap), every answer worked
 * out by hand in the comments: gh's merged pull requests with the first
 * review by someone other than the author (the author's own comments, a
 * pending draft and a review after the merge do not count; logins compare
 * ignoring case), a pull request without reviews, one reviewed by its
 * author only, one whose commits were rebased away, one with no
 * mergeCommit and a deleted author; pages one after another that overlap
 * and a pull request never merged (skipped, with why); GitLab merge
 * requests with +02:00 and +01:00 times, approvals with and without a
 * time, a squash commit, a closed request. Against a real SQLite file: a
 * re-import changes nothing (unchanged), a changed field updates, never
 * duplicates. Through the real binary: the summary, a bad record named by
 * its page and JSON path with the database untouched, --skip-bad, and a
 * forced format of another kind refused. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "helpers.h"
#include "import_prs.h"
#include "store.h"
#include "store_prs.h"
#include "timeutil.h"
#include "util.h"

static char *dir;

static void setup(void)
{
	dir = th_tmpdir();
	setenv("XDG_CONFIG_HOME", dir, 1);
	setenv("XDG_DATA_HOME", dir, 1);
}

static void teardown(void)
{
	th_rmtree(dir);
	free(dir);
}

TestSuite(prs, .init = setup, .fini = teardown, .timeout = 60);

static char *fixture_path(const char *name)
{
	const char *src = getenv("SD_SRCDIR");
	return xasprintf("%s/tests/fixtures/prs/%s", src ? src : ".", name);
}

static void parse_fixture(const char *name, struct pr_batch *b)
{
	size_t len;
	char *path = fixture_path(name);
	char *text = read_file(path, &len);
	cr_assert_not_null(text, "cannot read %s", path);
	char err[512] = "";
	cr_assert_eq(pr_parse(text, len, IMPORT_AUTO, b, err, sizeof err), 0, "%s: %s", name, err);
	free(text);
	free(path);
}

static int64_t T(int mo, int d, int h, int mi)
{
	return time_from_utc(2026, mo, d, h, mi, 0);
}

static const struct pr_rec *pr_no(const struct pr_batch *b, int64_t n)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->items[i].rec.number == n)
			return &b->items[i].rec;
	cr_assert_fail("no pull request %lld", (long long)n);
	return NULL;
}

/* gh-prs.json, by hand:
 * #101 opened 01-02 12:00, merged 01-03 16:00; Alice's own comment (her
 *      login in another case), carol's pending draft and dave's approval
 *      after the merge do not count: first review bob's at 01-03 10:00;
 *      commits aaa..01 and aaa..02 (written in upper case), merge bbb..01.
 * #102 no reviews: none.  #103 reviewed by erin, its author, only: none.
 * #104 rebase-merged: its two listed commits cc..01, cc..02 stay listed
 *      (no history holds them), merge bbb..04, bob at 01-07 08:00.
 * #105 mergeCommit null, no commits, author null: bob's review counts
 *      (01-08 10:30), base release-1.4. None names its repository. */
Test(prs, gh_pull_requests_and_their_first_review)
{
	struct pr_batch b = {0};
	parse_fixture("gh-prs.json", &b);
	cr_assert_eq(b.n, 5);
	cr_assert_eq(b.nskipped, 0);
	cr_assert_eq(b.formats, 1u << IMPORT_GH_PRS);
	const struct pr_rec *p = pr_no(&b, 101);
	cr_assert_str_eq(p->source, "github");
	cr_assert_null(p->origin);
	cr_assert_str_eq(p->author, "alice");
	cr_assert_eq(p->opened, T(1, 2, 12, 0));
	cr_assert_eq(p->merged, T(1, 3, 16, 0));
	cr_assert_eq(p->first_review, T(1, 3, 10, 0));
	cr_assert_str_eq(p->first_reviewer, "bob");
	cr_assert_not(p->reviewed_untimed);
	cr_assert_str_eq(p->merge_commit, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb01");
	cr_assert_eq(p->ncommits, 2);
	cr_assert_str_eq(p->commits[1], "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa02");
	cr_assert_str_eq(p->head_ref, "search-box");
	cr_assert_eq(p->first_authored, T(1, 2, 9, 0), "the earlier of its commits' authoredDate");
	cr_assert_eq(pr_no(&b, 102)->first_review, SD_NO_TIME);
	cr_assert_eq(pr_no(&b, 103)->first_review, SD_NO_TIME);
	cr_assert_not(pr_no(&b, 103)->reviewed_untimed);
	p = pr_no(&b, 104);
	cr_assert_eq(p->ncommits, 2);
	cr_assert_str_eq(p->commits[0], "cccccccccccccccccccccccccccccccccccccc01");
	cr_assert_eq(p->first_review, T(1, 7, 8, 0));
	p = pr_no(&b, 105);
	cr_assert_null(p->merge_commit);
	cr_assert_null(p->author);
	cr_assert_eq(p->ncommits, 0);
	cr_assert_eq(p->first_authored, SD_NO_TIME);
	cr_assert_eq(p->first_review, T(1, 8, 10, 30));
	cr_assert_str_eq(p->base_ref, "release-1.4");
	pr_batch_free(&b);
}

/* gh-prs-pages.json: two pages. Page 1: #102, #106 (mergedAt null:
 * skipped, "not merged"). Page 2: #102 again (skipped: the same as page
 * 1's [0]), #107 with its url: repository acme/shop. Kept: 102, 107. */
Test(prs, pages_one_after_another_overlap_and_unmerged_ones_are_skipped)
{
	struct pr_batch b = {0};
	parse_fixture("gh-prs-pages.json", &b);
	cr_assert_eq(b.pages, 2);
	cr_assert_eq(b.n, 2);
	cr_assert_eq(b.nskipped, 2);
	cr_assert(strstr(sb_str(&b.skipped), "page 1: [1]: not merged (no mergedAt)"), "%s", sb_str(&b.skipped));
	cr_assert(strstr(sb_str(&b.skipped), "page 2: [0]: the same pull request as page 1: [0]"), "%s",
		  sb_str(&b.skipped));
	cr_assert_str_eq(pr_no(&b, 107)->origin, "acme/shop");
	cr_assert_eq(pr_no(&b, 107)->first_review, T(1, 9, 11, 0));
	pr_batch_free(&b);
}

/* gitlab-mrs.json: !41 opened 2026-01-05T10:00+02:00 = 08:00Z, merged
 * 2026-01-06T08:30+02:00 = 06:30Z; hana (the author, written HANA)
 * approved first: not a review; ivan at 2026-01-05T20:00+01:00 = 19:00Z.
 * !42: squash sha (upper case) is its merge commit and one of its
 * commits with the head; hana's approval has no time: reviewed, when
 * unknown. !43 closed: skipped. Both in acme/shop (web_url). */
Test(prs, gitlab_merge_requests_time_zones_and_approvals)
{
	struct pr_batch b = {0};
	parse_fixture("gitlab-mrs.json", &b);
	cr_assert_eq(b.formats, 1u << IMPORT_GITLAB_MRS);
	cr_assert_eq(b.n, 2);
	cr_assert_eq(b.nskipped, 1);
	cr_assert(strstr(sb_str(&b.skipped), "[2]: not merged (state closed)"), "%s", sb_str(&b.skipped));
	const struct pr_rec *p = pr_no(&b, 41);
	cr_assert_str_eq(p->source, "gitlab");
	cr_assert_str_eq(p->origin, "acme/shop");
	cr_assert_eq(p->opened, T(1, 5, 8, 0));
	cr_assert_eq(p->merged, T(1, 6, 6, 30));
	cr_assert_eq(p->first_review, T(1, 5, 19, 0));
	cr_assert_str_eq(p->first_reviewer, "ivan");
	cr_assert_str_eq(p->merge_commit, "dddddddddddddddddddddddddddddddddddddd01");
	p = pr_no(&b, 42);
	cr_assert_str_eq(p->merge_commit, "dddddddddddddddddddddddddddddddddddddd02");
	cr_assert_eq(p->ncommits, 2);
	cr_assert_eq(p->first_review, SD_NO_TIME);
	cr_assert(p->reviewed_untimed);
	pr_batch_free(&b);
}

static struct store *open_db(void)
{
	char err[512];
	char *path = xasprintf("%s/prs.db", dir);
	struct store *st = store_open(path, STORE_CREATE, err, sizeof err);
	free(path);
	cr_assert_not_null(st, "%s", err);
	return st;
}

static void store_batch(struct store *st, struct pr_batch *b, struct pr_counts *k)
{
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(pr_store(st, b, T(2, 1, 0, 0), k), 0, "%s", store_errmsg(st));
	cr_assert_eq(store_commit(st), 0);
}

/* Into a real database: gh-prs.json gives 5 new; again, 5 unchanged; then
 * the pages file: #107 new, #102 unchanged (the same fields); then #101
 * with another title and no "commits" or "reviews" (gh pr list --json
 * without them): updated, still 6 rows, its 2 commits and bob's review
 * kept from the first import. */
Test(prs, a_reimport_changes_nothing_and_a_change_updates)
{
	struct store *st = open_db();
	struct pr_batch b = {0};
	struct pr_counts k;
	parse_fixture("gh-prs.json", &b);
	store_batch(st, &b, &k);
	cr_assert_eq(k.added, 5);
	store_batch(st, &b, &k);
	cr_assert_eq(k.added + k.updated, 0);
	cr_assert_eq(k.unchanged, 5);
	pr_batch_free(&b);
	memset(&b, 0, sizeof b);
	parse_fixture("gh-prs-pages.json", &b);
	store_batch(st, &b, &k);
	cr_assert_eq(k.added, 1);
	cr_assert_eq(k.unchanged, 1);
	pr_batch_free(&b);
	memset(&b, 0, sizeof b);
	const char *text = "[{\"number\": 101, \"title\": \"Search box, renamed\", \"createdAt\": \"2026-01-02T12:00:00Z\","
			   " \"mergedAt\": \"2026-01-03T16:00:00Z\", \"headRefName\": \"search-box\"}]";
	char err[512];
	cr_assert_eq(pr_parse(text, strlen(text), IMPORT_AUTO, &b, err, sizeof err), 0, "%s", err);
	store_batch(st, &b, &k);
	cr_assert_eq(k.updated, 1);
	pr_batch_free(&b);
	struct pr_rec *all;
	size_t n;
	cr_assert_eq(store_prs_load(st, &all, &n), 0);
	cr_assert_eq(n, 6);
	cr_assert_str_eq(all[0].title, "Search box, renamed");
	cr_assert_eq(all[0].ncommits, 2);
	cr_assert_eq(all[0].first_review, T(1, 3, 10, 0));
	pr_recs_free(all, n);
	store_close(st);
}

#define RUN(...) th_shipdeck(home, NULL, (const char *const[]){"--repo", repo, __VA_ARGS__, NULL})

static int64_t count_rows(const char *db)
{
	sqlite3 *h;
	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_stmt *s;
	cr_assert_eq(sqlite3_prepare_v2(h, "SELECT count(*) FROM pull_requests", -1, &s, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(h);
	return n;
}

/* Through the binary: the summary says what happened; a file with a bad
 * review time on page 2 is refused whole, naming "page 2:
 * [0].reviews[0].submittedAt", and the database keeps its 5 rows; with
 * --skip-bad the good record of that file goes in; a deployment format is
 * not a pull request format. */
Test(prs, the_command_summary_errors_and_skip_bad)
{
	char *home = th_tmpdir();
	char *repo = th_make_repo(home, "shop");
	char *db = xasprintf("%s/shop.db", home);
	char *gh = fixture_path("gh-prs.json");
	struct th_run r = RUN("--db", db, "pr", "import", gh);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "imported 5 pull requests (5 new, 0 updated) from "), "%s", r.out);
	cr_assert(strstr(r.out, "[gh-prs]"), "%s", r.out);
	th_run_free(&r);
	r = RUN("--db", db, "pr", "import", gh);
	cr_assert(strstr(r.out, "imported 5 pull requests (0 new, 0 updated, 5 unchanged)"), "%s", r.out);
	th_run_free(&r);
	char *bad = xasprintf("%s/bad.json", home);
	th_write(bad, "[{\"number\": 201, \"title\": \"ok\", \"createdAt\": \"2026-01-02T12:00:00Z\","
		      " \"mergedAt\": \"2026-01-02T13:00:00Z\", \"headRefName\": \"a\"}]\n"
		      "[{\"number\": 202, \"title\": \"bad\", \"createdAt\": \"2026-01-02T12:00:00Z\","
		      " \"mergedAt\": \"2026-01-02T13:00:00Z\", \"headRefName\": \"b\","
		      " \"reviews\": [{\"author\": {\"login\": \"x\"}, \"submittedAt\": \"yesterday\"}]}]\n");
	r = RUN("--db", db, "pr", "import", bad);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "page 2: [0].reviews[0].submittedAt: not an ISO 8601 time; nothing imported"),
		  "%s", r.err);
	th_run_free(&r);
	cr_assert_eq(count_rows(db), 5, "a refused import writes nothing");
	r = RUN("--db", db, "pr", "import", "--skip-bad", bad);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.err, "skipped 1 bad record"), "%s", r.err);
	cr_assert(strstr(r.out, "imported 1 pull request (1 new, 0 updated)"), "%s", r.out);
	th_run_free(&r);
	cr_assert_eq(count_rows(db), 6);
	r = RUN("--db", db, "pr", "import", "--format", "argocd", gh);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--format argocd: must be auto, gh-prs or gitlab-mrs"), "%s", r.err);
	th_run_free(&r);
	free(bad);
	free(gh);
	free(db);
	free(repo);
	th_rmtree(home);
	free(home);
}
